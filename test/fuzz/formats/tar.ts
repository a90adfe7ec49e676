/**
 * tar (and legacy torch tars): each 512-byte header's size, mode and type-specific numbers as
 * octal text, each member as a unit; the fixup recomputes header checksums, since tarfile rejects
 * a header whose checksum fails before it reads anything else.
 */
import type { FamilySpec, Field, Region } from '../types.js';

const BLOCK = 512;
const MAX_MEMBERS = 512;

export function checksumOk(h: Uint8Array): boolean {
  const stored = Number.parseInt(Buffer.from(h.subarray(148, 156)).toString('latin1').replace(/[\0 ]/g, '') || 'x', 8);
  return Number.isFinite(stored) && stored === checksum(h);
}

function checksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

const octalValue = (h: Uint8Array, at: number, width: number): number => {
  if (h[at]! & 0x80) return -1;
  const text = Buffer.from(h.subarray(at, at + width)).toString('latin1').replace(/[\0 ]/g, '');
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : text === '' ? 0 : -1;
};

/** Header offsets, following each member's size (rounded to blocks), as tarfile does. */
function headers(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + BLOCK <= b.length && out.length < MAX_MEMBERS; ) {
    const h = b.subarray(at, at + BLOCK);
    if (h.every((x) => x === 0)) break;
    out.push(at);
    const size = octalValue(h, 124, 12);
    if (size < 0) break;
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

const octal = (offset: number, width: number, label: string): Field => ({ offset, encoding: { kind: 'octal', width }, label });

export const tar: FamilySpec = {
  id: 'tar',
  claims: (b) => b.length >= BLOCK && checksumOk(b.subarray(0, BLOCK)),
  fields: (b) => headers(b).flatMap((at) => [octal(at + 124, 12, 'size'), octal(at + 100, 8, 'mode'), octal(at + 136, 12, 'mtime'), octal(at + 329, 8, 'devmajor')]),
  regions: (b) => {
    const hs = headers(b);
    return hs.map((at, i): Region => ({ start: at, end: hs[i + 1] ?? Math.min(b.length, at + BLOCK) }));
  },
  fixup: (b) => {
    const out = b.slice();
    for (const at of headers(out)) {
      const h = out.subarray(at, at + BLOCK);
      const digits = checksum(h).toString(8).padStart(6, '0');
      for (let i = 0; i < 6; i++) h[148 + i] = digits.charCodeAt(i);
      h[154] = 0;
      h[155] = 0x20;
    }
    return out;
  },
};
