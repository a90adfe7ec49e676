/**
 * joblib (≥ 0.10) pickles each numpy array as a `NumpyArrayWrapper` and writes the array right
 * after the wrapper's BUILD, inside the pickle stream. `NumpyUnpickler.load_build` then reads it
 * straight from the file (joblib/numpy_pickle.py, `NumpyArrayWrapper.read_array`):
 *
 * - object dtypes (`dtype.hasobject`): a whole pickle follows (written with `pickle.dump`, read
 *   with a plain `Unpickler` – one that reads no inline data of its own);
 * - otherwise, when the wrapper has `numpy_array_alignment_bytes` (joblib ≥ 1.2) and it is not
 *   None: one byte P, P bytes of padding (the writer aligns the data to 16 and fills with 0xff),
 *   then prod(shape) × itemsize bytes of data; without that attribute, just the data.
 *
 * This hook tells the pickle engine how many bytes to step over. Whatever it cannot establish
 * it answers `undefined`. NDArrayWrapper/ZNDArrayWrapper (joblib < 0.10) read their arrays from
 * sibling files, not from the stream, so they are not watched.
 */
import { sliceReader } from '../../sources/readers.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { analysePickle, type InlineDataAnswer, type InlineDataHook, type InlineDataRequest, type PlainValue } from '../pickle/index.js';
import { OPCODES } from '../pickle/opcodes.js';
import { applyDtypeState, parseDtypeString, type DtypeInfo } from '../numpy/dtype.js';

export const JOBLIB_ARRAY_WRAPPER_CLASSES: readonly string[] = Object.freeze([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

/** What the wrapper's state says follows its BUILD. */
export interface JoblibArrayLayout {
  /** `pickle`: a nested pickle (object dtype); `raw`: array bytes. */
  kind: 'raw' | 'pickle';
  /** A padding-length byte (and that many padding bytes) precede the raw data. */
  padded: boolean;
  /** `numpy_array_alignment_bytes` when an int (what the writer aligned to). */
  alignment?: number;
  /** Raw data bytes: prod(shape) × itemsize. */
  nbytes: number;
  /** The dtype's own pickle state (elsize, flags) was available; otherwise numpy's defaults for its type string are assumed. */
  dtypeStateKnown: boolean;
}

/** A hook that also reports what it noticed (padding joblib never writes, arrays it could not measure). */
export interface JoblibInlineHook extends InlineDataHook {
  readonly anomalies: Anomaly[];
}

/** Past this the dict may have been cut short by the engine's container cap: later keys could override. */
const PLAIN_ITEM_CAP = 64;
/** numpy's count is an int64 product (joblib casts each dimension to np.int64). */
const INT64_MAX = (1n << 63n) - 1n;

/**
 * Reads a NumpyArrayWrapper BUILD state. Undefined when the size cannot be established (or
 * when the loader would raise before reading anything).
 */
export function describeJoblibArray(state: PlainValue): JoblibArrayLayout | undefined {
  if (state === null || typeof state !== 'object' || !('dict' in state)) return undefined;
  const entries = state.dict;
  if (entries.length >= PLAIN_ITEM_CAP) return undefined;
  const attrs = new Map<string, PlainValue>();
  for (const [k, v] of entries) {
    if (typeof k === 'string') attrs.set(k, v);
    else if (k !== null && typeof k === 'object' && 'unknown' in k) return undefined; // could be any attribute
  }
  const shape = attrs.get('shape');
  const dtype = attrs.get('dtype');
  if (shape === undefined || dtype === undefined) return undefined;

  const dt = dtypeOf(dtype);
  if (!dt) return undefined;
  const { info, stateKnown } = dt;

  // getattr(self, 'numpy_array_alignment_bytes', None) is not None → a padding byte is read.
  let padded = false;
  let alignment: number | undefined;
  if (attrs.has('numpy_array_alignment_bytes')) {
    const a = attrs.get('numpy_array_alignment_bytes')!;
    if (a !== null && typeof a === 'object' && 'unknown' in a) return undefined;
    padded = a !== null;
    if (typeof a === 'number' && Number.isInteger(a) && a > 0 && a <= 256) alignment = a;
  }
  if (info.hasObject) return { kind: 'pickle', padded: false, nbytes: 0, dtypeStateKnown: stateKnown };

  // count = 1 for shape (); otherwise the int64 product of the dimensions.
  if (!Array.isArray(shape) || shape.length >= PLAIN_ITEM_CAP) return undefined;
  let count = 1n;
  for (const d of shape) {
    let n: bigint;
    if (typeof d === 'number' && Number.isSafeInteger(d)) n = BigInt(d);
    else if (typeof d === 'bigint') n = d;
    else if (typeof d === 'boolean') n = d ? 1n : 0n;
    else return undefined;
    if (n < 0n) return undefined; // np.empty raises
    count *= n;
    if (count > INT64_MAX) return undefined; // wraps in numpy: the loader misbehaves, do not guess
  }
  // itemsize 0: read_array divides by it (ZeroDivisionError) before reading anything.
  if (info.itemsize <= 0) return undefined;
  const nbytes = count * BigInt(info.itemsize);
  return {
    kind: 'raw',
    padded,
    ...(alignment !== undefined ? { alignment } : {}),
    nbytes: nbytes > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(nbytes),
    dtypeStateKnown: stateKnown,
  };
}

/** `numpy.dtype('<str>', False, True)` (+ its BUILD state, when the engine passes it as `state`). */
function dtypeOf(v: PlainValue): { info: DtypeInfo; stateKnown: boolean } | undefined {
  if (v === null || typeof v !== 'object' || !('call' in v) || v.call !== 'numpy.dtype') return undefined;
  const [spec, align] = v.args;
  if (typeof spec !== 'string') return undefined;
  // align=True pads structured dtypes: only the plain (no-comma) strings are unaffected.
  if (align !== undefined && align !== false && align !== 0 && spec.includes(',')) return undefined;
  const base = parseDtypeString(spec);
  if (!base) return undefined;
  const state = (v as { state?: PlainValue }).state;
  if (state === undefined) return { info: base, stateKnown: false };
  const info = applyDtypeState(base, state);
  return info ? { info, stateKnown: true } : undefined;
}

/** Bytes that an unpickler would accept as the first opcode of a pickle. */
const isOpcode = (b: number): boolean => OPCODES[b] !== undefined;

/** Opcodes the extra analyses of one file (nested-pickle ends, object-reading probes) may spend together. */
const EXTRA_OPCODES = 10_000_000;
/** Opcodes one object-reading probe may spend. */
const PROBE_OPCODES = 1_000_000;

/**
 * Per-reader memory: where nested (object-array) pickles run, since their unpickler reads no
 * inline data, and what is left of the budget for the extra analyses this hook runs.
 */
class ReaderState {
  private readonly ranges: Array<[number, number]> = [];
  opcodesLeft = EXTRA_OPCODES;
  constructor(readonly reader: ByteReader) {}

  contains(offset: number): boolean {
    return this.ranges.some(([s, e]) => offset > s && offset < e);
  }

  async addInner(start: number): Promise<void> {
    let end = this.reader.size;
    if (this.opcodesLeft > 0) {
      const sub = sliceReader(this.reader, start, this.reader.size - start);
      const a = await analysePickle(sub, { stopAfterStreams: 1, budgets: { maxOpcodes: this.opcodesLeft, maxResyncBytes: 0 } });
      this.opcodesLeft -= a.opcodeCount;
      const s = a.streams[0];
      if (s?.complete) end = start + s.end;
    }
    // Unknown end: everything after `start` counts as inside it.
    this.ranges.push([start, end]);
  }
}

async function measure(req: InlineDataRequest, st: ReaderState | undefined, anomalies: Anomaly[] | undefined): Promise<InlineDataAnswer> {
  const at = req.offset;
  const reader = st?.reader;
  const cls = `${req.module}.${req.name}`;
  const unmeasured = (why: string): undefined => {
    anomalies?.push({ code: 'joblib/array-unmeasured', message: `the array data after the BUILD of ${cls} at offset ${at} cannot be measured (${why}): it is read as pickle opcodes`, offset: at, detail: { class: cls, reason: why } });
    return undefined;
  };
  // Inside an object array's pickle, joblib's plain Unpickler reads no inline data: a BUILD is a BUILD.
  if (st?.contains(at)) return undefined;
  const layout = describeJoblibArray(req.state);
  if (!layout) return unmeasured('shape or dtype not established from the wrapper state');
  if (layout.kind === 'pickle') {
    await st?.addInner(at);
    return { pickle: true };
  }

  let before = 0;
  if (layout.padded) {
    if (reader) {
      const b = (await reader.read(at, 1))[0];
      if (b === undefined) return { skip: 1 }; // past the end: the engine reports the truncation
      before = 1 + b;
      await checkPadding(reader, at, b, layout.alignment, cls, anomalies);
    } else {
      if (layout.alignment === undefined) return unmeasured('alignment is not an int');
      // The writer's padding: alignment - ((position + 1) % alignment).
      before = 1 + (layout.alignment - ((at + 1) % layout.alignment));
    }
  }
  const skip = Math.min(Number.MAX_SAFE_INTEGER, before + layout.nbytes);
  if (st && !layout.dtypeStateKnown && skip > 0) {
    const why = await objectReading(st, at, skip);
    if (why) return unmeasured(why);
  }
  return { skip };
}

/**
 * Without the dtype's pickle state, its flags are unknown, and flags alone make numpy's
 * `hasobject` true: then joblib would run a pickle from `at` instead of skipping the data.
 * That reading matters only if it runs something before the unpickler fails, or completes and
 * resumes elsewhere. Returns why the two readings cannot be told apart, or undefined when the
 * raw reading is the only one that matters.
 */
async function objectReading(st: ReaderState, at: number, skip: number): Promise<string | undefined> {
  const { reader } = st;
  const first = (await reader.read(at, 1))[0];
  if (first === undefined || !isOpcode(first)) return undefined; // Unpickler.load() raises on the first byte
  const ambiguous = `read as a pickle (an object dtype by its flags), the bytes at offset ${at}`;
  if (st.opcodesLeft <= 0) return `${ambiguous} were not checked: budget used up`;
  const maxOpcodes = Math.min(PROBE_OPCODES, st.opcodesLeft);
  const probe = await analysePickle(sliceReader(reader, at, reader.size - at), { stopAfterStreams: 1, budgets: { maxOpcodes, maxResyncBytes: 0 } });
  st.opcodesLeft -= probe.opcodeCount;
  if (probe.anomalies.some((a) => a.code === 'pickle/budget-exceeded' && a.detail?.budget !== 'maxResyncBytes')) return `${ambiguous} run past the check's budget`;
  const s = probe.streams[0];
  const end = s ? s.end : 0;
  const named = probe.imports.some((i) => !i.resync && i.offset < end) || probe.calls.some((c) => c.offset < end) || probe.unresolved.some((u) => u.offset < end);
  if (named) return `${ambiguous} name or call something`;
  if (s?.complete && s.end !== skip) return `${ambiguous} form a complete pickle that ends elsewhere than the data`;
  return undefined;
}

async function checkPadding(reader: ByteReader, at: number, len: number, alignment: number | undefined, cls: string, anomalies: Anomaly[] | undefined): Promise<void> {
  if (!anomalies) return;
  const expected = alignment === undefined ? undefined : alignment - ((at + 1) % alignment);
  const pad = len > 0 ? await reader.read(at + 1, len) : new Uint8Array(0);
  const filled = pad.every((x) => x === 0xff);
  if ((expected !== undefined && len !== expected) || !filled) {
    anomalies.push({
      code: 'joblib/unexpected-padding',
      message: `the array after the BUILD of ${cls} at offset ${at} has ${len} padding bytes${filled ? '' : ' that are not 0xff'}${expected !== undefined && len !== expected ? ` where joblib writes ${expected}` : ''}: joblib skips them unread`,
      offset: at,
      detail: { class: cls, padding: len, ...(expected !== undefined ? { expected } : {}), filled },
    });
  }
}


/**
 * The hook for one file (or decompressed stream): reads the padding byte the loader reads,
 * tells nested object-array pickles apart, and collects anomalies. Pass the same reader that
 * `analysePickle` reads.
 */
export function joblibInlineData(reader: ByteReader): JoblibInlineHook {
  const anomalies: Anomaly[] = [];
  const st = new ReaderState(reader);
  return {
    classes: JOBLIB_ARRAY_WRAPPER_CLASSES,
    anomalies,
    measure: (req) => measure(req, st, anomalies),
  };
}

const perReader = new WeakMap<ByteReader, ReaderState>();

/**
 * A stateless hook. Without bytes to look at it assumes the padding joblib writes and cannot
 * tell a nested object-array pickle from the outer one; when the engine passes the reader in the
 * request (`reader`), it reads the padding as the loader does. Prefer `joblibInlineData(reader)`.
 */
export const JOBLIB_INLINE_DATA: InlineDataHook = Object.freeze({
  classes: JOBLIB_ARRAY_WRAPPER_CLASSES,
  measure(req: InlineDataRequest): Promise<InlineDataAnswer> {
    const reader = (req as InlineDataRequest & { reader?: ByteReader }).reader;
    let st: ReaderState | undefined;
    if (reader) {
      st = perReader.get(reader);
      if (!st) perReader.set(reader, (st = new ReaderState(reader)));
    }
    return measure(req, st, undefined);
  },
});
