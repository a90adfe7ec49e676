/**
 * A repo listing in memory for the sibling tests (safetensors shards, ONNX external data): the
 * regular files of a fixture folder, served with injectable faults, logging what is asked.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiblingFiles } from '../../src/engine/format-handler.js';
import { bufferReader } from '../../src/sources/readers.js';
import type { ByteReader } from '../../src/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const SIBLINGS_REPO = 'hf:org/model@0123456789abcdef0123456789abcdef01234567';

/** A fixture folder as a listing holds it: regular files only (a repo has no symlinks), by name. */
export function folderFiles(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(join(FIXTURES, dir))) {
    const path = join(FIXTURES, dir, name);
    if (lstatSync(path).isFile()) files.set(name, new Uint8Array(readFileSync(path)));
  }
  return files;
}

export interface SiblingFaults {
  /** The size the listing gives, when it differs from the bytes served. */
  listedSize?: Record<string, number>;
  statThrows?: Set<string>;
  openThrows?: Set<string>;
  /** `stat` lists the file but `open` finds nothing (the listing changed under the check). */
  openMissing?: Set<string>;
  /** Reads of these files throw (a network error mid-file). */
  readThrows?: Set<string>;
  /** Milliseconds before a file's reads answer. */
  delay?: Record<string, number>;
}

/** What is asked (stat and open, in order), what is opened, and the bytes read per file are logged. */
export function memorySiblings(files: ReadonlyMap<string, Uint8Array>, faults: SiblingFaults = {}) {
  const asked: string[] = [];
  const opened: string[] = [];
  const bytesRead = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const siblings: SiblingFiles = {
    where: SIBLINGS_REPO,
    async stat(rel) {
      asked.push(rel);
      if (faults.statThrows?.has(rel)) throw new Error(`listing unavailable for ${rel}`);
      const bytes = files.get(rel);
      return bytes ? { size: faults.listedSize?.[rel] ?? bytes.length } : undefined;
    },
    async open(rel) {
      asked.push(rel);
      opened.push(rel);
      if (faults.openThrows?.has(rel)) throw new Error(`HTTP 503 for ${rel}`);
      const bytes = files.get(rel);
      if (!bytes || faults.openMissing?.has(rel)) return undefined;
      const inner = bufferReader(bytes);
      const reader: ByteReader = {
        size: faults.listedSize?.[rel] ?? bytes.length,
        async read(offset, length) {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            if (faults.delay?.[rel]) await new Promise((r) => setTimeout(r, faults.delay![rel]));
            if (faults.readThrows?.has(rel)) throw new Error(`connection reset reading ${rel}`);
            const got = await inner.read(offset, length);
            bytesRead.set(rel, (bytesRead.get(rel) ?? 0) + got.length);
            return got;
          } finally {
            inFlight--;
          }
        },
      };
      return reader;
    },
  };
  return { siblings, asked, opened, bytesRead, maxInFlight: () => maxInFlight };
}
