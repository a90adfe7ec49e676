"""Benign .npy test data for test/parsers/numpy (run from the repository root):

    /opt/mvenv/bin/python test/parsers/numpy/data/make_data.py

Only benign arrays are written; nothing here loads a file.
"""
import os

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, arr, version=None):
    with open(os.path.join(HERE, name), "wb") as f:
        npformat.write_array(f, arr, version=version, allow_pickle=True)


def main():
    save("f8-v1.npy", np.arange(6, dtype="<f8").reshape(2, 3))
    save("f8-v2.npy", np.arange(6, dtype="<f8").reshape(2, 3), version=(2, 0))
    save("fortran.npy", np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3)))
    save("scalar.npy", np.array(7, dtype="<i2"))
    save("empty.npy", np.zeros((0, 4), dtype="<f4"))
    save("unicode.npy", np.array(["ab", "cde"]))
    rec = np.zeros(2, dtype=[("x", "<i4"), ("y", "<f8", (2,)), ("z", "S3")])
    save("record.npy", rec)
    save("record-object.npy", np.array([(1, "a")], dtype=[("n", "<i4"), ("o", "O")]))
    save("utf8-v3.npy", np.zeros(2, dtype=[("\u6570\u5b57", "<i4")]))
    save("datetime.npy", np.array(["2020-01-01"], dtype="datetime64[D]"))
    save("object.npy", np.array([1, "two", None], dtype=object))


if __name__ == "__main__":
    main()
