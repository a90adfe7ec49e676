/**
 * Whole-file JSON (configs, indexes, BOMs, notebooks, signatures, lockfiles), other text (code,
 * templates, YAML, TOML, requirements), and binary files no other family claims.
 */
import { isUtf8 } from 'node:buffer';
import type { FamilySpec, Region } from '../types.js';

const MAX_LINES = 4096;

/** Lines as units: code, templates and YAML are line-structured. */
function lines(b: Uint8Array): Region[] {
  const out: Region[] = [];
  for (let start = 0; start < b.length && out.length < MAX_LINES; ) {
    const nl = b.indexOf(0x0a, start);
    const end = nl < 0 ? b.length : nl + 1;
    out.push({ start, end });
    start = end;
  }
  return out;
}

const firstNonSpace = (b: Uint8Array): number | undefined => b.find((x) => x !== 0x20 && x !== 0x0a && x !== 0x0d && x !== 0x09 && x !== 0xef && x !== 0xbb && x !== 0xbf);

function parses(b: Uint8Array): boolean {
  try {
    JSON.parse(Buffer.from(b).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

export const json: FamilySpec = {
  id: 'json',
  claims: (b, name) => /\.(json|ipynb|sig|jsonld)$/i.test(name) || ((firstNonSpace(b) === 0x7b || firstNonSpace(b) === 0x5b) && isUtf8(b) && parses(b)),
  regions: lines,
  json: { extract: (b) => Buffer.from(b).toString('utf8'), rebuild: (_b, text) => new TextEncoder().encode(text) },
};

export const text: FamilySpec = {
  id: 'text',
  claims: (b) => isUtf8(b.subarray(0, Math.min(b.length, 1 << 20))),
  regions: lines,
};

export const other: FamilySpec = { id: 'other', claims: () => true };
