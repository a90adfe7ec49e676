import { closeSync, fstatSync, openSync } from 'node:fs';
import { isSha256 } from '../parsers/bom/hashes.js';
import { readBomText } from '../parsers/bom/read.js';
import { readOpenFile } from './small-files.js';

// One list of BOM names and one reading of BOMs serve the scan's BOM handler and this pass.
export { BOM_PATH_PROPERTY, isBomName } from '../parsers/bom/names.js';

function readCapped(file: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > maxBytes) return undefined;
    return readOpenFile(fd, size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * SHA-256s a BOM records per file, by the file's path relative to the BOM's folder:
 * - CycloneDX JSON: a component's `modelvet:path` property, else its `name` (nested components and
 *   `metadata.component` included);
 * - SPDX 3 JSON-LD: a `software_File`'s name with its `verifiedUsing` sha256;
 * - SPDX 2.2/2.3 JSON: `files[].fileName` with its SHA256 checksum, and a package's `packageFileName`.
 * Matching is by name, so a BOM that names files otherwise gives no expectation (and
 * integrity/missing-checksum still speaks). An unreadable or foreign document gives nothing.
 */
export function bomDigests(file: string, maxBytes: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const text = readCapped(file, maxBytes);
  if (text === undefined) return out;
  const reading = readBomText(text, undefined, false);
  if (!reading.ok) return out;
  for (const component of reading.components) {
    const digests = component.hashes.filter(isSha256).map((h) => h.value);
    if (digests.length === 0) continue;
    const key = component.path ?? (reading.spec === 'cyclonedx' ? component.name : undefined);
    if (key !== undefined) out.set(key, [...new Set([...(out.get(key) ?? []), ...digests])]);
  }
  return out;
}
