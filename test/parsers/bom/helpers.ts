import { fileURLToPath } from 'node:url';
import { DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { AnalyseContext, AnalyseOptions } from '../../../src/engine/format-handler.js';
import type { BomLimits } from '../../../src/parsers/bom/limits.js';
import { parseBom } from '../../../src/parsers/bom/parse.js';
import type { BomArtifact } from '../../../src/parsers/bom/types.js';
import { bufferReader } from '../../../src/sources/readers.js';

/** The BOM fixture projects (made by test/fixtures/projects/bom/make_bom_projects.ts). */
export const BOM_PROJECTS = fileURLToPath(new URL('../../fixtures/projects/bom/', import.meta.url));

export function context(name: string, options: AnalyseOptions = DEFAULT_ANALYSE_OPTIONS): AnalyseContext {
  return {
    path: name,
    name,
    depth: 0,
    options,
    analyseChild: () => Promise.reject(new Error('a BOM has no children')),
    analysePickle: () => Promise.reject(new Error('a BOM has no pickles')),
  };
}

export const bytesOf = (doc: unknown): Uint8Array => new TextEncoder().encode(typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));

/** A BOM artifact from a document (an object is serialised as JSON, a string taken as the text). */
export function parseDoc(doc: unknown, name = 'model.cdx.json', limits?: BomLimits, options?: AnalyseOptions): Promise<BomArtifact> {
  return parseBom(bufferReader(bytesOf(doc)), context(name, options), limits);
}

export const SHA256_A = 'a'.repeat(64);
export const COMMIT = '0123456789abcdef0123456789abcdef01234567';

/** A CycloneDX 1.6 document around `components` and an optional `metadata.component`. */
export function cdx(components: unknown[], subject?: unknown, specVersion = '1.6'): Record<string, unknown> {
  return { bomFormat: 'CycloneDX', specVersion, version: 1, ...(subject !== undefined ? { metadata: { component: subject } } : {}), components };
}
