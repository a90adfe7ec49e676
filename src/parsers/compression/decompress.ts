/**
 * Opening a compressed stream for analysis: a first pass measures the decompressed size with
 * the caps enforced (size, ratio) and notes how the stream ends; the analysis then reads through
 * a windowed reader that decompresses again as it goes. Neither pass holds the output.
 */
import type { Anomaly, ByteReader } from '../../types.js';
import { archiveAnomaly } from '../archive/anomalies.js';
import { bzip2Stream } from './bzip2.js';
import { lz4Stream } from './lz4.js';
import { lzmaFileStream } from './lzma-file.js';
import type { CompressionKind, DecodeStream, OpenStream, StreamEnd } from './types.js';
import { streamReader, type StreamReader } from './window-reader.js';
import { gzipStream, zlibStream } from './zlib.js';

export interface DecompressionCaps {
  /** Stop once the output exceeds this many bytes. */
  maxBytes: number;
  /** Stop once output / compressed input consumed exceeds this (checked past RATIO_FLOOR bytes of output). */
  maxRatio: number;
}

/** Ratios are not judged on less output than this: tiny streams legitimately expand far. */
export const RATIO_FLOOR = 1 << 20;

export interface Measured {
  /** Decompressed bytes the analysis may read (the cap, when one stopped the pass). */
  size: number;
  end?: StreamEnd;
  limit?: { reason: 'maxBytes' | 'maxRatio'; consumed: number };
}

export interface Decompressed {
  /** The decompressed bytes (all, or those before a limit or an error); absent when nothing decompressed. */
  reader?: StreamReader;
  anomalies: Anomaly[];
  measured: Measured;
}

/** How the loader decodes each kind (see each decoder's module comment). */
export function openStream(reader: ByteReader, kind: CompressionKind): OpenStream {
  switch (kind) {
    case 'zlib':
      return () => zlibStream(reader);
    case 'gzip':
      return () => gzipStream(reader);
    case 'bz2':
      return () => bzip2Stream(reader);
    case 'xz':
    case 'lzma':
      return () => lzmaFileStream(reader);
    case 'lz4':
      return () => lz4Stream(reader);
  }
}

/** Pulls a stream to its end or a cap, counting. Only the reader's own errors propagate. */
export async function measure(stream: DecodeStream, caps: DecompressionCaps): Promise<Measured> {
  let size = 0;
  try {
    for (;;) {
      const chunk = await stream.next();
      if (!chunk) return stream.end ? { size, end: stream.end } : { size };
      if (size + chunk.length > caps.maxBytes) {
        return { size: caps.maxBytes, limit: { reason: 'maxBytes', consumed: stream.consumed } };
      }
      size += chunk.length;
      if (size > RATIO_FLOOR && size > caps.maxRatio * Math.max(1, stream.consumed)) {
        return { size, limit: { reason: 'maxRatio', consumed: stream.consumed } };
      }
    }
  } finally {
    stream.close();
  }
}

/** Anomalies for how a measured stream ended; `what` names the stream ("the gzip stream"). */
export function streamAnomalies(m: Measured, what: string, kind: string, caps: DecompressionCaps, fileSize: number, offset = 0): Anomaly[] {
  const out: Anomaly[] = [];
  const base = { compression: kind, inflated: m.size };
  if (m.limit?.reason === 'maxBytes') {
    out.push(archiveAnomaly('archive/decompression-limit', `${what} decompresses to more than ${caps.maxBytes} bytes: only the first ${m.size} are analysed`, offset, {
      ...base, limit: 'maxBytes', maxBytes: caps.maxBytes,
    }));
  } else if (m.limit?.reason === 'maxRatio') {
    out.push(archiveAnomaly('archive/decompression-bomb', `${what} expands more than ${caps.maxRatio} times (${m.size} bytes from ${m.limit.consumed}), a decompression bomb: only the first ${m.size} bytes are analysed`, offset, {
      ...base, limit: 'maxRatio', maxRatio: caps.maxRatio, consumed: m.limit.consumed,
    }));
  } else if (m.end?.state === 'truncated') {
    out.push(archiveAnomaly('archive/corrupt-compression', `${what} ends early (${m.end.message}): loading reads the ${m.size} bytes before the cut, which are analysed`, offset, {
      ...base, reason: 'truncated', error: m.end.message,
    }));
  } else if (m.end?.state === 'corrupt') {
    out.push(archiveAnomaly('archive/corrupt-compression', `${what} is corrupt (${m.end.message}): loading fails there, after the ${m.size} bytes before it, which are analysed`, m.end.offset ?? offset, {
      ...base, reason: 'corrupt', error: m.end.message,
    }));
  } else if (m.end?.state === 'unsupported') {
    out.push(archiveAnomaly('archive/unsupported-compression', `${what} uses a feature modelvet cannot decompress (${m.end.message}): ${m.size > 0 ? `only the first ${m.size} bytes are analysed` : 'its content is not analysed'}`, offset, {
      ...base, error: m.end.message,
    }));
  } else if (m.end?.state === 'complete' && m.end.end < fileSize) {
    out.push(archiveAnomaly('archive/trailing-data', `${fileSize - m.end.end} bytes follow the end of ${what}: the loader never reads them`, m.end.end, {
      compression: kind, length: fileSize - m.end.end,
    }));
  }
  return out;
}

/** Measures a compressed file and opens its content for analysis. */
export async function decompress(reader: ByteReader, kind: CompressionKind, caps: DecompressionCaps): Promise<Decompressed> {
  const open = openStream(reader, kind);
  const measured = await measure(open(), caps);
  const anomalies = streamAnomalies(measured, `the ${kind} stream`, kind, caps, reader.size);
  const empty = measured.size === 0 && measured.end?.state !== 'complete';
  return empty ? { anomalies, measured } : { reader: streamReader(open, measured.size), anomalies, measured };
}
