/**
 * How BOM files are named and told apart by their first bytes. One list serves the scan's handler
 * and the integrity pass that looks for BOMs beside scanned files (src/integrity/bom-digests.ts).
 */

export type BomSpecFamily = 'cyclonedx' | 'spdx';

/** Names the specs recommend: the name alone makes the claim (content that is no such BOM is a finding). */
const PROMISING_SUFFIXES: ReadonlyArray<readonly [suffix: string, spec: BomSpecFamily]> = [
  ['.cdx.json', 'cyclonedx'],
  ['.spdx.json', 'spdx'],
  ['.spdx3.json', 'spdx'],
  ['.spdx.jsonld', 'spdx'],
  ['.spdx3.jsonld', 'spdx'],
];

/** Names BOMs are given by convention; taken only when the content confirms one (plenty of `bom.json` files are something else). */
const CONVENTIONAL_NAMES = new Set(['bom.json', 'sbom.json', 'aibom.json', 'ai-bom.json', 'mlbom.json', 'ml-bom.json']);
const CONVENTIONAL_SUFFIXES = ['.bom.json', '.sbom.json', '.aibom.json', '.cdx'];

/** What a base name says about a BOM: the spec it promises, `conventional` (maybe a BOM), or nothing. */
export function bomNamePromise(name: string): BomSpecFamily | 'conventional' | undefined {
  const lower = name.toLowerCase();
  for (const [suffix, spec] of PROMISING_SUFFIXES) if (lower.endsWith(suffix) && lower.length > suffix.length) return spec;
  if (CONVENTIONAL_NAMES.has(lower) || CONVENTIONAL_SUFFIXES.some((s) => lower.endsWith(s) && lower.length > s.length)) return 'conventional';
  return undefined;
}

/** A file the integrity pass reads for the digests it records, when it sits beside (or above) a scanned file. */
export const isBomName = (name: string): boolean => bomNamePromise(name) !== undefined;

const JSON_NAME = /\.json(?:ld)?$/i;

/**
 * The first string under each top-level key of the JSON object the text starts with, as far as
 * the text goes (a head cut anywhere). For an array or object value, the first string inside it
 * (`"@context": ["https://spdx.org/rdf/3.0.1/…"]`). One pass, no backtracking.
 */
export function topLevelStrings(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length && (text[i] === '\uFEFF' || text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  if (text[i] !== '{') return out;
  let depth = 0;
  let expectKey = false;
  let key: string | undefined;
  let pending: string | undefined;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      let escaped = false;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          escaped = true;
          j += 2;
        } else j++;
      }
      if (j >= text.length) break;
      const raw = text.slice(i + 1, j);
      i = j;
      const value = escaped ? unescape(raw) : raw;
      if (value === undefined) continue;
      if (depth === 1 && expectKey) {
        key = value;
        expectKey = false;
      } else if (pending !== undefined) {
        if (!out.has(pending)) out.set(pending, value);
        pending = undefined;
      }
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth <= 1) pending = undefined;
      if (depth <= 0) break;
    } else if (depth === 1 && c === ':') {
      pending = key;
    } else if (depth === 1 && c === ',') {
      expectKey = true;
      pending = undefined;
    }
  }
  return out;
}

function unescape(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** The spec a document's first bytes show at its top level (CycloneDX `bomFormat`, SPDX 2 `spdxVersion`/`SPDXID`, SPDX 3 `@context`). */
export function specOfHead(head: Uint8Array): BomSpecFamily | undefined {
  const top = topLevelStrings(new TextDecoder('utf-8', { fatal: false }).decode(head));
  if (top.get('bomFormat') === 'CycloneDX') return 'cyclonedx';
  if (top.get('spdxVersion')?.startsWith('SPDX-') || top.get('SPDXID') === 'SPDXRef-DOCUMENT') return 'spdx';
  if (top.get('@context')?.includes('spdx.org/rdf/3.')) return 'spdx';
  return undefined;
}

/**
 * Whether the BOM handler takes a file: a name the specs recommend by itself; a conventional BOM
 * name or any other `.json`/`.jsonld` only when its head shows a BOM at the top level, so an
 * ordinary JSON file stays with the families after this one.
 */
export function sniffBom(name: string, head: Uint8Array): boolean {
  const promise = bomNamePromise(name);
  if (promise === 'cyclonedx' || promise === 'spdx') return true;
  if (promise !== 'conventional' && !JSON_NAME.test(name)) return false;
  return specOfHead(head) !== undefined;
}

/** The property modelvet's own BOM writer puts on each file component: its path relative to the BOM's folder. */
export const BOM_PATH_PROPERTY = 'modelvet:path';
