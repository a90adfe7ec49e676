"""7z test data for test/parsers/archive (run from the repository root):

    /opt/mvenv/bin/python test/parsers/archive/data/make_7z.py

Every archive is written by the real 7-Zip (Debian's p7zip-full, `7z a`) from small benign files
made here; the payload-like member is a plain-data pickle. Nothing here is extracted or loaded.
"""
import os
import pickle
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SEVEN = shutil.which("7z") or "7z"
MTIME = 1_700_000_000


def seven(archive: str, args: list[str], cwd: str) -> None:
    path = os.path.join(HERE, archive)
    if os.path.exists(path):
        os.remove(path)
    switches = [a for a in args if a.startswith("-")]
    files = [a for a in args if not a.startswith("-")]
    subprocess.run([SEVEN, "a", "-bd", "-y", *switches, path, *files], cwd=cwd, check=True, stdout=subprocess.DEVNULL)


with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "model", "sub"))
    files = {
        "model/weights.pkl": pickle.dumps({"w": [0.5, 1.5], "b": 0.25}, protocol=4),
        "model/README.md": b"# a tiny model\n" * 20,
        "model/sub/empty.txt": b"",
        "model/sub/notes.txt": b"notes " * 2000,
    }
    for name, data in files.items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    for name in list(files) + ["model/sub", "model"]:
        os.utime(os.path.join(tmp, name), (MTIME, MTIME))
    os.symlink("/etc/passwd", os.path.join(tmp, "model", "passwd"))
    os.symlink("README.md", os.path.join(tmp, "model", "readme-link"))

    names = ["model/weights.pkl", "model/README.md", "model/sub"]
    seven("lzma-solid-encoded-header.7z", ["-m0=LZMA", "-ms=on", "-mhc=on", *names], tmp)
    seven("lzma2.7z", ["-m0=LZMA2", *names], tmp)
    seven("copy.7z", ["-m0=Copy", *names], tmp)
    seven("deflate.7z", ["-m0=Deflate", "-mhc=off", *names], tmp)
    seven("bzip2.7z", ["-m0=BZip2", *names], tmp)
    seven("bcj-chain.7z", ["-m0=BCJ", "-m1=LZMA", *names], tmp)
    seven("encrypted.7z", ["-pmodelvet", *names], tmp)
    seven("encrypted-header.7z", ["-pmodelvet", "-mhe=on", *names], tmp)
    seven("symlinks.7z", ["-snl", "model/passwd", "model/readme-link", "model/README.md"], tmp)
    seven("absolute.7z", ["-spf", os.path.join(tmp, "model", "README.md")], tmp)
print("ok")
