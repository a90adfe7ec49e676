/**
 * GGUF: version, tensor and key/value counts, then each key/value's string lengths, value types
 * and array counts, and each tensor's dimension count, dimensions, type and offset. Either byte
 * order (big-endian GGUF exists), told apart by the version field as llama.cpp's tools do.
 */
import { startsWith, u32be, u32le, u64 } from '../bytes.js';
import type { FamilySpec, Field, Region } from '../types.js';

const MAGIC = [0x47, 0x47, 0x55, 0x46];
/** Bytes per value of GGUF's fixed-size scalar types (0–12); 8 (string) and 9 (array) are walked. */
const SCALAR: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
/** Key/values, tensors and array items walked at most. */
const MAX_ITEMS = 4096;

class Cursor {
  at = 0;
  constructor(readonly b: Uint8Array, readonly le: boolean, readonly fields: Field[]) {}
  private field(width: 4 | 8, label: string): number {
    const v = width === 4 ? (this.le ? u32le(this.b, this.at) : u32be(this.b, this.at)) : u64(this.b, this.at, this.le);
    this.fields.push({ offset: this.at, encoding: { kind: 'uint', width, littleEndian: this.le }, label });
    this.at += width;
    if (v < 0 || this.at > this.b.length) throw new RangeError('end');
    return v;
  }
  u32 = (label: string): number => this.field(4, label);
  u64 = (label: string): number => this.field(8, label);
  string(label: string): void {
    const n = this.u64(`${label}.length`);
    this.at += n;
    if (this.at > this.b.length) throw new RangeError('end');
  }
  value(type: number, label: string, depth = 0): void {
    if (type in SCALAR) {
      this.at += SCALAR[type]!;
      return;
    }
    if (type === 8) return this.string(label);
    if (type !== 9 || depth > 2) throw new RangeError('type');
    const itemType = this.u32(`${label}.itemType`);
    const count = this.u64(`${label}.count`);
    if (itemType in SCALAR) {
      this.at += SCALAR[itemType]! * count;
      return;
    }
    for (let i = 0; i < Math.min(count, MAX_ITEMS); i++) this.value(itemType, `${label}[]`, depth + 1);
  }
}

function walk(b: Uint8Array): { fields: Field[]; regions: Region[] } {
  const fields: Field[] = [];
  const regions: Region[] = [];
  if (!startsWith(b, MAGIC)) return { fields, regions };
  // A little-endian file's version reads as a small number; a big-endian one's as a huge one.
  const le = (u32le(b, 4) & 0xffff) !== 0;
  const c = new Cursor(b, le, fields);
  c.at = 4;
  try {
    const version = c.u32('version');
    const v1 = version === 1;
    const tensors = v1 ? c.u32('tensorCount') : c.u64('tensorCount');
    const kvs = v1 ? c.u32('kvCount') : c.u64('kvCount');
    for (let i = 0; i < Math.min(kvs, MAX_ITEMS); i++) {
      const start = c.at;
      c.string('kv.key');
      c.value(c.u32('kv.type'), 'kv.value');
      regions.push({ start, end: c.at });
    }
    for (let i = 0; i < Math.min(tensors, MAX_ITEMS); i++) {
      const start = c.at;
      c.string('tensor.name');
      const dims = c.u32('tensor.nDims');
      for (let d = 0; d < Math.min(dims, 8); d++) c.u64('tensor.dim');
      c.u32('tensor.type');
      c.u64('tensor.offset');
      regions.push({ start, end: c.at });
    }
  } catch {
    // the walk stops where the bytes stop making sense; what it found is still useful
  }
  return { fields, regions };
}

export const gguf: FamilySpec = {
  id: 'gguf',
  claims: (b) => startsWith(b, MAGIC),
  fields: (b) => walk(b).fields,
  regions: (b) => walk(b).regions,
};
