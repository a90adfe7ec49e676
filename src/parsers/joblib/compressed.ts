/**
 * Compressed joblib files: `joblib.dump(compress=…)` compresses the whole pickle stream (inline
 * arrays included) and `joblib.load` picks the decompressor by the file's first bytes
 * (joblib/numpy_pickle_utils.py `_detect_compressor`). The decoding itself lives in
 * src/parsers/compression, which follows the reader joblib hands each kind to:
 * zlib/gzip – `zlib.decompressobj`: one stream (one gzip member) only, bytes after it never
 * reach the unpickler, a stream cut short yields what was inflated without an error;
 * bz2 – `bz2.BZ2File`; xz and lzma – `lzma.LZMAFile` (FORMAT_AUTO: .xz or LZMA-alone streams);
 * lz4 – `lz4.frame.LZ4FrameFile`: concatenated streams, junk after a complete stream ignored.
 *
 * Memory stays flat in the decompressed size: a first pass measures the output with the caps
 * enforced, then the reader handed out decompresses again as it is read (a sliding window,
 * restarting from the start for a read behind it).
 */
import type { Anomaly, ByteReader } from '../../types.js';
import { decompress, type CompressionKind, type DecompressionCaps } from '../compression/index.js';

export type JoblibCompression = CompressionKind;
export type { DecompressionCaps } from '../compression/index.js';

export interface DecompressResult {
  /** The decompressed bytes: all of them, or those before a limit, corruption or truncation. */
  reader?: ByteReader;
  anomalies: Anomaly[];
}

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
  // joblib's own lzma-alone prefix (properties 0x5D, then the dictionary size's low byte).
  if (b(0) === 0x5d && b(1) === 0x00) return 'lzma';
  if (b(0) === 0x04 && b(1) === 0x22 && b(2) === 0x4d && b(3) === 0x18) return 'lz4';
  return null;
}

/** Decompresses a whole joblib file into a reader over the pickle stream. Only the reader's own errors propagate. */
export async function decompressToReader(reader: ByteReader, kind: JoblibCompression, caps: DecompressionCaps): Promise<DecompressResult> {
  const { reader: out, anomalies } = await decompress(reader, kind, caps);
  return out ? { reader: out, anomalies } : { anomalies };
}

/** A reader over decompressed chunks held in memory, without concatenating them. */
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
