#!/usr/bin/env python3
"""Differential cases for FRAME handling: frame-cases.json.

Random protocol-4 sequences rich in FRAME opcodes whose arguments cross frame ends, each read
by CPython's three readers: the C unpickler over a peekable file (linear, like pickle.loads),
the C unpickler over io.BytesIO (frame-buffered, like torch.load of a zip member), and the
pure-Python unpickler. find_class is replaced by a stand-in that records its arguments and
returns a no-op: nothing the sequences name is ever imported, and the names are harmless
(os.getcwd, json.dumps, ...). The test asserts the engine names everything any reader looked up.

Run from this folder: python3 make-frame-cases.py
"""
import io
import json
import pickle
import random
import struct

random.seed(20260115)
MODS = ['os', 'sys', 'json', 'math']
NAMES = ['getcwd', 'path', 'dumps', 'floor', 'x']


def sbu(s):
    b = s.encode()
    return bytes([0x8c, len(b)]) + b


def bu(s):
    b = s.encode()
    return b'X' + struct.pack('<I', len(b)) + b


def piece():
    r = random.random()
    if r < 0.15: return sbu(random.choice(MODS)) + sbu(random.choice(NAMES)) + b'\x93'
    if r < 0.25: return bu(random.choice(MODS)) + bu(random.choice(NAMES)) + b'\x93'
    if r < 0.35: return b'c' + random.choice(MODS).encode() + b'\n' + random.choice(NAMES).encode() + b'\n'
    if r < 0.5: return b'\x95' + struct.pack('<Q', random.randint(0, 40))
    if r < 0.6: return b')R'
    if r < 0.7: return b'0'
    if r < 0.75: return b'N'
    if r < 0.8: return b'\x94'
    if r < 0.85: return b'C\x03abc'
    if r < 0.9: return b'\x8a\x02\x01\x00'
    if r < 0.93: return bytes([0x71, random.randint(0, 3)])
    if r < 0.96: return bytes([0x68, random.randint(0, 3)])
    return sbu(random.choice(MODS + NAMES))


def lookups(data, reader):
    seen = []
    base = pickle._Unpickler if reader == 'python' else pickle.Unpickler

    class Recording(base):
        def find_class(self, module, name):
            seen.append(f'{module}.{name}')
            return lambda *a, **k: None

    f = io.BufferedReader(io.BytesIO(data)) if reader == 'linear' else io.BytesIO(data)
    try:
        Recording(f).load()
    except Exception:
        pass
    return seen


def main():
    cases = []
    while len(cases) < 60:
        data = b'\x80\x04' + b''.join(piece() for _ in range(random.randint(3, 14))) + b'N.'
        seen = {r: lookups(data, r) for r in ('linear', 'bytesio', 'python')}
        # Keep the interesting ones: the readers disagree.
        if seen['linear'] != seen['bytesio'] or seen['linear'] != seen['python']:
            cases.append({'hex': data.hex(), 'lookups': seen})
    with open('frame-cases.json', 'w') as f:
        json.dump(cases, f, indent=0)


if __name__ == '__main__':
    main()
