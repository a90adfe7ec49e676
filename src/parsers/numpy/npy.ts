/**
 * NumPy `.npy` headers, read as numpy's `format.read_array` reads them: magic, version
 * (1.0/2.0/3.0), little-endian header length, then a Python dict literal with exactly the keys
 * `descr`, `fortran_order` and `shape`. The literal is parsed by a small parser, never
 * evaluated. For object dtypes the body is a pickle (numpy writes it with `pickle.dump`, and
 * `numpy.load(..., allow_pickle=True)` runs `pickle.load` on it): the caller analyses it from
 * `dataOffset`. For plain dtypes the body is raw data of exactly shape × itemsize bytes.
 */
import type { Anomaly, ByteReader } from '../../types.js';
import { parseDtypeString, type DtypeInfo } from './dtype.js';
import { LiteralError, parseLiteral, type PyValue } from './literal.js';
import { anomaly } from '../anomaly.js';

export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** numpy.load refuses longer headers unless allow_pickle=True (format._MAX_HEADER_SIZE). */
export const NUMPY_MAX_HEADER_SIZE = 10000;
/** Headers longer than this are not read into memory (numpy itself accepts them only with allow_pickle=True). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface NpyHeader {
  /** The descr as plain data: a dtype string, or tuples/lists for sub-array and structured dtypes. */
  descr: string | unknown;
  fortranOrder: boolean;
  shape: number[];
  /** '1.0', '2.0' or '3.0'. */
  version: string;
  /** Where the array data (or, for object dtypes, the pickle) starts. */
  dataOffset: number;
  /** The dtype holds Python objects (or could not be sized): the body is a pickle. */
  hasObject: boolean;
}

export function isNpy(head: Uint8Array): boolean {
  if (head.length < NPY_MAGIC.length) return false;
  for (let i = 0; i < NPY_MAGIC.length; i++) if (head[i] !== NPY_MAGIC[i]) return false;
  return true;
}


/** Reads and validates the header. Never throws on bad input; only the reader's own errors propagate. */
export async function parseNpyHeader(reader: ByteReader): Promise<{ header?: NpyHeader; anomalies: Anomaly[] }> {
  const anomalies: Anomaly[] = [];
  const fail = (code: string, message: string, offset?: number, detail?: Record<string, unknown>) => {
    anomalies.push(anomaly(code, message, offset, detail));
    return { anomalies };
  };

  const head = await reader.read(0, 12);
  if (head.length < NPY_MAGIC.length) {
    const prefix = head.every((b, i) => b === NPY_MAGIC[i]);
    return prefix ? fail('numpy/truncated', `the file ends after ${head.length} bytes, inside the magic string`, 0) : fail('numpy/bad-header', 'not a .npy file: the magic string \\x93NUMPY is missing', 0);
  }
  if (!isNpy(head)) return fail('numpy/bad-header', 'not a .npy file: the magic string \\x93NUMPY is missing', 0);
  if (head.length < 8) return fail('numpy/truncated', 'the file ends inside the format version', 6);
  const major = head[6]!;
  const minor = head[7]!;
  const version = `${major}.${minor}`;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    return fail('numpy/unsupported-version', `format version ${version} is not one numpy reads (1.0, 2.0, 3.0)`, 6, { version });
  }
  const lenSize = major === 1 ? 2 : 4;
  if (head.length < 8 + lenSize) return fail('numpy/truncated', 'the file ends inside the header length', 8, { version });
  const hlen = major === 1 ? head[8]! | (head[9]! << 8) : (head[8]! | (head[9]! << 8) | (head[10]! << 16) | (head[11]! << 24)) >>> 0;
  const start = 8 + lenSize;
  const dataOffset = start + hlen;
  if (dataOffset > reader.size) {
    return fail('numpy/truncated', `the header is ${hlen} bytes but the file ends ${reader.size - start} bytes after its start`, start, { headerLength: hlen, size: reader.size });
  }
  if (hlen > MAX_HEADER_BYTES) {
    return fail('numpy/bad-header', `a ${hlen}-byte header is too long to analyse`, start, { headerLength: hlen, limit: MAX_HEADER_BYTES });
  }
  const raw = await reader.read(start, hlen);
  if (raw.length < hlen) return fail('numpy/truncated', 'the header could not be read to its end', start);

  // Format 1.0/2.0 headers are latin-1, 3.0 is UTF-8 (numpy raises on invalid UTF-8).
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
    } catch {
      return fail('numpy/bad-header', 'the format 3.0 header is not valid UTF-8', start);
    }
  } else {
    text = latin1(raw);
  }
  const chars = major === 3 ? countCodePoints(text) : text.length;
  if (chars > NUMPY_MAX_HEADER_SIZE) {
    anomalies.push(anomaly('numpy/large-header', `the header is ${chars} characters: numpy.load refuses it unless allow_pickle=True`, start, { length: chars, limit: NUMPY_MAX_HEADER_SIZE }));
  }

  // ast.literal_eval, after stripping leading spaces and tabs.
  let parsed: { value: PyValue; end: number };
  try {
    parsed = parseLiteral(text, { allowLongSuffix: major <= 2 });
  } catch (err) {
    const at = err instanceof LiteralError ? err.at : undefined;
    return fail('numpy/bad-header', `the header is not a Python literal${err instanceof Error ? `: ${err.message}` : ''}`, start, at !== undefined ? { at } : undefined);
  }
  const d = parsed.value;
  if (d.t !== 'dict') return fail('numpy/bad-header', `the header is a ${d.t}, not a dict`, start);
  const keys = d.entries.map(([k]) => (k.t === 'str' ? k.v : undefined));
  const expected = ['descr', 'fortran_order', 'shape'];
  if (keys.length !== 3 || !expected.every((k) => keys.includes(k))) {
    return fail('numpy/bad-header', `the header keys are not exactly descr, fortran_order, shape`, start, { keys: keys.map((k) => k ?? '<not a str>') });
  }
  const get = (k: string) => d.entries.find(([key]) => key.t === 'str' && key.v === k)![1];
  if (d.duplicates.length > 0) {
    anomalies.push(anomaly('numpy/duplicate-key', `the header repeats ${d.duplicates.map((k) => JSON.stringify(k)).join(', ')}: numpy uses the last value`, start, { keys: d.duplicates }));
  }

  const shapeV = get('shape');
  if (shapeV.t !== 'tuple' || !shapeV.items.every((x) => x.t === 'int' || x.t === 'bool')) {
    return fail('numpy/bad-header', 'shape is not a tuple of ints', start, { shape: plain(shapeV) });
  }
  const dims = shapeV.items.map((x) => (x.t === 'int' ? x.v : x.t === 'bool' && x.v ? 1n : 0n));
  const fo = get('fortran_order');
  if (fo.t !== 'bool') return fail('numpy/bad-header', 'fortran_order is not a bool', start, { fortranOrder: plain(fo) });
  const descrV = get('descr');
  const info = descrInfo(descrV, 0);

  const header: NpyHeader = {
    descr: plain(descrV),
    fortranOrder: fo.v,
    shape: dims.map((n) => Number(n)),
    version,
    dataOffset,
    hasObject: info === 'invalid' ? false : (info?.hasObject ?? true),
  };
  if (info === 'invalid') {
    return fail('numpy/bad-header', 'descr is not a dtype numpy accepts', start, { descr: header.descr });
  }
  if (info === undefined) {
    anomalies.push(anomaly('numpy/unknown-descr', `descr ${describe(header.descr)} cannot be sized here: the body is analysed as a pickle`, start, { descr: header.descr }));
  }

  // What numpy writes: the dict, spaces, one newline, the data 64-byte aligned (16 before numpy 1.14).
  const trailer = text.slice(parsed.end);
  const issues: string[] = [];
  if (!text.startsWith('{')) issues.push('text before the dict');
  if (!/^ *\n$/.test(trailer)) issues.push(trailer.includes('#') ? 'a comment after the dict' : 'padding is not spaces and one newline');
  if (dataOffset % 16 !== 0) issues.push(`data offset ${dataOffset} is not 16/64-byte aligned`);
  if (issues.length > 0) anomalies.push(anomaly('numpy/nonstandard-header', `the header is not as numpy writes it: ${issues.join('; ')}`, start, { issues }));

  if (info && !info.hasObject) {
    if (dims.some((n) => n < 0n)) {
      anomalies.push(anomaly('numpy/bad-header', 'shape has a negative dimension: numpy.load raises', start, { shape: header.shape }));
    } else {
      const count = dims.reduce((a, b) => a * b, 1n);
      const want = count * BigInt(info.itemsize);
      const have = BigInt(reader.size - dataOffset);
      if (want !== have) {
        const detail = { expected: big(want), actual: reader.size - dataOffset, itemsize: info.itemsize, count: big(count) };
        anomalies.push(
          want < have
            ? anomaly('numpy/size-mismatch', `${big(have - want)} bytes after the array data are never read by numpy.load`, Number(BigInt(dataOffset) + want), detail)
            : anomaly('numpy/size-mismatch', `the array needs ${big(want)} bytes but ${reader.size - dataOffset} follow the header: numpy.load raises`, dataOffset, detail),
        );
      }
    }
  }
  return { header, anomalies };
}

/** numpy's `descr_to_dtype`: 'invalid' when numpy rejects it, undefined when this parser cannot tell. */
function descrInfo(d: PyValue, depth: number): DtypeInfo | 'invalid' | undefined {
  if (depth > 32) return undefined;
  switch (d.t) {
    case 'str':
      return parseDtypeString(d.v);
    case 'tuple': {
      // (subdescr, shape): numpy.dtype((dt, shape)); items past the second are ignored.
      if (d.items.length < 2) return 'invalid';
      const base = descrInfo(d.items[0]!, depth + 1);
      if (base === undefined || base === 'invalid') return base;
      return times(base, d.items[1]!);
    }
    case 'list':
    case 'set':
    case 'dict': {
      // Structured: each field is (name, descr) or (name, descr, shape); a dict iterates its keys.
      const fields = d.t === 'dict' ? d.entries.map(([k]) => k) : d.items;
      let itemsize = 0;
      let hasObject = false;
      for (const f of fields) {
        let parts: PyValue[];
        if (f.t === 'tuple' || f.t === 'list') parts = f.items;
        else if (f.t === 'str') parts = Array.from(f.v).map((c) => ({ t: 'str', v: c }) as PyValue);
        else return undefined;
        if (parts.length !== 2 && parts.length !== 3) return 'invalid';
        let fi = descrInfo(parts[1]!, depth + 1);
        if (fi === undefined || fi === 'invalid') return fi;
        if (parts.length === 3) {
          const t = times(fi, parts[2]!);
          if (t === undefined) return undefined;
          fi = t;
        }
        itemsize += fi.itemsize;
        hasObject ||= fi.hasObject;
      }
      return itemsize <= 0x7fffffff ? { itemsize, hasObject, flexible: true } : undefined;
    }
    default:
      return undefined;
  }
}

/** numpy.dtype((dt, shape)) with an int or a tuple of ints. */
function times(base: DtypeInfo, shape: PyValue): DtypeInfo | undefined {
  let n: bigint;
  if (shape.t === 'int') n = shape.v;
  else if (shape.t === 'tuple' && shape.items.every((x) => x.t === 'int')) n = shape.items.reduce((a, x) => a * (x as { v: bigint }).v, 1n);
  else return undefined;
  if (n < 0n) return undefined;
  const size = n * BigInt(base.itemsize);
  if (size > 0x7fffffffn) return undefined;
  return { itemsize: Number(size), hasObject: base.hasObject, flexible: true };
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

const big = (n: bigint): number | string => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

function describe(v: unknown): string {
  const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A literal as plain JSON-friendly data (bytes as a latin-1 string, complex as a marker). */
function plain(v: PyValue): unknown {
  switch (v.t) {
    case 'none':
      return null;
    case 'bool':
      return v.v;
    case 'int':
      return big(v.v);
    case 'float':
      return v.v;
    case 'complex':
      return { complex: true };
    case 'ellipsis':
      return { ellipsis: true };
    case 'str':
      return v.v;
    case 'bytes':
      return { bytes: latin1(v.v) };
    case 'dict':
      return { dict: v.entries.map(([k, x]) => [plain(k), plain(x)]) };
    default:
      return v.items.map(plain);
  }
}
