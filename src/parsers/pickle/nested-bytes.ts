import { DATA_CAP } from './decode.js';
import type { Value } from './values.js';

/** Where the bytes handed to a deserializer come from. */
export type NestedBytes =
  | { kind: 'ref'; off: number; len: number } // a literal in the data: read it from there
  | { kind: 'mem'; bytes: Uint8Array } // built from literals (a latin-1 str, codecs.encode)
  | { kind: 'computed'; why: string };

/** Wrappers that pass their first argument through unchanged, as far as the bytes are concerned. */
const PASS_THROUGH = new Set(['io.BytesIO', '_io.BytesIO', 'builtins.bytes', 'builtins.bytearray', 'builtins.memoryview']);
/** Encoders protocols 0–2 use to pickle bytes: `_codecs.encode(str, 'latin1')`. */
const ENCODERS = new Set(['_codecs.encode', 'codecs.encode']);

function encodeStr(s: string, encoding: string): Uint8Array | null {
  const enc = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (enc === 'latin1' || enc === 'iso88591' || enc === 'l1' || enc === 'ascii') {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return null;
      out[i] = c;
    }
    return out;
  }
  if (enc === 'utf8') return new TextEncoder().encode(s);
  return null;
}

/** The bytes a deserializer call receives, when they are a literal (possibly wrapped). */
export function resolveNestedBytes(v: Value | undefined, depth = 0): NestedBytes {
  if (!v) return { kind: 'computed', why: 'no argument' };
  if (depth > 8) return { kind: 'computed', why: 'argument nested too deeply' };
  switch (v.k) {
    case 'bytes':
      return { kind: 'ref', off: v.off, len: v.len };
    case 'str': {
      if (v.v === null) return { kind: 'computed', why: 'a str too long to analyse' };
      const bytes = encodeStr(v.v, 'latin1') ?? new TextEncoder().encode(v.v);
      return { kind: 'mem', bytes };
    }
    case 'call': {
      if (v.callee.k !== 'global') return { kind: 'computed', why: 'bytes built by a computed callable' };
      const name = `${v.callee.module}.${v.callee.name}`;
      if (PASS_THROUGH.has(name)) return resolveNestedBytes(v.args[0], depth + 1);
      if (ENCODERS.has(name)) {
        const [s, enc] = v.args;
        if (s?.k === 'str' && s.v !== null && s.v.length <= DATA_CAP) {
          const encoding = enc === undefined ? 'utf-8' : enc.k === 'str' && enc.v !== null ? enc.v : null;
          const bytes = encoding !== null ? encodeStr(s.v, encoding) : null;
          if (bytes) return { kind: 'mem', bytes };
        }
      }
      return { kind: 'computed', why: `bytes built by ${name}` };
    }
    default:
      return { kind: 'computed', why: `the argument is not literal bytes` };
  }
}
