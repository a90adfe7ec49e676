/**
 * What `numpy.dtype(<str>)` builds, as far as a reader of raw array bytes needs to know: the
 * item size and whether items are Python objects (then the data is a pickle, not bytes).
 * Covers what numpy writes (`dtype.str` in .npy headers, `kind + size` in dtype pickles) and the
 * common aliases; anything else is `undefined`, and callers fail closed on it.
 */

export interface DtypeInfo {
  /** Bytes per item. */
  itemsize: number;
  /** Items are Python objects (numpy's `dtype.hasobject`). */
  hasObject: boolean;
  /** S, U or V: a dtype pickle's state can change the item size (`elsize`). */
  flexible: boolean;
}

/** numpy refuses item sizes that do not fit a C int. */
const MAX_ITEMSIZE = 0x7fffffff;

/** Type characters with an explicit size, `kind` → allowed sizes (in the string) → bytes. */
const SIZED: Record<string, Record<string, number>> = {
  b: { '1': 1 },
  i: { '1': 1, '2': 2, '4': 4, '8': 8 },
  u: { '1': 1, '2': 2, '4': 4, '8': 8 },
  f: { '2': 2, '4': 4, '8': 8, '16': 16 },
  c: { '8': 8, '16': 16, '32': 32 },
  O: { '4': 8, '8': 8 },
  M: { '8': 8 },
  m: { '8': 8 },
};

/** Single type characters and names without a size (x86-64 Linux sizes, where numpy files come from). */
const BARE: Record<string, [number, boolean]> = {
  '?': [1, false], b: [1, false], B: [1, false], h: [2, false], H: [2, false], i: [4, false], I: [4, false],
  l: [8, false], L: [8, false], q: [8, false], Q: [8, false], p: [8, false], P: [8, false], n: [8, false], N: [8, false],
  u: [4, false], e: [2, false], f: [4, false], d: [8, false], g: [16, false], F: [8, false], D: [16, false], G: [32, false],
  c: [1, false], O: [8, true], M: [8, false], m: [8, false], T: [16, true],
  bool: [1, false], bool_: [1, false], int8: [1, false], uint8: [1, false], int16: [2, false], uint16: [2, false],
  int32: [4, false], uint32: [4, false], int64: [8, false], uint64: [8, false], int: [8, false], intp: [8, false], uintp: [8, false],
  byte: [1, false], ubyte: [1, false], short: [2, false], ushort: [2, false], intc: [4, false], uintc: [4, false],
  long: [8, false], ulong: [8, false], longlong: [8, false], ulonglong: [8, false],
  float16: [2, false], half: [2, false], float32: [4, false], single: [4, false], float64: [8, false], double: [8, false], float: [8, false],
  float128: [16, false], longdouble: [16, false], complex64: [8, false], csingle: [8, false], complex128: [16, false], cdouble: [16, false],
  complex: [16, false], complex256: [32, false], clongdouble: [32, false],
  object: [8, true], object_: [8, true], datetime64: [8, false], timedelta64: [8, false],
};

/** numpy's flexible kinds (size in the string, or from the pickle state). Bytes per counted unit. */
const FLEXIBLE: Record<string, number> = { S: 1, a: 1, V: 1, U: 4 };

/** Parses a numpy dtype string (`'<f8'`, `'|O'`, `'<U10'`, `'S5'`, `'M8[ns]'`, `'i4,f8'`, `'3i4'`). */
export function parseDtypeString(s: string): DtypeInfo | undefined {
  if (s.length === 0 || s.length > 4096) return undefined;
  if (s.includes(',')) {
    // A comma-separated string is a packed structured dtype ('i4,O'); numpy drops one trailing comma.
    const parts = s.split(',');
    if (parts[parts.length - 1] === '') parts.pop();
    if (parts.length === 0) return undefined;
    let itemsize = 0;
    let hasObject = false;
    for (const p of parts) {
      const f = parseSingle(p.trim());
      if (!f) return undefined;
      itemsize += f.itemsize;
      hasObject ||= f.hasObject;
    }
    return itemsize <= MAX_ITEMSIZE ? { itemsize, hasObject, flexible: true } : undefined;
  }
  return parseSingle(s);
}

function parseSingle(s: string): DtypeInfo | undefined {
  // A repeat count ('3i4') makes a sub-array dtype.
  const rep = /^(\d+)(?=\D)/.exec(s);
  if (rep) {
    const inner = parseSingle(s.slice(rep[1]!.length));
    const n = Number(rep[1]);
    if (!inner || !Number.isSafeInteger(n) || n * inner.itemsize > MAX_ITEMSIZE) return undefined;
    return { itemsize: n * inner.itemsize, hasObject: inner.hasObject, flexible: true };
  }
  let body = s;
  if ('<>|='.includes(body[0]!) && body.length > 1) body = body.slice(1);
  // Datetime units: 'M8[ns]', 'datetime64[D]', 'm8[25s]'.
  const unit = /^(M8?|m8?|datetime64|timedelta64)\[(\d*)([A-Za-z]+)\]$/.exec(body);
  if (unit) return { itemsize: 8, hasObject: false, flexible: false };
  const bare = BARE[body];
  if (bare) return { itemsize: bare[0], hasObject: bare[1], flexible: false };
  const m = /^([A-Za-z?])(\d+)$/.exec(body);
  if (!m) {
    if (body === 'U' || body === 'S' || body === 'V' || body === 'str' || body === 'bytes' || body === 'void' || body === 'str_' || body === 'bytes_') {
      return { itemsize: 0, hasObject: false, flexible: true };
    }
    return undefined;
  }
  const [, kind, digits] = m as unknown as [string, string, string];
  if (kind in FLEXIBLE) {
    if (digits.length > 12) return undefined;
    const n = Number(digits) * FLEXIBLE[kind]!;
    return n <= MAX_ITEMSIZE ? { itemsize: n, hasObject: false, flexible: true } : undefined;
  }
  const size = SIZED[kind]?.[digits];
  if (size === undefined) return undefined;
  return { itemsize: size, hasObject: kind === 'O', flexible: false };
}

/**
 * A dtype's pickle state as `numpy.dtype.__setstate__` reads it (versions 3 and 4:
 * `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`):
 * `elsize` replaces the size of flexible kinds, `flags & 1` (NPY_ITEM_HASOBJECT) decides
 * whether items are objects, whatever the type string said.
 */
export function applyDtypeState(base: DtypeInfo, state: unknown): DtypeInfo | undefined {
  if (!Array.isArray(state) || (state.length !== 8 && state.length !== 9)) return undefined;
  const version = toInt(state[0]);
  if (version !== 3 && version !== 4) return undefined;
  const elsize = toInt(state[5]);
  const flags = toInt(state[7]);
  if (elsize === undefined || flags === undefined) return undefined;
  let itemsize = base.itemsize;
  if (base.flexible && elsize >= 0) {
    if (elsize > MAX_ITEMSIZE) return undefined;
    itemsize = elsize;
  }
  return { itemsize, hasObject: (flags & 1) === 1, flexible: base.flexible };
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}
