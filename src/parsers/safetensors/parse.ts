/**
 * Reads a safetensors file as the crate's `SafeTensors::read_metadata` does: the u64 header
 * length, then the header in ONE ranged read. The data section is never read: every check on it
 * needs only its length.
 */
import { isUtf8 } from 'node:buffer';
import type { Anomaly, ByteReader } from '../../types.js';
import { AnomalyList } from './collector.js';
import { ADVICE_CODES, CODES } from './codes.js';
import { checkHeader, type HeaderCheck } from './header.js';
import { DEFAULT_JSON_LIMITS, parseStrictJson } from './json.js';
import type { SafetensorsInfo, SafetensorsTensor } from './types.js';
import { firstInvalidUtf8 } from './utf8.js';

/** The crate's MAX_HEADER_SIZE: a longer header is refused before it is read. */
export const MAX_HEADER_SIZE = 100_000_000;
/** Most tensors listed in the artifact (all are validated). */
export const MAX_LISTED_TENSORS = 10_000;
const PREFIX = 8;

export interface SafetensorsLimits {
  /** Largest header read; the caller passes `min(options.maxJsonBytes, MAX_HEADER_SIZE)`. */
  maxHeaderBytes: number;
}

export interface SafetensorsParse {
  info: SafetensorsInfo;
  anomalies: Anomaly[];
  /** Every tensor name the loader would see (not capped), for comparing shards with an index. */
  tensorNames: string[];
  /** True when the header could be read and parsed as JSON (its tensors may still be invalid). */
  headerRead: boolean;
}

function emptyInfo(headerLength: number, dataLength: number): SafetensorsInfo {
  return { headerLength, tensorCount: 0, dtypes: [], metadata: Object.create(null) as Record<string, string>, tensors: [], dataLength };
}

function toInfo(check: HeaderCheck, headerLength: number, dataLength: number, valid: boolean): SafetensorsInfo {
  const byOffset = [...check.tensors].sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0));
  const listed: SafetensorsTensor[] = byOffset.slice(0, MAX_LISTED_TENSORS).map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.map(Number), begin: Number(t.begin), end: Number(t.end) }));
  const info: SafetensorsInfo = {
    headerLength,
    tensorCount: check.names.length,
    dtypes: [...new Set(check.tensors.map((t) => t.dtype))].sort(),
    metadata: check.metadata,
    tensors: listed,
    dataLength,
  };
  if (valid) info.parameterCount = Number(check.tensors.reduce((sum, t) => sum + (t.elements ?? 0n), 0n));
  if (byOffset.length > MAX_LISTED_TENSORS) info.tensorsTruncated = true;
  if (check.metadataTruncated) info.metadataTruncated = true;
  return info;
}

/** Parses the header of a safetensors file; every violation becomes an anomaly, nothing throws for bad bytes. */
export async function parseSafetensors(reader: ByteReader, limits: SafetensorsLimits): Promise<SafetensorsParse> {
  const out = new AnomalyList();
  const size = reader.size;
  const fail = (headerLength: number): SafetensorsParse => ({ info: emptyInfo(headerLength, Math.max(0, size - PREFIX - headerLength)), anomalies: out.done(), tensorNames: [], headerRead: false });

  if (size < PREFIX) {
    out.add(CODES.fileTooSmall, `not a valid safetensors file: it is ${size} bytes, shorter than the 8-byte header length, so safetensors refuses to load it`, 0, { size });
    return fail(0);
  }
  const prefix = await reader.read(0, PREFIX);
  if (prefix.length < PREFIX) {
    out.add(CODES.fileTooSmall, `not a valid safetensors file: only ${prefix.length} of its first 8 bytes could be read`, 0, { size });
    return fail(0);
  }
  const declared = new DataView(prefix.buffer, prefix.byteOffset, PREFIX).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_SIZE)) {
    out.add(CODES.headerTooLarge, `not a valid safetensors file: its first 8 bytes give a header length of ${declared} bytes, more than the ${MAX_HEADER_SIZE} safetensors accepts, so it refuses to load it`, 0, { headerLength: String(declared), size });
    return fail(0);
  }
  const headerLength = Number(declared);
  if (PREFIX + headerLength > size) {
    out.add(CODES.headerLength, `not a valid safetensors file: its header length of ${headerLength} bytes runs past the end of the ${size}-byte file, so safetensors refuses to load it`, 0, { headerLength, size });
    return fail(0);
  }
  const dataLength = size - PREFIX - headerLength;
  if (headerLength > limits.maxHeaderBytes) {
    out.add(CODES.headerOverLimit, `the ${headerLength}-byte header is larger than the ${limits.maxHeaderBytes}-byte limit for JSON documents, so the file was not analysed`, 0, { headerLength, limit: limits.maxHeaderBytes });
    return fail(headerLength);
  }

  const bytes = await reader.read(PREFIX, headerLength);
  if (bytes.length < headerLength) {
    out.add(CODES.headerLength, `not a valid safetensors file: only ${bytes.length} of its ${headerLength} header bytes could be read`, PREFIX, { headerLength, read: bytes.length });
    return fail(headerLength);
  }
  if (!isUtf8(bytes)) {
    const at = PREFIX + Math.max(0, firstInvalidUtf8(bytes));
    out.add(CODES.invalidUtf8, `not a valid safetensors file: the header is not valid UTF-8 (byte ${at}), so safetensors refuses to load it`, at);
    return fail(headerLength);
  }
  const parsed = parseStrictJson(bytes, DEFAULT_JSON_LIMITS);
  if (!parsed.ok && parsed.limit) {
    out.add(CODES.headerOverLimit, `the header holds ${parsed.message}, more than modelvet holds in memory, so the file was not analysed`, PREFIX + parsed.at, { limit: DEFAULT_JSON_LIMITS.maxValues });
    return fail(headerLength);
  }
  if (!parsed.ok) {
    out.add(CODES.invalidJson, `not a valid safetensors file: the header is not valid JSON (${parsed.message} at byte ${PREFIX + parsed.at}), so safetensors refuses to load it`, PREFIX + parsed.at);
    return fail(headerLength);
  }
  if (parsed.start > 0) {
    out.add(CODES.headerStart, `the header starts with whitespace instead of "{": safetensors accepts it, but the format requires "{" first, so other readers may reject the file or read it differently`, PREFIX);
  }
  for (let i = parsed.end; i < bytes.length; i++) {
    if (bytes[i] !== 0x20) {
      out.add(CODES.headerPadding, `the header is padded with byte 0x${bytes[i]!.toString(16).padStart(2, '0')} where the format allows only spaces (0x20): safetensors accepts it, other readers may not`, PREFIX + i);
      break;
    }
  }

  const check = checkHeader(parsed.value, parsed.duplicates, parsed.duplicateCount, dataLength, PREFIX, out);
  const anomalies = out.done();
  const valid = anomalies.every((a) => ADVICE_CODES.has(a.code));
  return { info: toInfo(check, headerLength, dataLength, valid), anomalies, tensorNames: check.names, headerRead: true };
}
