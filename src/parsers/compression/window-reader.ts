import type { ByteReader } from '../../types.js';
import type { OpenStream } from './types.js';

/** Decompressed bytes kept behind the furthest read: small backward steps cost nothing. */
export const DEFAULT_WINDOW = 4 * 1024 * 1024;

export interface StreamReaderStats {
  /** How often a read behind the window restarted decompression from the start. */
  restarts: number;
  /** Most decompressed bytes held in the window at once. */
  maxWindowBytes: number;
  /** Decompressed bytes produced, over all passes. */
  decoded: number;
}

export interface StreamReader extends ByteReader {
  readonly stats: StreamReaderStats;
}

interface Chunk {
  start: number;
  bytes: Uint8Array;
}

/**
 * A ByteReader over a decompressing stream whose decompressed size is known: reads forward are
 * served from a sliding window as the stream is pulled, a read behind the window restarts the
 * decompression (correct, slower). Memory is the window plus what a read asks for, whatever
 * the decompressed size. Reads are served one at a time.
 */
export function streamReader(open: OpenStream, size: number, window = DEFAULT_WINDOW): StreamReader {
  let stream = open();
  let pos = 0;
  let chunks: Chunk[] = [];
  let held = 0;
  const stats: StreamReaderStats = { restarts: 0, maxWindowBytes: 0, decoded: 0 };
  let queue: Promise<unknown> = Promise.resolve();

  const restart = () => {
    stream.close();
    stream = open();
    pos = 0;
    chunks = [];
    held = 0;
    stats.restarts++;
  };

  const trim = () => {
    while (chunks.length > 1 && held - chunks[0]!.bytes.length >= window) held -= chunks.shift()!.bytes.length;
  };

  async function read(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= size || length <= 0 || offset < 0) return new Uint8Array(0);
    const end = Math.min(size, offset + length);
    const windowStart = chunks[0]?.start ?? pos;
    if (offset < windowStart) restart();
    // The common case: the whole range sits in one chunk already decoded.
    for (const c of chunks) {
      if (c.start <= offset && end <= c.start + c.bytes.length) return c.bytes.subarray(offset - c.start, end - c.start);
    }
    const out = new Uint8Array(end - offset);
    const copy = (c: Chunk) => {
      const from = Math.max(offset, c.start);
      const to = Math.min(end, c.start + c.bytes.length);
      if (from < to) out.set(c.bytes.subarray(from - c.start, to - c.start), from - offset);
    };
    for (const c of chunks) copy(c);
    while (pos < end) {
      let bytes = await stream.next();
      if (!bytes) break;
      if (pos + bytes.length > size) bytes = bytes.subarray(0, size - pos);
      const c = { start: pos, bytes };
      pos += bytes.length;
      stats.decoded += bytes.length;
      copy(c);
      chunks.push(c);
      held += bytes.length;
      if (held > stats.maxWindowBytes) stats.maxWindowBytes = held;
      trim();
    }
    // The stream gave fewer bytes than measured: only what it gave is returned.
    return pos < end ? out.subarray(0, Math.max(0, pos - offset)) : out;
  }

  return {
    size,
    stats,
    read(offset, length) {
      const result = queue.then(() => read(offset, length));
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
