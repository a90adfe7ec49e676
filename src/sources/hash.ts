import { createHash } from 'node:crypto';
import type { ByteReader } from '../types.js';

const CHUNK = 4 * 1024 * 1024;

/** SHA-256 of a reader's bytes, in fixed-size chunks so memory stays flat. */
export async function sha256Of(reader: ByteReader): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < reader.size; offset += CHUNK) {
    const chunk = await reader.read(offset, CHUNK);
    if (chunk.length === 0) break;
    hash.update(chunk);
  }
  return hash.digest('hex');
}
