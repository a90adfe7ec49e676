import type { Anomaly, ByteReader } from '../../types.js';
import { zipAnomaly } from './anomalies.js';
import { decodeName, readAt, u16, u32, u64 } from './bytes.js';
import { CENTRAL_HEADER_SIZE, FLAG_UTF8, SIG_CENTRAL, U32_MAX, ZIP64_EXTRA_ID } from './constants.js';

/** One central-directory record with the raw fields both readers start from. */
export interface CentralRecord {
  index: number;
  /** Absolute offset of the record in the file. */
  offset: number;
  rawName: Uint8Array;
  name: string;
  madeBy: number;
  versionNeeded: number;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** As stored (after ZIP64), before any shift a reader applies. */
  localHeaderOffset: number;
  diskStart: number;
  externalAttr: number;
  /** The 32-bit size fields, which miniz's archive-level checks use. */
  compressedSize32: number;
  uncompressedSize32: number;
  localHeaderOffset32: number;
  /** An extra-field entry overruns the extra field: Python zipfile rejects the archive. */
  extraMalformed: boolean;
  /** A needed ZIP64 value is missing from the extra field: both readers fail on this entry. */
  zip64Missing: boolean;
}

export interface CentralReadOptions {
  /** Read exactly this many records (miniz); otherwise read until `size` is used up (Python). */
  count?: number;
  maxEntries: number;
  who: 'loader' | 'generic';
}

export interface CentralReadResult {
  records: CentralRecord[];
  anomalies: Anomaly[];
  /** Why reading stopped early, when it did. */
  stopped?: 'truncated' | 'corrupt' | 'limit';
}

const CHUNK = 1 << 20;

/**
 * Reads the central directory in bounded chunks, so a directory that claims gigabytes costs
 * only what is actually present.
 */
export async function readCentralRecords(
  reader: ByteReader,
  start: number,
  size: number,
  opts: CentralReadOptions,
): Promise<CentralReadResult> {
  const records: CentralRecord[] = [];
  const anomalies: Anomaly[] = [];
  const end = start + size;
  let buf: Uint8Array = new Uint8Array(0);
  let bufStart = start;
  let pos = start;

  const ensure = async (n: number): Promise<boolean> => {
    if (pos + n <= bufStart + buf.length) return true;
    const want = Math.min(Math.max(n, CHUNK), end - pos);
    buf = await readAt(reader, pos, want);
    bufStart = pos;
    return buf.length >= n;
  };

  const more = () => (opts.count !== undefined ? records.length < opts.count : pos < end);
  while (more()) {
    if (records.length >= opts.maxEntries) {
      return { records, anomalies, stopped: 'limit' };
    }
    const remaining = end - pos;
    if (remaining < CENTRAL_HEADER_SIZE) {
      anomalies.push(corrupt(opts.who, pos, records.length, 'the central directory ends inside a record header'));
      return { records, anomalies, stopped: 'corrupt' };
    }
    if (!(await ensure(CENTRAL_HEADER_SIZE))) {
      anomalies.push(truncated(pos, records.length));
      return { records, anomalies, stopped: 'truncated' };
    }
    let at = pos - bufStart;
    if (u32(buf, at) !== SIG_CENTRAL) {
      anomalies.push(corrupt(opts.who, pos, records.length, 'a central-directory record lacks its signature'));
      return { records, anomalies, stopped: 'corrupt' };
    }
    const nameLen = u16(buf, at + 28);
    const extraLen = u16(buf, at + 30);
    const commentLen = u16(buf, at + 32);
    const total = CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
    if (opts.count !== undefined && total > remaining) {
      anomalies.push(corrupt(opts.who, pos, records.length, 'a central-directory record overruns the declared directory size'));
      return { records, anomalies, stopped: 'corrupt' };
    }
    // Python slices name/extra/comment out of the directory bytes, so a record cut by the
    // declared size is read short rather than refused; past the end of the file nobody reads it.
    const available = Math.min(total, remaining);
    if (!(await ensure(available))) {
      anomalies.push(truncated(pos, records.length));
      return { records, anomalies, stopped: 'truncated' };
    }
    at = pos - bufStart;
    const record = decodeRecord(buf.subarray(at, at + available), records.length, pos, nameLen, extraLen);
    records.push(record);
    pos += total;
  }
  return { records, anomalies };
}

function decodeRecord(b: Uint8Array, index: number, offset: number, nameLen: number, extraLen: number): CentralRecord {
  const flags = u16(b, 8);
  const rawName = b.slice(CENTRAL_HEADER_SIZE, CENTRAL_HEADER_SIZE + nameLen);
  const extra = b.subarray(CENTRAL_HEADER_SIZE + nameLen, CENTRAL_HEADER_SIZE + nameLen + extraLen);
  const record: CentralRecord = {
    index,
    offset,
    rawName,
    name: decodeName(rawName, (flags & FLAG_UTF8) !== 0),
    madeBy: u16(b, 4),
    versionNeeded: u16(b, 6),
    flags,
    method: u16(b, 10),
    crc32: u32(b, 16),
    compressedSize: u32(b, 20),
    uncompressedSize: u32(b, 24),
    diskStart: u16(b, 34),
    externalAttr: u32(b, 38),
    localHeaderOffset: u32(b, 42),
    compressedSize32: u32(b, 20),
    uncompressedSize32: u32(b, 24),
    localHeaderOffset32: u32(b, 42),
    extraMalformed: false,
    zip64Missing: false,
  };
  applyZip64Extra(record, extra);
  return record;
}

/** Both readers take 8-byte values from extra id 0x0001 in this order, only for fields at 0xFFFFFFFF. */
function applyZip64Extra(record: CentralRecord, extra: Uint8Array): void {
  const needs = [record.uncompressedSize, record.compressedSize, record.localHeaderOffset].some((v) => v === U32_MAX);
  let at = 0;
  // Python ignores a tail shorter than a field header but rejects a field that overruns.
  while (extra.length - at >= 4) {
    const id = u16(extra, at);
    const len = u16(extra, at + 2);
    if (at + 4 + len > extra.length) {
      record.extraMalformed = true;
      break;
    }
    if (id === ZIP64_EXTRA_ID && needs) {
      let field = at + 4;
      const fieldEnd = at + 4 + len;
      const take = (): number | undefined => {
        if (field + 8 > fieldEnd) return undefined;
        const v = u64(extra, field);
        field += 8;
        return v;
      };
      if (record.uncompressedSize === U32_MAX) record.uncompressedSize = take() ?? markMissing(record, U32_MAX);
      if (record.compressedSize === U32_MAX) record.compressedSize = take() ?? markMissing(record, U32_MAX);
      if (record.localHeaderOffset === U32_MAX) record.localHeaderOffset = take() ?? markMissing(record, U32_MAX);
      return;
    }
    at += 4 + len;
  }
  if (needs) record.zip64Missing = true;
}

function markMissing(record: CentralRecord, fallback: number): number {
  record.zip64Missing = true;
  return fallback;
}

function corrupt(who: string, offset: number, index: number, message: string): Anomaly {
  return zipAnomaly('zip/corrupt-central-directory', message, { reader: who, recordIndex: index, offset }, offset);
}

function truncated(offset: number, index: number): Anomaly {
  return zipAnomaly('zip/truncated', 'the file ends inside the central directory', { recordIndex: index, offset }, offset);
}
