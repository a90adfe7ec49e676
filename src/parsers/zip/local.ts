import type { ByteReader } from '../../types.js';
import { decodeName, readAt, u16, u32 } from './bytes.js';
import { FLAG_UTF8, LOCAL_HEADER_SIZE, SIG_LOCAL } from './constants.js';

/** A local file header as read at the offset the central directory gives. */
export interface LocalHeader {
  status: 'ok' | 'bad-signature' | 'truncated' | 'out-of-range';
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  rawName: Uint8Array;
  /** Decoded with the local flags, as Python zipfile decodes it before comparing. */
  name: string;
  nameLength: number;
  extraLength: number;
  /** Offset + 30 + name + extra: where both miniz and Python zipfile start reading data. */
  dataOffset: number;
}

/** Headers that lie this close together are fetched in one read; member data further apart is never touched. */
const COALESCE_WINDOW = 64 * 1024;

/**
 * Reads the local headers at the given offsets. Each read covers the 30-byte header plus the
 * name and some extra bytes; neighbouring headers share a read, so a million-entry directory
 * costs few reads while a directory of large members reads only its headers.
 */
export async function readLocalHeaders(
  reader: ByteReader,
  wanted: ReadonlyArray<{ offset: number; nameHint: number }>,
): Promise<Map<number, LocalHeader>> {
  const out = new Map<number, LocalHeader>();
  const order = [...new Set(wanted.map((w) => w.offset))].sort((a, b) => a - b);
  const hint = new Map<number, number>();
  for (const w of wanted) hint.set(w.offset, Math.max(hint.get(w.offset) ?? 0, w.nameHint));

  let buf: Uint8Array = new Uint8Array(0);
  let bufStart = 0;
  const estimate = (off: number) => LOCAL_HEADER_SIZE + (hint.get(off) ?? 0) + 64;

  for (let i = 0; i < order.length; i++) {
    const off = order[i]!;
    if (!Number.isFinite(off) || off < 0 || off + LOCAL_HEADER_SIZE > reader.size) {
      out.set(off, emptyHeader(off >= reader.size || !Number.isFinite(off) ? 'out-of-range' : 'truncated'));
      continue;
    }
    if (off < bufStart || off + estimate(off) > bufStart + buf.length) {
      let until = off + estimate(off);
      for (let j = i + 1; j < order.length; j++) {
        const next = order[j]! + estimate(order[j]!);
        if (next - off > COALESCE_WINDOW) break;
        until = next;
      }
      buf = await readAt(reader, off, until - off);
      bufStart = off;
    }
    let at = off - bufStart;
    if (buf.length - at < LOCAL_HEADER_SIZE) {
      out.set(off, emptyHeader('truncated'));
      continue;
    }
    if (u32(buf, at) !== SIG_LOCAL) {
      out.set(off, emptyHeader('bad-signature'));
      continue;
    }
    const nameLength = u16(buf, at + 26);
    const extraLength = u16(buf, at + 28);
    if (buf.length - at < LOCAL_HEADER_SIZE + nameLength) {
      buf = await readAt(reader, off, LOCAL_HEADER_SIZE + nameLength + 64);
      bufStart = off;
      at = 0;
    }
    const flags = u16(buf, at + 6);
    const rawName = buf.slice(at + LOCAL_HEADER_SIZE, at + LOCAL_HEADER_SIZE + nameLength);
    out.set(off, {
      status: rawName.length < nameLength ? 'truncated' : 'ok',
      flags,
      method: u16(buf, at + 8),
      crc32: u32(buf, at + 14),
      compressedSize: u32(buf, at + 18),
      uncompressedSize: u32(buf, at + 22),
      rawName,
      name: decodeName(rawName, (flags & FLAG_UTF8) !== 0),
      nameLength,
      extraLength,
      dataOffset: off + LOCAL_HEADER_SIZE + nameLength + extraLength,
    });
  }
  return out;
}

function emptyHeader(status: LocalHeader['status']): LocalHeader {
  return {
    status,
    flags: 0,
    method: 0,
    crc32: 0,
    compressedSize: 0,
    uncompressedSize: 0,
    rawName: new Uint8Array(0),
    name: '',
    nameLength: 0,
    extraLength: 0,
    dataOffset: -1,
  };
}
