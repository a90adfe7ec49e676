"""Codec test data for test/parsers/compression (run from the repository root):

    /opt/mvenv/bin/python test/parsers/compression/data/make_data.py

plain.bin is deterministic (random.Random(7)); every other file is plain.bin (or a prefix)
compressed by the real library or tool: Python 3.11 lzma/bz2/gzip, lz4.frame (python-lz4), and
the xz CLI for a multi-block stream. Only benign bytes; nothing here is loaded as a model.
"""
import bz2
import lzma
import os
import random
import struct
import subprocess

import lz4.frame

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name: str, data: bytes) -> None:
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


rng = random.Random(7)
words = [b"weights", b"bias", b"layer", b"\x00\x00\x80\x3f", b"torch", b"pickle", b"\n"]
parts = []
while sum(map(len, parts)) < 100_000:
    parts.append(rng.choice(words) if rng.random() < 0.99 else bytes(rng.randrange(256) for _ in range(16)))
plain = b"".join(parts)[:100_000]
out("plain.bin", plain)

out("plain.xz", lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64))
out("plain-crc32.xz", lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))
out("plain-sha256.xz", lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_SHA256))
out("plain-nocheck.xz", lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE))
out("plain-9e.xz", lzma.compress(plain, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME))
out("plain-delta.xz", lzma.compress(plain, format=lzma.FORMAT_XZ, filters=[{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2}]))
multi = subprocess.run(["xz", "--format=xz", "--block-size=16KiB", "-T1", "-c"], input=plain, capture_output=True, check=True).stdout
out("plain-multiblock.xz", multi)

alone = lzma.compress(plain, format=lzma.FORMAT_ALONE)
out("plain.lzma", alone)
# The same stream with its size in the header instead of -1 (the end marker stays: liblzma accepts both).
out("plain-sized.lzma", alone[:5] + struct.pack("<Q", len(plain)) + alone[13:])
# Two streams back to back, an xz one then an LZMA-alone one: LZMAFile (FORMAT_AUTO) reads both.
out("two-streams.xz", lzma.compress(plain[:30_000]) + lzma.compress(plain[30_000:], format=lzma.FORMAT_ALONE))

out("plain.bz2", bz2.compress(plain, 9))
out("two-streams.bz2", bz2.compress(plain[:40_000], 1) + bz2.compress(plain[40_000:], 9))

out("plain.lz4", lz4.frame.compress(plain))
out("plain-independent.lz4", lz4.frame.compress(plain, block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_linked=False,
                                                 block_checksum=True, content_checksum=True, store_size=True))
out("plain-linked-64k.lz4", lz4.frame.compress(plain, block_size=lz4.frame.BLOCKSIZE_MAX64KB, block_linked=True, content_checksum=True))
skippable = struct.pack("<II", 0x184D2A50, 5) + b"skip!"
out("skippable.lz4", skippable + lz4.frame.compress(plain[:60_000]) + lz4.frame.compress(plain[60_000:]))
print("ok", len(plain))
