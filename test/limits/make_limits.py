"""Makes the fixtures the limit tests need beyond test/fixtures (run from the repository root):

    /opt/mvenv/bin/python test/limits/make_limits.py

Writes test/limits/fixtures/zeros.joblib.gz: joblib 1.6.0's gzip-compressed dump (numpy 2.4.6) of
a float64 array of 262 144 zeros. It decompresses to about 2 MiB, past the 1 MiB of output after
which modelvet judges a stream's compression ratio, at a ratio of a few hundred: over a small
`limits.maxCompressionRatio`, under the default 2000. Benign: plain numpy data, nothing is
loaded to check it.
"""
import os

import joblib
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, 'zeros.joblib.gz')
    joblib.dump(np.zeros(262_144, dtype=np.float64), path, compress=('gzip', 9))
    print(path, os.path.getsize(path))


if __name__ == '__main__':
    main()
