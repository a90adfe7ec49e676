import type { ByteReader } from '../../types.js';

/**
 * Little-endian field access that never throws: hostile input must turn into anomalies, so a
 * field past the end of a short read reads as 0 and callers check lengths first.
 */
export function u16(b: Uint8Array, at: number): number {
  if (at < 0 || at + 2 > b.length) return 0;
  return b[at]! | (b[at + 1]! << 8);
}

export function u32(b: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > b.length) return 0;
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

/** 64-bit fields as numbers; values beyond 2^53 become Infinity so range checks fail closed. */
export function u64(b: Uint8Array, at: number): number {
  if (at < 0 || at + 8 > b.length) return 0;
  const lo = u32(b, at);
  const hi = u32(b, at + 4);
  if (hi >= 0x200000) return Number.POSITIVE_INFINITY;
  return hi * 0x100000000 + lo;
}

/**
 * Marks errors that come from the reader itself (I/O), so the parser can rethrow them while
 * turning its own surprises into anomalies.
 */
export class ReaderError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'ReaderError';
  }
}

export async function readAt(reader: ByteReader, offset: number, length: number): Promise<Uint8Array> {
  if (!Number.isFinite(offset) || offset < 0 || offset >= reader.size || length <= 0) return new Uint8Array(0);
  const want = Math.min(length, reader.size - offset);
  try {
    return await reader.read(offset, want);
  } catch (err) {
    throw new ReaderError(err);
  }
}

const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** Decodes a name as Python zipfile does: UTF-8 when flag 0x800 is set, otherwise code page 437. */
export function decodeName(raw: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8', { fatal: false }).decode(raw);
  let out = '';
  for (const byte of raw) out += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function indexOfSequence(hay: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
