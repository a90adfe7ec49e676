/**
 * zlib and gzip through node:zlib, as joblib reads them (`zlib.decompressobj`): one zlib stream
 * or one gzip member; bytes after it never reach the unpickler, and a stream cut short yields
 * what was inflated. Output is pulled chunk by chunk, so inflating stops when the reader stops.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { ByteReader } from '../../types.js';
import type { DecodeStream, StreamEnd } from './types.js';

const IN_CHUNK = 64 * 1024;
const OUT_CHUNK = 64 * 1024;

type Inflater = zlib.Inflate | zlib.InflateRaw;

interface InflateStream extends DecodeStream {
  /** CRC-32 of the output so far (gzip's trailer check). */
  readonly crc: number;
  readonly produced: number;
}

/** Inflates `[from, to)` with a fresh inflater; `end.end` is where the deflate data ended. */
function inflateStream(reader: ByteReader, from: number, to: number, make: () => Inflater): InflateStream {
  let end: StreamEnd | undefined;
  let readerError: unknown;
  let crc = 0;
  let produced = 0;
  const inflater = make();
  const source = Readable.from(
    (async function* () {
      try {
        for (let at = from; at < to; ) {
          const chunk = await reader.read(at, Math.min(IN_CHUNK, to - at));
          if (chunk.length === 0) return;
          at += chunk.length;
          yield chunk;
        }
      } catch (err) {
        readerError = err;
        throw err;
      }
    })(),
  );
  source.on('error', (err) => inflater.destroy(err));
  // Errors reach the iterator; these keep one raised after the consumer stopped from going unhandled.
  inflater.on('error', () => undefined);
  // Once the deflate data ended, the rest of the input is not wanted.
  inflater.on('end', () => source.destroy());
  source.pipe(inflater);
  const it = inflater[Symbol.asyncIterator]();
  const close = () => {
    source.destroy();
    inflater.destroy();
  };
  return {
    get consumed() {
      return inflater.bytesWritten;
    },
    get end() {
      return end;
    },
    get crc() {
      return crc;
    },
    get produced() {
      return produced;
    },
    close() {
      end ??= { state: 'corrupt', message: 'closed' };
      close();
    },
    async next() {
      if (end) return null;
      try {
        const r = await it.next();
        if (r.done) {
          end = { state: 'complete', end: from + inflater.bytesWritten };
          return null;
        }
        const buf = r.value as Buffer;
        const chunk = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
        crc = zlib.crc32(chunk, crc);
        produced += chunk.length;
        return chunk;
      } catch (err) {
        close();
        if (readerError !== undefined) throw readerError;
        const code = (err as { code?: unknown })?.code;
        if (code === 'Z_BUF_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') end = { state: 'truncated', message: 'unexpected end of file' };
        else if (typeof code === 'string' && code.startsWith('Z_')) end = { state: 'corrupt', message: (err as Error).message };
        else throw err;
        return null;
      }
    },
  };
}

/** A zlib stream (joblib 'zlib'). */
export function zlibStream(reader: ByteReader, start = 0): DecodeStream {
  return inflateStream(reader, start, reader.size, () => zlib.createInflate({ chunkSize: OUT_CHUNK }));
}

/** Raw deflate data of a known length (a zip member). */
export function rawDeflateStream(reader: ByteReader, start: number, length: number): DecodeStream {
  return inflateStream(reader, start, Math.min(reader.size, start + length), () => zlib.createInflateRaw({ chunkSize: OUT_CHUNK }));
}

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
/** Longest gzip header (file name, comment, extra field) looked at. */
const MAX_GZIP_HEADER = 1 << 20;

/** One gzip member (joblib 'gzip'): the header parsed here, the body inflated raw, then the CRC-32/ISIZE trailer. */
export function gzipStream(reader: ByteReader, start = 0): DecodeStream {
  let body: InflateStream | undefined;
  let end: StreamEnd | undefined;
  let headerEnd = start;
  return {
    get consumed() {
      return headerEnd - start + (body?.consumed ?? 0);
    },
    get end() {
      return end;
    },
    close() {
      end ??= { state: 'corrupt', message: 'closed' };
      body?.close();
    },
    async next() {
      if (end) return null;
      if (!body) {
        const header = await gzipHeaderLength(reader, start);
        if (typeof header === 'string') {
          end = header.startsWith('truncated') ? { state: 'truncated', message: header } : { state: 'corrupt', message: header, offset: start };
          return null;
        }
        headerEnd = start + header;
        body = inflateStream(reader, headerEnd, reader.size, () => zlib.createInflateRaw({ chunkSize: OUT_CHUNK }));
      }
      const chunk = await body.next();
      if (chunk) return chunk;
      const bodyEnd = body.end!;
      if (bodyEnd.state !== 'complete') {
        end = bodyEnd;
        return null;
      }
      const t = await reader.read(bodyEnd.end, 8);
      if (t.length < 8) {
        end = { state: 'truncated', message: 'the gzip member ends without its CRC-32/size trailer' };
        return null;
      }
      const crc = (t[0]! | (t[1]! << 8) | (t[2]! << 16) | (t[3]! << 24)) >>> 0;
      const isize = (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24)) >>> 0;
      if (crc !== body.crc >>> 0) end = { state: 'corrupt', message: 'incorrect data check', offset: bodyEnd.end };
      else if (isize !== body.produced % 2 ** 32) end = { state: 'corrupt', message: 'incorrect length check', offset: bodyEnd.end + 4 };
      else end = { state: 'complete', end: bodyEnd.end + 8 };
      return null;
    },
  };
}

/** Length of the gzip member header, or why it is invalid (zlib's own checks). */
async function gzipHeaderLength(reader: ByteReader, start: number): Promise<number | string> {
  const h = await reader.read(start, 10);
  if (h.length < 10) return 'truncated header';
  if (h[0] !== 0x1f || h[1] !== 0x8b) return 'not a gzip header';
  if (h[2] !== 8) return `unknown compression method ${h[2]}`;
  const flg = h[3]!;
  if (flg & 0xe0) return 'unknown header flags set';
  let pos = start + 10;
  if (flg & FEXTRA) {
    const x = await reader.read(pos, 2);
    if (x.length < 2) return 'truncated header';
    pos += 2 + (x[0]! | (x[1]! << 8));
    if (pos > reader.size) return 'truncated header';
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flg & flag)) continue;
    const zero = await findZero(reader, pos, start + MAX_GZIP_HEADER);
    if (zero < 0) return pos - start >= MAX_GZIP_HEADER ? 'header too long to analyse' : 'truncated header';
    pos = zero + 1;
  }
  if (flg & FHCRC) {
    const c = await reader.read(pos, 2);
    if (c.length < 2) return 'truncated header';
    if (pos - start > MAX_GZIP_HEADER) return 'header too long to analyse';
    const whole = await reader.read(start, pos - start);
    if ((zlib.crc32(whole) & 0xffff) !== (c[0]! | (c[1]! << 8))) return 'header crc mismatch';
    pos += 2;
  }
  if (pos - start > MAX_GZIP_HEADER) return 'header too long to analyse';
  return pos - start;
}

async function findZero(reader: ByteReader, from: number, limit: number): Promise<number> {
  for (let pos = from; pos < Math.min(reader.size, limit); pos += 4096) {
    const chunk = await reader.read(pos, 4096);
    if (chunk.length === 0) break;
    const i = chunk.indexOf(0);
    if (i >= 0) return pos + i;
  }
  return -1;
}
