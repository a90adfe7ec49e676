import type { Value } from './values.js';

/**
 * Some writers put raw data inside the pickle stream, read by the loader's own code in the
 * middle of unpickling: joblib (≥ 0.10) writes each numpy array's bytes right after the BUILD
 * of its NumpyArrayWrapper (and a whole pickle for object arrays). The engine cannot know
 * their length; a format parser that does answers this hook, and analysis carries on after
 * the data instead of breaking on it.
 */
export interface InlineDataHook {
  /** Classes (`module.name`, after Python 2 mapping) whose BUILD may be followed by inline data. */
  classes: readonly string[];
  measure(request: InlineDataRequest): InlineDataAnswer | Promise<InlineDataAnswer>;
}

export interface InlineDataRequest {
  module: string;
  name: string;
  /** The state BUILD applied, as plain data. */
  state: PlainValue;
  /** Offset just after the BUILD opcode, where inline data would start. */
  offset: number;
}

/** `skip`: that many bytes of raw data follow. `pickle`: a complete pickle follows (analysed as one). */
export type InlineDataAnswer = { skip: number } | { pickle: true } | undefined;

/** A symbolic value as plain data: dicts as entry lists (keys need not be strings). */
export type PlainValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PlainValue[]
  | { dict: Array<[PlainValue, PlainValue]> }
  | { global: string }
  | { call: string | null; args: PlainValue[] }
  | { bytes: number; offset: number }
  | { unknown: string };

export function toPlain(v: Value, depth = 6): PlainValue {
  if (depth <= 0) return { unknown: 'nested too deeply' };
  switch (v.k) {
    case 'none':
      return null;
    case 'bool':
      return v.v;
    case 'int':
      return v.v;
    case 'float':
      return v.v;
    case 'str':
      return v.v ?? { unknown: `a str of ${v.len} bytes` };
    case 'bytes':
      return { bytes: v.len, offset: v.off };
    case 'buffer':
      return { unknown: 'out-of-band buffer' };
    case 'global':
      return { global: `${v.module}.${v.name}` };
    case 'call':
      return { call: v.callee.k === 'global' ? `${v.callee.module}.${v.callee.name}` : null, args: v.args.map((a) => toPlain(a, depth - 1)) };
    case 'dict': {
      const entries: Array<[PlainValue, PlainValue]> = [];
      for (let i = 0; i + 1 < v.items.length; i += 2) entries.push([toPlain(v.items[i]!, depth - 1), toPlain(v.items[i + 1]!, depth - 1)]);
      return { dict: entries };
    }
    case 'unknown':
      return { unknown: v.why };
    default:
      return v.items.map((i) => toPlain(i, depth - 1));
  }
}
