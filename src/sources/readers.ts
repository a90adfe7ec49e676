import { open, type FileHandle } from 'node:fs/promises';
import type { ByteReader } from '../types.js';

/** A reader over bytes already in memory (small members, test data). */
export function bufferReader(bytes: Uint8Array): ByteReader {
  return {
    size: bytes.length,
    async read(offset, length) {
      if (offset >= bytes.length || length <= 0) return new Uint8Array(0);
      return bytes.subarray(offset, Math.min(bytes.length, offset + length));
    },
  };
}

/** A window onto another reader: archive members stored without compression, pickle segments. */
export function sliceReader(parent: ByteReader, start: number, length: number): ByteReader {
  const size = Math.max(0, Math.min(length, parent.size - start));
  return {
    size,
    async read(offset, len) {
      if (offset >= size || len <= 0) return new Uint8Array(0);
      return parent.read(start + offset, Math.min(len, size - offset));
    },
    ...(parent.prefetch
      ? { prefetch: (ranges) => parent.prefetch!(ranges.map(([a, b]) => [start + Math.max(0, a), start + Math.min(size, b)] as const).filter(([a, b]) => b > a)) }
      : {}),
  };
}

export interface FileByteReader extends ByteReader {
  close(): Promise<void>;
}

/** Positional reads on an open file: memory stays flat whatever the file size. */
export async function fileReader(path: string): Promise<FileByteReader> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      if (offset >= size || length <= 0) return new Uint8Array(0);
      const want = Math.min(length, size - offset);
      const buf = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buf, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === want ? buf : buf.subarray(0, got);
    },
    close: () => handle.close(),
  };
}
