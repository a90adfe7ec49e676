import { parseSafetensors, type SafetensorsParse } from '../../../src/parsers/safetensors/parse.js';
import { bufferReader } from '../../../src/sources/readers.js';

const enc = new TextEncoder();

/** A safetensors file: u64 length, header (JSON text, bytes or a value to stringify), data bytes. */
export function stFile(header: string | Uint8Array | object, data: Uint8Array | number = 0, opts: { declared?: bigint; pad?: boolean } = {}): Uint8Array {
  let head = header instanceof Uint8Array ? header : enc.encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (opts.pad) head = concat(head, enc.encode(' '.repeat((8 - (head.length % 8)) % 8)));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + head.length + body.length);
  new DataView(out.buffer).setBigUint64(0, opts.declared ?? BigInt(head.length), true);
  out.set(head, 8);
  out.set(body, 8 + head.length);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A tensor entry. */
export const t = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

export const parse = (bytes: Uint8Array, maxHeaderBytes = 100_000_000): Promise<SafetensorsParse> => parseSafetensors(bufferReader(bytes), { maxHeaderBytes });

export const codes = (r: { anomalies: Array<{ code: string }> }): string[] => r.anomalies.map((a) => a.code);

/** Wraps a reader and counts what is read through it (the zip tests' counter). */
export { countingReader } from '../zip/helpers/zip-writer.js';
