/**
 * Protocol buffers (ONNX models, TensorFlow .pb): every length-delimited field's length varint,
 * down through nested messages (a field is taken for a message when it parses as one to its
 * exact end), and each top-level field as a unit. Varints are rewritten in their own width.
 */
import type { FamilySpec, Field, Region } from '../types.js';

const MAX_FIELDS = 4096;
const MAX_DEPTH = 6;

function varint(b: Uint8Array, at: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 10 && at + i < end; i++) {
    const byte = b[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return undefined;
}

/** Fields of one message in [start, end); undefined when those bytes are not a message. */
function message(b: Uint8Array, start: number, end: number, depth: number, out: Field[], regions?: Region[]): boolean {
  const mark = out.length;
  let at = start;
  while (at < end) {
    const key = varint(b, at, end);
    if (!key || key.value < 8) break;
    const fieldStart = at;
    at = key.next;
    const wire = key.value % 8;
    if (wire === 0) {
      const v = varint(b, at, end);
      if (!v) break;
      at = v.next;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varint(b, at, end);
      if (!len || len.next + len.value > end) break;
      if (out.length < MAX_FIELDS) out.push({ offset: at, encoding: { kind: 'varint', width: len.next - at }, label: `field${Math.floor(key.value / 8)}.length` });
      if (depth < MAX_DEPTH && len.value > 1) message(b, len.next, len.next + len.value, depth + 1, out);
      at = len.next + len.value;
    } else break;
    regions?.push({ start: fieldStart, end: at });
  }
  if (at !== end) {
    out.length = mark;
    return false;
  }
  return true;
}

function walk(b: Uint8Array): { fields: Field[]; regions: Region[] } {
  const fields: Field[] = [];
  const regions: Region[] = [];
  // The top level keeps what it found even when the tail does not parse (a truncated model).
  const ok = message(b, 0, b.length, 0, fields, regions);
  if (!ok) message(b, 0, regions.at(-1)?.end ?? 0, 0, fields);
  return { fields, regions };
}

export const protobuf: FamilySpec = {
  id: 'protobuf',
  claims: (_b, name) => /\.(onnx|pb|pbtxt)$/i.test(name),
  fields: (b) => walk(b).fields,
  regions: (b) => walk(b).regions,
};
