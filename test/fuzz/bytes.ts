/** Reading and rewriting the integer fields of types.ts; bounds-checked, never throwing. */
import type { Field, FieldEncoding } from './types.js';

export const u16le = (b: Uint8Array, at: number): number => (at + 2 <= b.length ? b[at]! | (b[at + 1]! << 8) : -1);
export const u32le = (b: Uint8Array, at: number): number => (at + 4 <= b.length ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000 : -1);
export const u32be = (b: Uint8Array, at: number): number => (at + 4 <= b.length ? b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) : -1);
/** A u64 as a number when it is a safe integer, else -1 (no walker follows such a length). */
export function u64(b: Uint8Array, at: number, littleEndian = true): number {
  if (at + 8 > b.length) return -1;
  const lo = littleEndian ? u32le(b, at) : u32be(b, at + 4);
  const hi = littleEndian ? u32le(b, at + 4) : u32be(b, at);
  return hi < 0x200000 ? hi * 0x1_0000_0000 + lo : -1;
}

export const fieldWidth = (e: FieldEncoding): number => e.width;

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

export function readField(bytes: Uint8Array, field: Field): bigint {
  const { offset, encoding: e } = field;
  if (offset < 0 || offset + e.width > bytes.length) return 0n;
  if (e.kind === 'uint') {
    let v = 0n;
    for (let i = 0; i < e.width; i++) v |= BigInt(bytes[offset + (e.littleEndian ? i : e.width - 1 - i)]!) << BigInt(8 * i);
    return v;
  }
  if (e.kind === 'varint') {
    let v = 0n;
    for (let i = 0; i < e.width; i++) v |= BigInt(bytes[offset + i]! & 0x7f) << BigInt(7 * i);
    return v;
  }
  if (bytes[offset]! & 0x80) {
    let v = 0n;
    for (let i = 1; i < e.width; i++) v = (v << 8n) | BigInt(bytes[offset + i]!);
    return v;
  }
  let v = 0n;
  for (let i = 0; i < e.width; i++) {
    const c = bytes[offset + i]!;
    if (c >= 0x30 && c <= 0x37) v = v * 8n + BigInt(c - 0x30);
  }
  return v;
}

/** Writes `value` into the field in place: wrapped to a fixed-width integer, clamped where the encoding has a ceiling. */
export function writeField(bytes: Uint8Array, field: Field, value: bigint): void {
  const { offset, encoding: e } = field;
  if (offset < 0 || offset + e.width > bytes.length) return;
  if (e.kind === 'uint') {
    const v = value & mask(8 * e.width);
    for (let i = 0; i < e.width; i++) bytes[offset + (e.littleEndian ? i : e.width - 1 - i)] = Number((v >> BigInt(8 * i)) & 0xffn);
    return;
  }
  if (e.kind === 'varint') {
    const max = mask(7 * e.width);
    let v = value < 0n ? max : value > max ? max : value;
    for (let i = 0; i < e.width; i++) {
      bytes[offset + i] = Number(v & 0x7fn) | (i < e.width - 1 ? 0x80 : 0);
      v >>= 7n;
    }
    return;
  }
  const v = value < 0n ? 0n : value;
  if (v < 8n ** BigInt(e.width - 1)) {
    const digits = v.toString(8).padStart(e.width - 1, '0');
    for (let i = 0; i < e.width - 1; i++) bytes[offset + i] = digits.charCodeAt(i);
    bytes[offset + e.width - 1] = 0;
    return;
  }
  // GNU base-256: a set high bit, then the value big-endian.
  const capped = v & mask(8 * (e.width - 1));
  bytes[offset] = 0x80;
  for (let i = e.width - 1; i >= 1; i--) bytes[offset + i] = Number((capped >> BigInt(8 * (e.width - 1 - i))) & 0xffn);
}

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

export const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0): boolean => magic.every((m, i) => bytes[at + i] === m);

export const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
