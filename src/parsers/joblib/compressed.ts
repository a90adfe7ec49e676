/**
 * Compressed joblib files: `joblib.dump(compress=…)` compresses the whole pickle stream (inline
 * arrays included) and `joblib.load` picks the decompressor by the file's first bytes
 * (joblib/numpy_pickle_utils.py `_detect_compressor`). zlib and gzip are inflated here with
 * `node:zlib`, chunk by chunk, with the size and ratio caps enforced while inflating. bz2,
 * lzma/xz and lz4 have no Node built-in (and no decoder is installed): they are reported as
 * unsupported, which fails closed.
 *
 * joblib reads zlib/gzip with `zlib.decompressobj(wbits)`: one stream (one gzip member) only,
 * bytes after it never reach the unpickler, and a stream cut short yields what was inflated
 * without an error. This module does the same and reports the differences.
 *
 * The inflated bytes are held in memory (up to `maxBytes`) and handed out as a ByteReader.
 * Future work: feed the pickle engine from the inflater as a stream instead.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';

export type JoblibCompression = 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

export interface DecompressionCaps {
  /** Stop once the output exceeds this many bytes. */
  maxBytes: number;
  /** Stop once output / compressed input consumed exceeds this (checked past the first MiB of output). */
  maxRatio: number;
}

export interface DecompressResult {
  /** The inflated bytes: all of them, or those before a limit, corruption or truncation. */
  reader?: ByteReader;
  anomalies: Anomaly[];
}

/** Ratios are not judged on less output than this: tiny streams legitimately inflate far. */
const RATIO_FLOOR = 1 << 20;
const IN_CHUNK = 64 * 1024;

/**
 * The compression joblib.load would apply, by magic bytes. zlib only with a valid header
 * (CM = 8, 32 KiB window, (CMF·256 + FLG) % 31 = 0, no preset dictionary), where joblib takes
 * any file starting with 'x' (and then fails at once on an invalid header). bz2 needs 'BZh', where
 * joblib needs 'BZ' (and then fails at once without the 'h').
 */
export function detectCompression(head: Uint8Array): JoblibCompression | null {
  const b = (i: number) => head[i];
  // No preset dictionary either: joblib's decompressobj has none to give, so it fails on the first block.
  if (b(0) === 0x78 && head.length >= 2 && ((0x78 << 8) | b(1)!) % 31 === 0 && !(b(1)! & 0x20)) return 'zlib';
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68) return 'bz2';
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0x00) return 'xz';
  // joblib's own lzma-alone prefix (properties 0x5D, then the dictionary size's low byte): any
  // dictionary size decodes, so nothing stricter – this one is unsupported and fails closed anyway.
  if (b(0) === 0x5d && b(1) === 0x00) return 'lzma';
  if (b(0) === 0x04 && b(1) === 0x22 && b(2) === 0x4d && b(3) === 0x18) return 'lz4';
  return null;
}


/** Decompresses a whole joblib file into a reader over the pickle stream. Only the reader's own errors propagate. */
export async function decompressToReader(reader: ByteReader, kind: JoblibCompression, caps: DecompressionCaps): Promise<DecompressResult> {
  switch (kind) {
    case 'zlib':
      return inflateZlib(reader, caps);
    case 'gzip':
      return inflateGzip(reader, caps);
    default:
      return {
        anomalies: [
          anomaly('archive/unsupported-compression', `${kind}-compressed joblib data cannot be decompressed here: its pickle is not analysed`, 0, { compression: kind }),
        ],
      };
  }
}

interface InflateRun {
  chunks: Uint8Array[];
  total: number;
  /** Compressed bytes the inflater consumed (its stream ends there). */
  consumed: number;
  complete: boolean;
  limit?: { reason: 'maxBytes' | 'maxRatio'; fed: number };
  error?: { code: string; message: string };
  crc: number;
}

class Stop extends Error {}

async function inflate(reader: ByteReader, from: number, make: () => zlib.Inflate | zlib.InflateRaw, caps: DecompressionCaps): Promise<InflateRun> {
  const run: InflateRun = { chunks: [], total: 0, consumed: 0, complete: false, crc: 0 };
  let fed = 0;
  async function* input(): AsyncGenerator<Uint8Array> {
    for (let at = from; at < reader.size; ) {
      const chunk = await reader.read(at, Math.min(IN_CHUNK, reader.size - at));
      if (chunk.length === 0) return;
      at += chunk.length;
      fed += chunk.length;
      yield chunk;
    }
  }
  const inflater = make();
  let readerError: unknown;
  const source = Readable.from(
    (async function* () {
      try {
        yield* input();
      } catch (err) {
        readerError = err;
        throw err;
      }
    })(),
  );
  try {
    await pipeline(source, inflater, async (out: AsyncIterable<Buffer>) => {
      for await (const buf of out) {
        let chunk = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
        if (run.total + chunk.length > caps.maxBytes) {
          chunk = chunk.subarray(0, Math.max(0, caps.maxBytes - run.total));
          run.limit = { reason: 'maxBytes', fed };
        } else if (run.total + chunk.length > RATIO_FLOOR && run.total + chunk.length > caps.maxRatio * Math.max(1, fed)) {
          run.limit = { reason: 'maxRatio', fed };
        }
        if (chunk.length > 0) {
          run.chunks.push(chunk);
          run.total += chunk.length;
          run.crc = zlib.crc32(chunk, run.crc);
        }
        if (run.limit) throw new Stop();
      }
    });
    run.complete = true;
  } catch (err) {
    if (readerError !== undefined) throw readerError;
    if (!run.limit && !(err instanceof Stop)) {
      const code = (err as { code?: unknown })?.code;
      if (typeof code !== 'string' || !(code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE')) throw err;
      run.error = { code, message: (err as Error).message };
    }
  }
  run.consumed = inflater.bytesWritten;
  return run;
}

function finish(run: InflateRun, kind: 'zlib' | 'gzip', streamStart: number, anomalies: Anomaly[], caps: DecompressionCaps): ByteReader {
  if (run.limit) {
    const what = run.limit.reason === 'maxBytes' ? `more than ${caps.maxBytes} bytes` : `more than ${caps.maxRatio} times the ${run.limit.fed} compressed bytes read`;
    anomalies.push(
      anomaly('archive/decompression-limit', `the ${kind} stream inflates to ${what}: only the first ${run.total} bytes are analysed`, streamStart, {
        compression: kind,
        limit: run.limit.reason,
        inflated: run.total,
        maxBytes: caps.maxBytes,
        maxRatio: caps.maxRatio,
      }),
    );
  } else if (run.error) {
    const truncated = run.error.code === 'Z_BUF_ERROR';
    anomalies.push(
      anomaly(
        'archive/corrupt-compression',
        truncated
          ? `the ${kind} stream ends early (joblib.load reads what inflates without an error): ${run.total} bytes inflated`
          : `the ${kind} stream is corrupt (${run.error.message}): joblib.load fails there; the ${run.total} bytes inflated before are analysed`,
        streamStart,
        { compression: kind, reason: truncated ? 'truncated' : 'corrupt', error: run.error.message, inflated: run.total },
      ),
    );
  }
  return chunkedReader(run.chunks, run.total);
}

async function inflateZlib(reader: ByteReader, caps: DecompressionCaps): Promise<DecompressResult> {
  const anomalies: Anomaly[] = [];
  const run = await inflate(reader, 0, () => zlib.createInflate(), caps);
  const out = finish(run, 'zlib', 0, anomalies, caps);
  if (run.complete && run.consumed < reader.size) trailing(anomalies, 'zlib', run.consumed, reader.size);
  return { reader: out, anomalies };
}

const FTEXT_FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
/** Longest gzip header (file name, comment, extra field) looked at. */
const MAX_GZIP_HEADER = 1 << 20;

/** gzip: the header parsed here, the deflate body inflated raw, then the CRC-32/ISIZE trailer – one member, as joblib reads it. */
async function inflateGzip(reader: ByteReader, caps: DecompressionCaps): Promise<DecompressResult> {
  const anomalies: Anomaly[] = [];
  const header = await gzipHeaderLength(reader);
  if (typeof header === 'string') {
    const truncated = header.startsWith('truncated');
    anomalies.push(anomaly('archive/corrupt-compression', `the gzip header is invalid (${header}): joblib.load fails on it`, 0, { compression: 'gzip', reason: truncated ? 'truncated' : 'corrupt', error: header }));
    return { anomalies };
  }
  const run = await inflate(reader, header, () => zlib.createInflateRaw(), caps);
  const out = finish(run, 'gzip', 0, anomalies, caps);
  if (run.complete) {
    const end = header + run.consumed;
    const t = await reader.read(end, 8);
    if (t.length < 8) {
      anomalies.push(anomaly('archive/corrupt-compression', `the gzip member ends without its CRC-32/size trailer (joblib.load reads it without an error)`, end, { compression: 'gzip', reason: 'truncated', inflated: run.total }));
    } else {
      const crc = (t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24)) >>> 0;
      const isize = (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24)) >>> 0;
      if (crc !== run.crc >>> 0 || isize !== run.total % 2 ** 32) {
        anomalies.push(
          anomaly('archive/corrupt-compression', `the gzip trailer does not match the data (${crc !== run.crc >>> 0 ? 'CRC-32' : 'size'}): joblib.load fails at the end of the stream`, end, {
            compression: 'gzip',
            reason: 'corrupt',
            error: crc !== run.crc >>> 0 ? 'incorrect data check' : 'incorrect length check',
            inflated: run.total,
          }),
        );
      }
      if (end + 8 < reader.size) trailing(anomalies, 'gzip', end + 8, reader.size);
    }
  }
  return { reader: out, anomalies };
}

/** Length of the gzip member header, or why it is invalid (zlib's own checks). */
async function gzipHeaderLength(reader: ByteReader): Promise<number | string> {
  const h = await reader.read(0, 10);
  if (h.length < 10) return 'truncated header';
  if (h[0] !== 0x1f || h[1] !== 0x8b) return 'not a gzip header';
  if (h[2] !== 8) return `unknown compression method ${h[2]}`;
  const flg = h[3]!;
  if (flg & 0xe0) return 'unknown header flags set';
  let pos = 10;
  if (flg & FEXTRA) {
    const x = await reader.read(pos, 2);
    if (x.length < 2) return 'truncated header';
    pos += 2 + (x[0]! | (x[1]! << 8));
    if (pos > reader.size) return 'truncated header';
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flg & flag)) continue;
    const end = await findZero(reader, pos);
    if (end < 0) return 'truncated header';
    pos = end + 1;
  }
  if (flg & FTEXT_FHCRC) {
    const c = await reader.read(pos, 2);
    if (c.length < 2) return 'truncated header';
    const whole = await reader.read(0, pos);
    if ((zlib.crc32(whole) & 0xffff) !== (c[0]! | (c[1]! << 8))) return 'header crc mismatch';
    pos += 2;
  }
  if (pos > MAX_GZIP_HEADER) return 'header too long to analyse';
  return pos;
}

async function findZero(reader: ByteReader, from: number): Promise<number> {
  for (let pos = from; pos < Math.min(reader.size, MAX_GZIP_HEADER); pos += 4096) {
    const chunk = await reader.read(pos, 4096);
    if (chunk.length === 0) break;
    const i = chunk.indexOf(0);
    if (i >= 0) return pos + i;
  }
  return -1;
}

function trailing(anomalies: Anomaly[], kind: string, from: number, size: number): void {
  anomalies.push(
    anomaly('archive/trailing-data', `${size - from} bytes follow the end of the ${kind} stream: joblib.load never reads them`, from, { compression: kind, length: size - from }),
  );
}

/** A reader over inflated chunks, without concatenating them. */
export function chunkedReader(chunks: Uint8Array[], total: number): ByteReader {
  const starts: number[] = [];
  let acc = 0;
  for (const c of chunks) {
    starts.push(acc);
    acc += c.length;
  }
  const find = (offset: number): number => {
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    size: total,
    async read(offset, length) {
      if (offset >= total || length <= 0 || offset < 0) return new Uint8Array(0);
      const end = Math.min(total, offset + length);
      let i = find(offset);
      const first = chunks[i]!;
      const rel = offset - starts[i]!;
      if (end - starts[i]! <= first.length) return first.subarray(rel, rel + (end - offset));
      const out = new Uint8Array(end - offset);
      let w = 0;
      for (let pos = offset; pos < end; i++) {
        const c = chunks[i]!;
        const r = pos - starts[i]!;
        const take = Math.min(c.length - r, end - pos);
        out.set(c.subarray(r, r + take), w);
        w += take;
        pos += take;
      }
      return out;
    },
  };
}
