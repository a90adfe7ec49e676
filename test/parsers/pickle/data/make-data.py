#!/usr/bin/env python3
"""Generates the benign pickles the engine's tests read, and manifest.json.

Run from this folder: python3 make-data.py   (CPython 3.11 made the committed files)

Only benign data is pickled here. The manifest lists, for each file, the (module, name) pairs
find_class receives: recorded by loading our own benign pickles with an Unpickler whose
find_class logs its arguments. Hostile byte sequences are never made here; the tests assemble
them by hand.

It also writes legacy-torch.pt, a file laid out like torch.save(...,
_use_new_zipfile_serialization=False) (magic, protocol version, sys_info, object with
persistent storage ids, storage keys, raw storage bytes), made with stand-in `torch` modules
so torch need not be installed.
"""
import collections
import datetime
import decimal
import fractions
import io
import json
import pickle
import struct
import sys
import types

HERE = '.'


def benign_objects():
    small = {
        'ints': [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**100, 2**1000],
        'floats': [0.0, -1.5, 1e300, float('inf'), float('-inf')],
        'strs': ['', 'ascii', 'ünïcödé', '日本語', 'quote\'s "and" \\ back\nslash', '\x00\r\x1a'],
        'bytes': [b'', b'\x00\xff raw', bytearray(b'mutable')],
        'containers': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [], {}, set(), frozenset(), {1, 2, 3}, frozenset({'a'})],
        'od': collections.OrderedDict([('x', 1), ('y', [2])]),
        'counter': collections.Counter('abracadabra'),
        'dd': collections.defaultdict(list, {'k': [1]}),
        'deque': collections.deque([1, 2]),
        'when': datetime.datetime(2024, 1, 2, 3, 4, 5, 6),
        'day': datetime.date(2020, 2, 29),
        'delta': datetime.timedelta(days=3, seconds=7),
        'dec': decimal.Decimal('3.14'),
        'frac': fractions.Fraction(1, 3),
        'cplx': complex(1, -2),
        'rng': range(1, 10, 2),
        'none_true_false': [None, True, False],
    }
    shared = ['shared']
    small['shared'] = [shared, shared, (shared,)]
    rec = []
    rec.append(rec)
    small['recursive'] = rec
    return small


def large_object():
    # More than 64 KiB so protocols 4 and 5 write several FRAMEs.
    return {'rows': [f'row {i:05d} ' + 'x' * 24 for i in range(4000)], 'blob': bytes(range(256)) * 300}


class Recorder(pickle.Unpickler):
    def __init__(self, f):
        super().__init__(f)
        self.seen = []

    def find_class(self, module, name):
        self.seen.append([module, name])
        return super().find_class(module, name)


def names_of(data):
    r = Recorder(io.BytesIO(data))
    r.load()
    return r.seen


def write_benign(manifest):
    for label, obj, protocols in (('small', benign_objects(), range(6)), ('large', large_object(), (4, 5))):
        for p in protocols:
            data = pickle.dumps(obj, protocol=p)
            name = f'{label}-p{p}.pkl'
            with open(name, 'wb') as f:
                f.write(data)
            manifest[name] = {'protocol': p, 'size': len(data), 'findClass': names_of(data)}


# ---- legacy torch layout, with stand-in modules ------------------------------------------

def stand_in_torch():
    torch = types.ModuleType('torch')
    utils = types.ModuleType('torch._utils')

    class FloatStorage:
        def __init__(self, key, values):
            self.key = key
            self.values = values
    FloatStorage.__module__ = 'torch'
    FloatStorage.__qualname__ = 'FloatStorage'

    def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks):
        raise RuntimeError('never called: the tests do not load this file')
    _rebuild_tensor_v2.__module__ = 'torch._utils'
    _rebuild_tensor_v2.__qualname__ = '_rebuild_tensor_v2'

    class Tensor:
        def __init__(self, storage, size):
            self.storage = storage
            self.size = size

        def __reduce_ex__(self, proto):
            return (_rebuild_tensor_v2, (self.storage, 0, self.size, (self.size[1], 1), False, collections.OrderedDict()))

    torch.FloatStorage = FloatStorage
    torch._utils = utils
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    sys.modules['torch'] = torch
    sys.modules['torch._utils'] = utils
    return FloatStorage, Tensor


def write_legacy(manifest):
    FloatStorage, Tensor = stand_in_torch()
    storages = {}

    class LegacyPickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, FloatStorage):
                storages[obj.key] = obj
                return ('storage', FloatStorage, obj.key, 'cpu', len(obj.values))
            return None

    s0 = FloatStorage('0', [1.0, 2.0, 3.0, 4.0])
    s1 = FloatStorage('1', [5.0, 6.0])
    state = collections.OrderedDict([('weight', Tensor(s0, (2, 2))), ('bias', Tensor(s1, (1, 2)))])
    f = io.BytesIO()
    pickle.dump(0x1950a86a20f9469cfc6c, f, protocol=2)
    pickle.dump(1001, f, protocol=2)
    pickle.dump({'protocol_version': 1001, 'little_endian': True, 'type_sizes': {'short': 2, 'int': 4, 'long': 4}}, f, protocol=2)
    LegacyPickler(f, protocol=2).dump(state)
    pickle.dump(sorted(storages), f, protocol=2)
    data_offset = f.tell()
    for key in sorted(storages):
        values = storages[key].values
        f.write(struct.pack('<q', len(values)))
        f.write(struct.pack(f'<{len(values)}f', *values))
    data = f.getvalue()
    with open('legacy-torch.pt', 'wb') as out:
        out.write(data)
    manifest['legacy-torch.pt'] = {'protocol': 2, 'size': len(data), 'dataOffset': data_offset}


def main():
    manifest = {}
    write_benign(manifest)
    write_legacy(manifest)
    with open('manifest.json', 'w') as f:
        json.dump({'python': sys.version.split()[0], 'files': manifest}, f, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
