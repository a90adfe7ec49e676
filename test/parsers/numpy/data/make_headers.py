"""Differential cases for the .npy header parser: what numpy's own header reader makes of each
header (run from the repository root):

    /opt/mvenv/bin/python test/parsers/numpy/data/make_headers.py

Only headers are parsed (numpy.lib.format's header reader, i.e. ast.literal_eval); no array body
and no pickle is ever loaded. Writes headers.json next to this script.
"""
import ast
import io
import json
import os
import random
import struct
import warnings

import numpy as np
from numpy.lib import _format_impl as fmt

HERE = os.path.dirname(os.path.abspath(__file__))

STD = "'fortran_order': False, 'shape': (2,)"
CASES = [
    ("standard", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"),
    ("double quotes", (1, 0), '{"descr": "<f4", "fortran_order": True, "shape": (4,)}'),
    ("no trailing comma", (2, 0), "{'descr':'<i2','fortran_order':False,'shape':()}"),
    ("duplicate descr, last wins", (1, 0), "{'descr': '<f8', 'descr': '|O', " + STD + "}"),
    ("duplicate descr, object first", (1, 0), "{'descr': '|O', 'descr': '<f8', " + STD + "}"),
    ("implicit concatenation in key", (1, 0), "{'de' 'scr': '|O', " + STD + "}"),
    ("hex escape", (1, 0), "{'descr': '\\x7cO', " + STD + "}"),
    ("unicode escape", (3, 0), "{'descr': '\\u007cO', " + STD + "}"),
    ("octal escape", (1, 0), "{'descr': '\\174O', " + STD + "}"),
    ("raw string", (1, 0), "{'descr': r'|O', " + STD + "}"),
    ("u prefix", (1, 0), "{u'descr': u'<f8', " + STD + "}"),
    ("triple quoted", (1, 0), "{'descr': '''<f8''', " + STD + "}"),
    ("comment inside", (1, 0), "{'descr': '<f4', # note\n 'fortran_order': False, 'shape': (1,)}"),
    ("comment after", (1, 0), "{'descr': '<f4', " + STD + "} # tail"),
    ("shape list", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': [2]}"),
    ("shape bool", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (True, 2)}"),
    ("shape float", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}"),
    ("shape negative", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}"),
    ("shape hex and underscore", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (0x2, 1_0)}"),
    ("shape leading zero", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (01,)}"),
    ("shape parenthesised", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': ((2), 3)}"),
    ("shape complex", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (1+2j,)}"),
    ("shape unary minus on parens", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (-(2),)}"),
    ("python 2 long v1", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L)}"),
    ("python 2 long v3", (3, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L)}"),
    ("fortran_order int", (1, 0), "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}"),
    ("extra key", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
    ("missing key", (1, 0), "{'descr': '<f8', 'shape': (2,)}"),
    ("bytes key", (1, 0), "{b'descr': '<f8', " + STD + "}"),
    ("not a dict", (1, 0), "['descr', 'fortran_order', 'shape']"),
    ("empty dict", (1, 0), "{}"),
    ("set value", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': {2}}"),
    ("descr tuple", (1, 0), "{'descr': ('<i4', (2,)), " + STD + "}"),
    ("descr tuple int shape", (1, 0), "{'descr': ('<i4', 3), " + STD + "}"),
    ("descr tuple object", (1, 0), "{'descr': ('|O', (2,)), " + STD + "}"),
    ("descr structured", (1, 0), "{'descr': [('a', '<i4'), ('b', '<f8', (2,))], " + STD + "}"),
    ("descr structured padding", (1, 0), "{'descr': [('a', '<i4'), ('', '|V4'), ('b', '<f8')], " + STD + "}"),
    ("descr structured object", (1, 0), "{'descr': [('a', '<i4'), ('b', '|O')], " + STD + "}"),
    ("descr nested structured", (1, 0), "{'descr': [('a', [('x', '<i2'), ('y', '|O')])], " + STD + "}"),
    ("descr dict of 2-char keys", (1, 0), "{'descr': {'aO': 0}, " + STD + "}"),
    ("descr list of 2-char strings", (1, 0), "{'descr': ['aO', 'bi'], " + STD + "}"),
    ("descr comma string object", (1, 0), "{'descr': 'i4,O', " + STD + "}"),
    ("descr comma string", (1, 0), "{'descr': 'i4,f8', " + STD + "}"),
    ("descr object name", (1, 0), "{'descr': 'object', " + STD + "}"),
    ("descr O8", (1, 0), "{'descr': '|O8', " + STD + "}"),
    ("descr unicode", (1, 0), "{'descr': '<U7', " + STD + "}"),
    ("descr bytes", (1, 0), "{'descr': '|S5', " + STD + "}"),
    ("descr void", (1, 0), "{'descr': '|V12', " + STD + "}"),
    ("descr datetime", (1, 0), "{'descr': '<M8[us]', " + STD + "}"),
    ("descr bool", (1, 0), "{'descr': '|b1', " + STD + "}"),
    ("descr c16", (1, 0), "{'descr': '<c16', " + STD + "}"),
    ("descr repeat", (1, 0), "{'descr': '3i4', " + STD + "}"),
    ("descr bad", (1, 0), "{'descr': 'zz9', " + STD + "}"),
    ("descr int", (1, 0), "{'descr': 5, " + STD + "}"),
    ("nul byte", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}\x00"),
    ("v3 unicode field", (3, 0), "{'descr': [('\u6570', '<i4')], " + STD + "}"),
    ("latin-1 field", (1, 0), "{'descr': [('\u00e9', '<i4')], " + STD + "}"),
    ("int and bool keys", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 1: 0, True: 1}"),
    ("newlines inside", (1, 0), "{\n'descr': '<f8',\n'fortran_order': False,\n'shape': (2,)\n}"),
    ("leading space", (1, 0), "  {'descr': '<f8', " + STD + "}"),
    ("bytes descr", (1, 0), "{'descr': b'<f8', " + STD + "}"),
    ("ellipsis value", (1, 0), "{'descr': '<f8', 'fortran_order': ..., 'shape': (2,)}"),
    ("empty set call", (1, 0), "{'descr': '<f8', 'fortran_order': False, 'shape': set()}"),
    ("unterminated", (1, 0), "{'descr': '<f8, " + STD + "}"),
    ("keyword None", (1, 0), "{'descr': None, " + STD + "}"),
]


LITERAL_SEEDS = [
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
    "{'descr': [('a', '<i4'), ('b', '|O', (2,))], 'fortran_order': True, 'shape': (), }",
    "{\"descr\": u'<U10', 'fortran_order': False, 'shape': (0x10, 1_0, -(3)), } # c",
    "{'descr': r'a\\'b' 'c\\x41\\n' b'', 'x': '''q\n''', 1.5e3: 0o17, .5: 1_000.0_1j, }",
    "('a' 'b', -1.0, +2, 1e-3, 0b101, [], {}, {1, 2}, ..., 1+2j, -(4))",
]
LITERAL_ALPHABET = list("{}()[],:'\"#\\ \n\t-+.0123456789jJLxobrubRUB_eE") + [
    "True", "False", "None", "...", "set()", "'''", "\\x41", "\\u0041", "\\101"]


def literal_cases(n=600, seed=11):
    """Random small edits of literal-looking text, with what ast.literal_eval makes of them."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        s = rnd.choice(LITERAL_SEEDS)
        for _ in range(rnd.randint(1, 3)):
            pos = rnd.randrange(len(s) + 1)
            op = rnd.random()
            if op < 0.4:
                s = s[:pos] + rnd.choice(LITERAL_ALPHABET) + s[pos:]
            elif op < 0.8:
                s = s[:pos] + s[pos + 1:]
            else:
                s = s[:pos] + rnd.choice(LITERAL_ALPHABET) + s[pos + 1:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out.append({"s": s, "ok": True, "v": plain(ast.literal_eval(s))})
            except Exception:  # noqa: BLE001 - any failure is a rejection
                out.append({"s": s, "ok": False})
    return out


def plain(x):
    if isinstance(x, bool):
        return {"bool": x}
    if isinstance(x, int):
        return {"int": str(x)}
    if isinstance(x, float):
        return {"float": repr(x)}
    if isinstance(x, complex):
        return {"complex": True}
    if isinstance(x, str):
        return {"str": x}
    if isinstance(x, bytes):
        return {"bytes": list(x)}
    if x is None:
        return None
    if x is Ellipsis:
        return {"ellipsis": True}
    if isinstance(x, tuple):
        return {"tuple": [plain(y) for y in x]}
    if isinstance(x, list):
        return {"list": [plain(y) for y in x]}
    if isinstance(x, (set, frozenset)):
        return {"set": len(x)}
    if isinstance(x, dict):
        return {"dict": [[plain(k), plain(w)] for k, w in x.items()]}
    return {"other": repr(x)}


def main():
    out = []
    for name, version, header in CASES:
        enc = "utf8" if version == (3, 0) else "latin1"
        raw = header.encode(enc)
        fmtc = "<H" if version == (1, 0) else "<I"
        stream = io.BytesIO(struct.pack(fmtc, len(raw)) + raw)
        case = {"name": name, "version": list(version), "header": header}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                shape, fortran, dtype = fmt._read_array_header(stream, version)
            case.update(ok=True, shape=[int(x) for x in shape], fortran=bool(fortran),
                        itemsize=int(dtype.itemsize), hasobject=bool(dtype.hasobject))
        except Exception as e:  # noqa: BLE001 - any failure means numpy.load raises
            case.update(ok=False, error=f"{type(e).__name__}: {e}"[:200])
        out.append(case)
    with open(os.path.join(HERE, "headers.json"), "w", encoding="utf8") as f:
        # One case per line: reviewable diffs, small file.
        f.write('{"numpy": %s,\n "cases": [\n' % json.dumps(np.__version__))
        f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in out))
        f.write('\n ],\n "literals": [\n')
        f.write(",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in literal_cases()))
        f.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
