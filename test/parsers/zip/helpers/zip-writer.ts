import { crc32, deflateRawSync } from 'node:zlib';
import type { ByteReader } from '../../../../src/types.js';

/**
 * A zip writer for tests that lets every field lie: names, flags, sizes, CRCs and offsets can
 * differ between local header and central directory, so each reader divergence can be built.
 * Output is a list of segments; `virtual` segments are zero bytes that never exist in memory.
 */
export interface TestEntry {
  name: string | Uint8Array;
  data?: Uint8Array | string;
  /** Size of zero-filled data that exists only virtually (stored members only). */
  virtualSize?: number;
  method?: number;
  flags?: number;
  localFlags?: number;
  localName?: string | Uint8Array;
  crc?: number;
  localCrc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  localCompressedSize?: number;
  localMethod?: number;
  externalAttr?: number;
  madeBy?: number;
  versionNeeded?: number;
  localExtra?: Uint8Array;
  centralExtra?: Uint8Array;
  /** Point the central record at another entry's local header (by index). */
  aliasOf?: number;
  /** Write the local header and data but no central record. */
  omitFromCentral?: boolean;
  /** Bytes written before this entry's local header that no entry covers. */
  gapBefore?: Uint8Array;
  /** Force ZIP64 extra fields for this entry's sizes/offset in the central directory. */
  zip64?: boolean;
}

export interface ZipOptions {
  /** Bytes before the first local header; offsets are NOT adjusted (like `cat prefix a.zip`). */
  prefix?: Uint8Array;
  /** Bytes before the first local header, with offsets adjusted to stay absolute. */
  adjustedPrefix?: Uint8Array;
  comment?: Uint8Array | string;
  /** Override the EOCD comment length field. */
  commentLength?: number;
  /** Bytes between the central directory and the end records. */
  gapBeforeEnd?: Uint8Array;
  /** Bytes after the whole archive. */
  trailing?: Uint8Array;
  /** Override EOCD entry counts. */
  entryCount?: number;
  /** Write ZIP64 end records. */
  zip64?: boolean;
  /** Extra central records appended after the declared ones (for count mismatch). */
  hiddenCentral?: TestEntry[];
  /**
   * A second central directory right after the first, listing these entries with offsets that
   * are right once shifted by its own size: Python zipfile reads it, miniz reads the first.
   */
  shadowCentral?: number[];
  /** Override the stated central directory offset. */
  cdOffset?: number;
}

export type Segment = Uint8Array | { zeros: number };

const enc = new TextEncoder();
/** Names are UTF-8. */
const bytes = (v: Uint8Array | string | undefined) => (v === undefined ? new Uint8Array(0) : typeof v === 'string' ? enc.encode(v) : v);
/** Data strings are binary (one byte per char), so pickles can be written as string literals. */
const binary = (v: Uint8Array | string | undefined) =>
  v === undefined ? new Uint8Array(0) : typeof v === 'string' ? Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff) : v;

class Out {
  segments: Segment[] = [];
  size = 0;
  push(b: Uint8Array): void {
    this.segments.push(b);
    this.size += b.length;
  }
  zeros(n: number): void {
    this.segments.push({ zeros: n });
    this.size += n;
  }
}

function le(n: number, width: 2 | 4 | 8): Uint8Array {
  const b = new Uint8Array(width);
  let v = BigInt(n);
  for (let i = 0; i < width; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface Laid {
  entry: TestEntry;
  name: Uint8Array;
  offset: number;
  crc: number;
  comp: number;
  uncomp: number;
  method: number;
}

export function buildZipSegments(entries: TestEntry[], opts: ZipOptions = {}): Segment[] {
  const out = new Out();
  if (opts.prefix) out.push(opts.prefix);
  if (opts.adjustedPrefix) out.push(opts.adjustedPrefix);
  const base = opts.prefix?.length ?? 0;
  const laid: Laid[] = [];
  for (const entry of entries) {
    const name = bytes(entry.name);
    const method = entry.method ?? 0;
    const raw = binary(entry.data);
    const payload = method === 8 ? new Uint8Array(deflateRawSync(raw)) : raw;
    const virtual = entry.virtualSize ?? 0;
    const crc = entry.crc ?? (virtual ? 0 : crc32(raw));
    const comp = entry.compressedSize ?? (virtual || payload.length);
    const uncomp = entry.uncompressedSize ?? (virtual || raw.length);
    if (entry.aliasOf !== undefined) {
      const target = laid[entry.aliasOf]!;
      laid.push({ entry, name, offset: target.offset, crc: target.crc, comp: target.comp, uncomp: target.uncomp, method: target.method });
      continue;
    }
    if (entry.gapBefore) out.push(entry.gapBefore);
    const offset = out.size - base;
    const localName = entry.localName === undefined ? name : bytes(entry.localName);
    const localExtra = entry.localExtra ?? new Uint8Array(0);
    out.push(cat(
      le(0x04034b50, 4), le(entry.versionNeeded ?? 20, 2), le(entry.localFlags ?? entry.flags ?? 0, 2),
      le(entry.localMethod ?? method, 2), le(0, 2), le(0, 2), le(entry.localCrc ?? crc, 4),
      le(Math.min(entry.localCompressedSize ?? comp, 0xffffffff), 4), le(Math.min(uncomp, 0xffffffff), 4),
      le(localName.length, 2), le(localExtra.length, 2), localName, localExtra,
    ));
    if (virtual) out.zeros(virtual);
    else out.push(payload);
    laid.push({ entry, name, offset, crc, comp, uncomp, method });
  }

  const cdStart = out.size - base;
  const central = (l: Laid) => {
    const e = l.entry;
    const z64 = e.zip64 === true;
    const extra = z64
      ? cat(le(0x0001, 2), le(24, 2), le(l.uncomp, 8), le(l.comp, 8), le(l.offset, 8), e.centralExtra ?? new Uint8Array(0))
      : e.centralExtra ?? new Uint8Array(0);
    return cat(
      le(0x02014b50, 4), le(e.madeBy ?? 0x031e, 2), le(e.versionNeeded ?? 20, 2), le(e.flags ?? 0, 2), le(l.method, 2),
      le(0, 2), le(0, 2), le(l.crc, 4), le(z64 ? 0xffffffff : l.comp, 4), le(z64 ? 0xffffffff : l.uncomp, 4),
      le(l.name.length, 2), le(extra.length, 2), le(0, 2), le(0, 2), le(0, 2),
      le(e.externalAttr ?? (0o100644 << 16) >>> 0, 4), le(z64 ? 0xffffffff : l.offset, 4), l.name, extra,
    );
  };
  for (const l of laid) if (!l.entry.omitFromCentral) out.push(central(l));
  for (const hidden of opts.hiddenCentral ?? []) {
    out.push(central({ entry: hidden, name: bytes(hidden.name), offset: 0, crc: 0, comp: 0, uncomp: 0, method: 0 }));
  }
  const cdSize = out.size - base - cdStart;
  if (opts.shadowCentral) {
    const shadow = opts.shadowCentral.map((i) => laid[i]!);
    const size = shadow.reduce((n, l) => n + central(l).length, 0);
    for (const l of shadow) out.push(central({ ...l, offset: l.offset - size }));
  }
  if (opts.gapBeforeEnd) out.push(opts.gapBeforeEnd);
  const count = opts.entryCount ?? laid.filter((l) => !l.entry.omitFromCentral).length;
  const cdOffset = opts.cdOffset ?? cdStart;
  if (opts.zip64) {
    const recordOffset = out.size - base;
    out.push(cat(
      le(0x06064b50, 4), le(44, 8), le(45, 2), le(45, 2), le(0, 4), le(0, 4),
      le(count, 8), le(count, 8), le(cdSize, 8), le(cdOffset, 8),
    ));
    out.push(cat(le(0x07064b50, 4), le(0, 4), le(recordOffset, 8), le(1, 4)));
  }
  const comment = binary(opts.comment);
  out.push(cat(
    le(0x06054b50, 4), le(0, 2), le(0, 2),
    le(opts.zip64 ? 0xffff : count, 2), le(opts.zip64 ? 0xffff : count, 2),
    le(opts.zip64 ? 0xffffffff : cdSize, 4), le(opts.zip64 ? 0xffffffff : cdOffset, 4),
    le(opts.commentLength ?? comment.length, 2), comment,
  ));
  if (opts.trailing) out.push(opts.trailing);
  return out.segments;
}

export function buildZip(entries: TestEntry[], opts: ZipOptions = {}): Uint8Array {
  const segs = buildZipSegments(entries, opts);
  return concat(segs.map((s) => (s instanceof Uint8Array ? s : new Uint8Array(s.zeros))));
}

/** A reader over segments, zero-filled ones virtual: a "1 GB" archive costs kilobytes. */
export function segmentReader(segments: Segment[]): ByteReader {
  const spans: Array<{ start: number; seg: Segment; len: number }> = [];
  let size = 0;
  for (const seg of segments) {
    const len = seg instanceof Uint8Array ? seg.length : seg.zeros;
    spans.push({ start: size, seg, len });
    size += len;
  }
  return {
    size,
    async read(offset, length) {
      if (offset >= size || length <= 0) return new Uint8Array(0);
      const end = Math.min(size, offset + length);
      const out = new Uint8Array(end - offset);
      for (const s of spans) {
        const a = Math.max(offset, s.start);
        const b = Math.min(end, s.start + s.len);
        if (a >= b) continue;
        if (s.seg instanceof Uint8Array) out.set(s.seg.subarray(a - s.start, b - s.start), a - offset);
      }
      return out;
    },
  };
}

/** Wraps a reader and counts what is asked of it. */
export function countingReader(inner: ByteReader): ByteReader & { bytesRead: number; reads: number } {
  const counter = {
    size: inner.size,
    bytesRead: 0,
    reads: 0,
    async read(offset: number, length: number) {
      const got = await inner.read(offset, length);
      counter.bytesRead += got.length;
      counter.reads += 1;
      return got;
    },
  };
  return counter;
}

export { cat, le };
