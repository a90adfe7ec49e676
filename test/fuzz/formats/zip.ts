/**
 * Zip (PyTorch checkpoints, .keras, .npz, plain zips): the end-of-central-directory record, the
 * Zip64 locator and record, each central and local header's sizes, name lengths and offsets, and
 * the length prefixes of pickles stored uncompressed in members (PyTorch stores data.pkl so).
 */
import { startsWith, u16le, u32le } from '../bytes.js';
import type { FamilySpec, Field, Region } from '../types.js';
import { pickleFields, pickleRegions } from './pickle.js';

const LOCAL = [0x50, 0x4b, 0x03, 0x04];
const CENTRAL = [0x50, 0x4b, 0x01, 0x02];
const EOCD = [0x50, 0x4b, 0x05, 0x06];
const ZIP64_LOCATOR = [0x50, 0x4b, 0x06, 0x07];
const ZIP64_EOCD = [0x50, 0x4b, 0x06, 0x06];
/** Headers walked at most: a fuzzed count must not make the walker the slow part. */
const MAX_ENTRIES = 256;

const le = (offset: number, width: 1 | 2 | 4 | 8, label: string): Field => ({ offset, encoding: { kind: 'uint', width, littleEndian: true }, label });

/** The last end-of-central-directory signature within the 64 KiB a comment may occupy. */
export function findEocd(b: Uint8Array): number {
  for (let at = b.length - 22; at >= 0 && at >= b.length - 22 - 0xffff; at--) if (startsWith(b, EOCD, at)) return at;
  return -1;
}

interface Walk {
  fields: Field[];
  regions: Region[];
}

function walk(b: Uint8Array): Walk {
  const fields: Field[] = [];
  const regions: Region[] = [];
  const eocd = findEocd(b);
  if (eocd >= 0) {
    fields.push(le(eocd + 8, 2, 'eocd.entriesOnDisk'), le(eocd + 10, 2, 'eocd.entries'), le(eocd + 12, 4, 'eocd.cdSize'), le(eocd + 16, 4, 'eocd.cdOffset'), le(eocd + 20, 2, 'eocd.commentLength'));
    const loc = eocd - 20;
    if (loc >= 0 && startsWith(b, ZIP64_LOCATOR, loc)) {
      fields.push(le(loc + 8, 8, 'zip64locator.eocdOffset'));
      const at = Number(u32le(b, loc + 8));
      if (at >= 0 && startsWith(b, ZIP64_EOCD, at)) fields.push(le(at + 24, 8, 'zip64eocd.entriesOnDisk'), le(at + 32, 8, 'zip64eocd.entries'), le(at + 40, 8, 'zip64eocd.cdSize'), le(at + 48, 8, 'zip64eocd.cdOffset'));
    }
  }
  // Central headers from where the EOCD says they start, else from the first signature found.
  let cd = eocd >= 0 ? u32le(b, eocd + 16) : -1;
  if (cd < 0 || !startsWith(b, CENTRAL, cd)) cd = indexOf(b, CENTRAL, 0);
  // Local header offsets with the size the central directory gives (PyTorch's writer leaves the local sizes 0 and uses a data descriptor).
  const locals: Array<[number, number]> = [];
  for (let n = 0; cd >= 0 && n < MAX_ENTRIES && startsWith(b, CENTRAL, cd); n++) {
    const nameLen = u16le(b, cd + 28), extraLen = u16le(b, cd + 30), commentLen = u16le(b, cd + 32);
    if (nameLen < 0 || extraLen < 0 || commentLen < 0) break;
    fields.push(le(cd + 10, 2, 'central.method'), le(cd + 20, 4, 'central.compressedSize'), le(cd + 24, 4, 'central.uncompressedSize'), le(cd + 28, 2, 'central.nameLength'), le(cd + 30, 2, 'central.extraLength'), le(cd + 42, 4, 'central.localHeaderOffset'));
    const end = cd + 46 + nameLen + extraLen + commentLen;
    regions.push({ start: cd, end: Math.min(end, b.length) });
    locals.push([u32le(b, cd + 42), u32le(b, cd + 20)]);
    cd = end;
  }
  if (locals.length === 0) for (let at = indexOf(b, LOCAL, 0); at >= 0 && locals.length < MAX_ENTRIES; at = indexOf(b, LOCAL, at + 4)) locals.push([at, u32le(b, at + 18)]);
  for (const [at, centralSize] of locals) {
    if (at < 0 || !startsWith(b, LOCAL, at)) continue;
    const nameLen = u16le(b, at + 26), extraLen = u16le(b, at + 28), method = u16le(b, at + 8);
    const size = u32le(b, at + 18) || centralSize;
    if (nameLen < 0 || extraLen < 0 || size < 0) continue;
    fields.push(le(at + 8, 2, 'local.method'), le(at + 18, 4, 'local.compressedSize'), le(at + 22, 4, 'local.uncompressedSize'), le(at + 26, 2, 'local.nameLength'), le(at + 28, 2, 'local.extraLength'));
    const data = at + 30 + nameLen + extraLen;
    regions.push({ start: at, end: Math.min(data + size, b.length) });
    const name = String.fromCharCode(...b.subarray(at + 30, at + 30 + nameLen));
    // A stored pickle's own length prefixes, found where the member's bytes sit.
    if (method === 0 && /\.pkl$/.test(name) && data + size <= b.length) {
      const member = b.subarray(data, data + size);
      for (const f of pickleFields(member)) fields.push({ ...f, offset: f.offset + data, label: `${name}:${f.label}` });
      for (const r of pickleRegions(member)) regions.push({ start: r.start + data, end: r.end + data });
    }
  }
  return { fields, regions };
}

export function indexOf(b: Uint8Array, magic: readonly number[], from: number): number {
  const at = Buffer.from(b.buffer, b.byteOffset, b.length).indexOf(Buffer.from(magic), from);
  return at;
}

export const zip: FamilySpec = {
  id: 'zip',
  claims: (b) => startsWith(b, LOCAL) || findEocd(b) >= 0,
  fields: (b) => walk(b).fields,
  regions: (b) => walk(b).regions,
};
