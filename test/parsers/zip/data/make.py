"""Makes the zip fixtures in this folder with CPython's zipfile (python3 make.py)."""
import zipfile

# Deflated and stored members plus an archive comment, as a generic writer lays them out.
with zipfile.ZipFile("python-deflate.zip", "w") as z:
    z.comment = b"made by make.py"
    z.writestr(zipfile.ZipInfo("archive/data.pkl", date_time=(2020, 1, 1, 0, 0, 0)),
               b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s." * 20, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr(zipfile.ZipInfo("archive/version", date_time=(2020, 1, 1, 0, 0, 0)), b"3\n")

# A member written with force_zip64: its local header carries a ZIP64 extra field.
with zipfile.ZipFile("python-zip64-local.zip", "w") as z:
    info = zipfile.ZipInfo("archive/data/0", date_time=(2020, 1, 1, 0, 0, 0))
    with z.open(info, "w", force_zip64=True) as f:
        f.write(b"\x00" * 64)
