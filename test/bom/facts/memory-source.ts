import { createHash } from 'node:crypto';
import { analyseReader } from '../../../src/engine/analyse.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { BomVerdict, FactSource } from '../../../src/bom/types.js';

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

export interface MemorySourceInit {
  files: Record<string, Uint8Array | string>;
  kind?: FactSource['kind'];
  root?: string;
  identity?: FactSource['identity'];
  verdicts?: BomVerdict[];
  /** Leave these files' SHA-256 out of the listing (a Hub file with no LFS hash). */
  unhashed?: string[];
}

/** A FactSource over files held in memory: extraction sees exactly what the test wrote. */
export function memorySource(init: MemorySourceInit): FactSource {
  const bytes = new Map(Object.entries(init.files).map(([p, c]) => [p, typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)]));
  const unhashed = new Set(init.unhashed ?? []);
  return {
    kind: init.kind ?? 'folder',
    root: init.root ?? 'models/memory-model',
    identity: init.identity ?? {},
    files: [...bytes].map(([path, b]) => ({ path, size: b.length, ...(unhashed.has(path) ? {} : { sha256: sha256(b), sha256Source: 'local' as const }) })),
    async readText(path, maxBytes) {
      const b = bytes.get(path);
      return b === undefined || b.length > maxBytes ? undefined : b.toString('utf8');
    },
    async analyse(path) {
      const b = bytes.get(path);
      return b === undefined ? undefined : analyseReader(bufferReader(b), path);
    },
    async verdicts() {
      return init.verdicts ?? [];
    },
  };
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1, F64: 8, I64: 8 };

/** A safetensors file: the 8-byte header length, the JSON header, zeroed data. */
export function safetensorsBytes(tensors: Record<string, number[]>, dtype = 'F32'): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of Object.entries(tensors)) {
    const n = shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[dtype] ?? 4);
    header[name] = { dtype, shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, Buffer.from(json), Buffer.alloc(offset)]);
}
