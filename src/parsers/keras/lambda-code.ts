import { summariseMarshalledCode } from './marshal.js';

/** What a Lambda's serialized function holds, as far as it can be read without running it. */
export interface LambdaCode {
  /** Which serialization carried it. */
  form: 'keras3' | 'keras3-value' | 'legacy-list' | 'legacy-string' | 'unknown';
  /** Bytes of the marshalled code object, when they could be decoded. */
  codeBytes?: number;
  /** Names the bytecode uses (co_names of every code object), e.g. `os`, `getcwd`. */
  names?: string[];
  /** String constants of the bytecode. */
  strings?: string[];
  /** Why the names could not be listed. */
  undecoded?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/**
 * keras's func_load base64-decodes the code string (binascii, which skips characters outside the
 * alphabet) and, when that fails, takes the string's raw_unicode_escape bytes as marshal data.
 */
function codeBytes(code: string): Uint8Array {
  const cleaned = code.replace(/[^A-Za-z0-9+/=]/g, '');
  if (cleaned.length > 0 && cleaned.length % 4 !== 1) {
    const decoded = Buffer.from(cleaned, 'base64');
    if (decoded.length > 0) return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
  }
  const raw = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) raw[i] = code.charCodeAt(i) & 0xff;
  return raw;
}

function summarise(code: unknown, form: LambdaCode['form'], maxChars: number): LambdaCode {
  if (typeof code !== 'string') return { form, undecoded: 'the code is not a string' };
  if (code.length > maxChars) return { form, undecoded: `the code is longer than ${maxChars} characters` };
  const bytes = codeBytes(code);
  const summary = summariseMarshalledCode(bytes);
  if ('error' in summary) return { form, codeBytes: bytes.length, undecoded: summary.error };
  return { form, codeBytes: bytes.length, names: summary.names, strings: summary.strings };
}

/**
 * Reads a serialized function in any of the forms Keras wrote:
 *  - keras >= 3.?: `{class_name: "__lambda__", config: {code, defaults, closure}}`
 *  - early keras 3: `{class_name: "__lambda__", config: {value: [code, defaults, closure] | code}}`
 *  - Keras 2 / tf.keras (`function_type: "lambda"`): `[code, defaults, closure]` or the code string.
 */
export function readLambdaCode(fn: unknown, maxChars: number): LambdaCode {
  if (isRecord(fn)) {
    const inner = own(fn, 'config');
    if (isRecord(inner)) {
      if (typeof own(inner, 'code') === 'string') return summarise(own(inner, 'code'), 'keras3', maxChars);
      const value = own(inner, 'value');
      if (Array.isArray(value)) return summarise(value[0], 'keras3-value', maxChars);
      if (typeof value === 'string') return summarise(value, 'keras3-value', maxChars);
    }
    return { form: 'unknown', undecoded: 'no code field' };
  }
  if (Array.isArray(fn)) return summarise(fn[0], 'legacy-list', maxChars);
  if (typeof fn === 'string') return summarise(fn, 'legacy-string', maxChars);
  return { form: 'unknown', undecoded: 'unrecognised function form' };
}
