import { crc32 } from 'node:zlib';
import type { Anomaly, ByteReader } from '../../types.js';
import { bufferReader, sliceReader } from '../../sources/readers.js';
import { zipAnomaly } from './anomalies.js';
import { readAt } from './bytes.js';
import { DEFAULT_MAX_MEMBER_BYTES, METHOD_DEFLATE, METHOD_STORED } from './constants.js';
import { ZipLimitError, ZipMemberError } from './errors.js';
import { inflateRange } from './inflate.js';
import { measure, rawDeflateStream, streamReader } from '../compression/index.js';
import type { OpenedMember, ZipEntry } from './types.js';

/** Deflated members up to this size are inflated into memory; larger ones are streamed. */
export const IN_MEMORY_LIMIT = 8 * 1024 * 1024;

export interface OpenMemberOptions {
  /** Most bytes a deflated member may inflate to (default 64 MiB); beyond, ZipLimitError. */
  maxBytes?: number;
}

/**
 * Opens a member's bytes as the loader would see them: stored members are a window on the
 * archive (no copy), deflated ones are inflated (in memory when small, through a streaming
 * reader past IN_MEMORY_LIMIT) up to `maxBytes`. Throws
 * ZipLimitError past the budget and ZipMemberError for unsupported methods or corrupt
 * deflate data; a size that differs from the declared one is not an error here (see
 * openMemberChecked).
 */
export async function openMember(reader: ByteReader, entry: ZipEntry, opts: OpenMemberOptions = {}): Promise<ByteReader> {
  const opened = await openMemberChecked(reader, entry, opts);
  const broken = opened.anomalies?.find((a) => a.code === 'zip/inflate-error' && a.detail?.corrupt === true);
  if (broken) throw new ZipMemberError('zip/inflate-error', broken.message, entry, broken.detail);
  return opened.reader;
}

/** Like openMember, but reports corrupt or mis-sized deflate data as anomalies next to the bytes it got. */
export async function openMemberChecked(reader: ByteReader, entry: ZipEntry, opts: OpenMemberOptions = {}): Promise<OpenedMember> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  const available = Math.max(0, Math.min(entry.compressedSize, reader.size - entry.dataOffset));
  // miniz returns an empty member without reading when there are no compressed bytes.
  if (entry.compressedSize === 0) return { entry, reader: bufferReader(new Uint8Array(0)), anomalies: [] };
  if (entry.method === METHOD_STORED) {
    const anomalies: Anomaly[] = [];
    if (available < entry.compressedSize) anomalies.push(truncatedData(entry, available));
    return { entry, reader: sliceReader(reader, Math.max(0, entry.dataOffset), available), anomalies };
  }
  if (entry.method !== METHOD_DEFLATE) {
    throw new ZipMemberError('zip/unsupported-method', `member ${JSON.stringify(entry.name)} uses compression method ${entry.method}`, entry, { method: entry.method });
  }

  // Small members are inflated into memory; past IN_MEMORY_LIMIT the member is read through a
  // streaming reader instead, so memory stays flat whatever the member (or its lying header) says.
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooBig = false;
  const inMemory = Math.min(maxBytes, IN_MEMORY_LIMIT);
  const outcome = await inflateRange(reader, entry.dataOffset, available, (chunk) => {
    if (total + chunk.length > inMemory) {
      tooBig = true;
      return false;
    }
    chunks.push(chunk.slice());
    total += chunk.length;
    return true;
  });
  if (tooBig) {
    if (maxBytes <= IN_MEMORY_LIMIT) throw new ZipLimitError(entry, maxBytes);
    return openStreaming(reader, entry, available, maxBytes);
  }

  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const anomalies = inflateAnomalies(entry, total, outcome.error ?? (outcome.complete ? undefined : 'stream ends early'));
  if (available < entry.compressedSize) anomalies.push(truncatedData(entry, available));
  return { entry, reader: bufferReader(bytes), anomalies };
}

/** A large deflated member: measured in a first streaming pass (caps, size check), then read through a window. */
async function openStreaming(reader: ByteReader, entry: ZipEntry, available: number, maxBytes: number): Promise<OpenedMember> {
  const open = () => rawDeflateStream(reader, entry.dataOffset, available);
  const m = await measure(open(), { maxBytes, maxRatio: Infinity });
  if (m.limit) throw new ZipLimitError(entry, maxBytes);
  const error = m.end?.state === 'complete' ? undefined : m.end?.state === 'truncated' ? 'stream ends early' : (m.end?.message ?? 'stream ends early');
  const anomalies = inflateAnomalies(entry, m.size, error);
  if (available < entry.compressedSize) anomalies.push(truncatedData(entry, available));
  return { entry, reader: streamReader(open, m.size), anomalies };
}

function inflateAnomalies(entry: ZipEntry, total: number, error: string | undefined): Anomaly[] {
  if (error !== undefined) {
    return [zipAnomaly('zip/inflate-error', `the deflate data of ${JSON.stringify(entry.name)} is corrupt: ${error}`, {
      name: entry.name, index: entry.index, error: error === 'stream ends early' ? 'incomplete' : error, inflated: total, corrupt: true,
    }, entry.dataOffset)];
  }
  if (total !== entry.uncompressedSize) {
    return [zipAnomaly('zip/inflate-error', `member ${JSON.stringify(entry.name)} inflates to ${total} bytes, not the declared ${entry.uncompressedSize}: miniz fails, Python zipfile stops at the declared size`, {
      name: entry.name, index: entry.index, inflated: total, declared: entry.uncompressedSize, corrupt: false,
    }, entry.dataOffset)];
  }
  return [];
}

/**
 * CRC-32 of the member's uncompressed bytes (the first `uncompressedSize` of them), streamed in
 * chunks. Callers use it for small members only: tensor data is never hashed this way.
 */
export async function computeCrc(reader: ByteReader, entry: ZipEntry, opts: OpenMemberOptions = {}): Promise<number> {
  const want = entry.uncompressedSize;
  let crc = 0;
  if (entry.compressedSize === 0) return 0;
  if (entry.method === METHOD_STORED) {
    const end = Math.min(entry.dataOffset + Math.min(entry.compressedSize, want), reader.size);
    for (let at = Math.max(0, entry.dataOffset); at < end; ) {
      const chunk = await readAt(reader, at, Math.min(1 << 20, end - at));
      if (chunk.length === 0) break;
      crc = crc32(chunk, crc);
      at += chunk.length;
    }
    return crc >>> 0;
  }
  if (entry.method !== METHOD_DEFLATE) {
    throw new ZipMemberError('zip/unsupported-method', `member ${JSON.stringify(entry.name)} uses compression method ${entry.method}`, entry, { method: entry.method });
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  let seen = 0;
  let overLimit = false;
  const available = Math.max(0, Math.min(entry.compressedSize, reader.size - entry.dataOffset));
  await inflateRange(reader, entry.dataOffset, available, (chunk) => {
    const take = Math.min(chunk.length, want - seen);
    if (seen + take > maxBytes) {
      overLimit = true;
      return false;
    }
    if (take > 0) crc = crc32(chunk.subarray(0, take), crc);
    seen += take;
    return seen < want;
  });
  if (overLimit) throw new ZipLimitError(entry, maxBytes);
  return crc >>> 0;
}

/** Whether the member's bytes match the CRC-32 the central directory records. */
export async function checkCrc(reader: ByteReader, entry: ZipEntry, opts: OpenMemberOptions = {}): Promise<boolean> {
  return (await computeCrc(reader, entry, opts)) === entry.crc32 >>> 0;
}

/** The `zip/bad-crc` anomaly for a member whose bytes hash to `actual`. */
export function badCrcAnomaly(entry: ZipEntry, actual: number): Anomaly {
  return zipAnomaly('zip/bad-crc', `member ${JSON.stringify(entry.name)} fails its CRC-32 check: PyTorch loads it anyway, Python zipfile raises`, {
    name: entry.name,
    index: entry.index,
    expected: entry.crc32 >>> 0,
    actual: actual >>> 0,
    loader: 'ignores',
    generic: 'refuses-member',
  }, entry.dataOffset);
}

function truncatedData(entry: ZipEntry, available: number): Anomaly {
  return zipAnomaly('zip/truncated', `the data of ${JSON.stringify(entry.name)} is cut short by the end of the file`, {
    name: entry.name, index: entry.index, compressedSize: entry.compressedSize, available,
  }, entry.dataOffset);
}
