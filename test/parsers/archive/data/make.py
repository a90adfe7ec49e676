"""Makes the tar fixtures in this folder with CPython's tarfile (python3 make.py)."""
import io
import pickle
import tarfile


def add(tar, name, data=b"", **kw):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    for k, v in kw.items():
        setattr(info, k, v)
    tar.addfile(info, io.BytesIO(data) if data else None)


# torch's oldest layout: sys_info, pickle, storages, tensors (benign pickles, no storages).
with tarfile.open("legacy-torch.tar", "w", format=tarfile.PAX_FORMAT) as tar:
    add(tar, "sys_info", pickle.dumps({"protocol_version": 1001, "little_endian": True,
                                       "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2))
    add(tar, "pickle", pickle.dumps({"answer": 42}, protocol=2))
    add(tar, "storages", pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2))
    add(tar, "tensors", pickle.dumps(0, protocol=2))

# GNU format: a long name (an 'L' block) and a symbolic link.
with tarfile.open("python-gnu.tar", "w", format=tarfile.GNU_FORMAT) as tar:
    add(tar, "dir/" + "n" * 120 + ".pkl", b"long-named member")
    add(tar, "link", type=tarfile.SYMTYPE, linkname="../../etc/passwd")

# pax format: a non-ASCII name carried in a pax record, and a global header.
with tarfile.open("python-pax.tar", "w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "global"}) as tar:
    add(tar, "données/modèle.pkl", b"pax-named member")
