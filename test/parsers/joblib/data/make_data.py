"""Benign joblib test data for test/parsers/joblib (run from the repository root):

    /opt/mvenv/bin/python test/parsers/joblib/data/make_data.py

Only benign objects are dumped; nothing here loads a file it did not just write.
"""
import io
import os

import joblib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def arrays():
    rec = np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8"), ("c", "S3")])
    rec["a"] = [1, 2, 3]
    return {
        "object": np.array(["a", 1, None, (2, 3)], dtype=object),
        "f4": np.arange(5, dtype="<f4"),
        "be_i4": np.arange(3, dtype=">i4"),
        "unicode": np.array(["x", "yz", "uvw"]),
        "bytes": np.array([b"ab", b"c"]),
        "record": rec,
        "datetime": np.array(["2020-01-01", "2021-06-30"], dtype="datetime64[ns]"),
        "timedelta": np.array([1, 2], dtype="timedelta64[s]"),
        "empty": np.zeros((0, 3)),
        "scalar": np.array(3.5),
        "fortran": np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)),
        "bool": np.array([True, False, True]),
        "complex": np.array([1 + 2j], dtype="<c16"),
        "half": np.array([1.5], dtype="<f2"),
        "u8": np.array([2**63], dtype="<u8"),
        "void": np.array([b"\x01\x02\x03\x04"], dtype="V4"),
        "subarray": np.zeros(2, dtype=("<i4", (2, 3))),
    }


class NoTell(io.RawIOBase):
    """A write-only stream without tell(): joblib then writes no alignment padding (as joblib < 1.2 did)."""

    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buf += bytes(b)
        return len(b)

    def tell(self):
        raise io.UnsupportedOperation("tell")


def main():
    data = arrays()
    joblib.dump(data, os.path.join(HERE, "arrays.joblib"))
    joblib.dump(data, os.path.join(HERE, "arrays-p2.joblib"), protocol=2)
    joblib.dump(data, os.path.join(HERE, "arrays-p0.joblib"), protocol=0)
    s = NoTell()
    joblib.dump(data, s)
    with open(os.path.join(HERE, "arrays-unaligned.joblib"), "wb") as f:
        f.write(bytes(s.buf))
    small = {"w": np.arange(4, dtype="<f8"), "names": np.array(["a", "b"], dtype=object)}
    for method in ("zlib", "gzip", "bz2", "lzma", "xz"):
        joblib.dump(small, os.path.join(HERE, f"small.joblib.{method}"), compress=(method, 3))
    joblib.dump(small, os.path.join(HERE, "small.joblib"))

    from sklearn.tree import DecisionTreeClassifier

    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    y = np.array(["no", "yes", "yes", "no"])
    joblib.dump(DecisionTreeClassifier(random_state=0).fit(X, y), os.path.join(HERE, "decision-tree.joblib"))


if __name__ == "__main__":
    main()
