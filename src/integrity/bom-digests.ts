import { closeSync, fstatSync, openSync } from 'node:fs';
import { readOpenFile } from './small-files.js';

/** BOMs looked for beside scanned files. */
export const isBomName = (name: string): boolean => name === 'bom.json' || name.endsWith('.cdx.json');

/** The property modelvet's own BOM writer puts on each file component: its path relative to the BOM's folder. */
export const BOM_PATH_PROPERTY = 'modelvet:path';

const SHA256 = /^[0-9a-fA-F]{64}$/;
const MAX_COMPONENTS = 100_000;
const MAX_NESTING = 16;

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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * SHA-256s a CycloneDX JSON BOM records per file. A component is matched to a file by its
 * `modelvet:path` property, else by its `name` (both relative to the BOM's folder): matching is
 * by name, so a BOM that names components otherwise gives no expectation (and
 * integrity/missing-checksum still speaks). An unreadable or foreign BOM gives nothing.
 */
export function bomDigests(file: string, maxBytes: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const text = readCapped(file, maxBytes);
  if (text === undefined) return out;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return out;
  }
  if (!isRecord(doc) || doc.bomFormat !== 'CycloneDX') return out;
  let seen = 0;
  const visit = (component: unknown, depth: number): void => {
    if (!isRecord(component) || depth > MAX_NESTING || ++seen > MAX_COMPONENTS) return;
    const hashes = Array.isArray(component.hashes) ? component.hashes : [];
    const digests = hashes
      .filter((h): h is Record<string, unknown> => isRecord(h) && h.alg === 'SHA-256' && typeof h.content === 'string' && SHA256.test(h.content))
      .map((h) => (h.content as string).toLowerCase());
    if (digests.length) {
      const props = Array.isArray(component.properties) ? component.properties : [];
      const byProperty = props.find((p): p is Record<string, unknown> => isRecord(p) && p.name === BOM_PATH_PROPERTY && typeof p.value === 'string');
      const key = typeof byProperty?.value === 'string' ? byProperty.value : typeof component.name === 'string' ? component.name : undefined;
      if (key !== undefined) out.set(key, [...new Set([...(out.get(key) ?? []), ...digests])]);
    }
    if (Array.isArray(component.components)) for (const c of component.components) visit(c, depth + 1);
  };
  if (isRecord(doc.metadata)) visit(doc.metadata.component, 0);
  if (Array.isArray(doc.components)) for (const c of doc.components) visit(c, 0);
  return out;
}
