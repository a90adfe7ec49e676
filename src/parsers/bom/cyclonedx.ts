import { anomaly } from '../anomaly.js';
import { BOM_CODES } from './codes.js';
import type { BomCollector, FoundComponent } from './collector.js';
import { bomHash } from './hashes.js';
import { hubNameOfPurl, hubNameOfUrl } from './hub.js';
import { isObject, jsonPointer, own, ownArray, ownObject, ownString, type JsonObject, type Segments } from './json.js';
import { BOM_PATH_PROPERTY } from './names.js';
import type { BomComponentKind, BomHash } from './types.js';

/** CycloneDX JSON exists from 1.2 on; 1.7 is the newest this reading follows. */
const KNOWN_VERSIONS = new Set(['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']);

const KIND_OF_TYPE = new Map<string, BomComponentKind>([
  ['machine-learning-model', 'model'],
  ['file', 'file'],
  ['data', 'data'],
  ['library', 'library'],
  ['framework', 'library'],
]);

function hashesOf(component: JsonObject): BomHash[] {
  const out: BomHash[] = [];
  for (const h of ownArray(component, 'hashes')) {
    if (!isObject(h)) continue;
    const alg = ownString(h, 'alg');
    const content = ownString(h, 'content');
    if (alg !== undefined && content !== undefined) out.push(bomHash(alg, content));
  }
  return out;
}

function pathProperty(component: JsonObject): string | undefined {
  for (const p of ownArray(component, 'properties')) {
    if (isObject(p) && ownString(p, 'name') === BOM_PATH_PROPERTY) {
      const value = ownString(p, 'value');
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

function supplierOf(component: JsonObject): FoundComponent['supplier'] {
  const supplier = ownObject(component, 'supplier');
  if (!supplier) return undefined;
  const name = ownString(supplier, 'name');
  const urls = ownArray(supplier, 'url').filter((u): u is string => typeof u === 'string');
  return { ...(name !== undefined ? { name } : {}), urls };
}

/**
 * The Hub repository a component names: its `pkg:huggingface` purl, else (for a model) the first
 * external reference on huggingface.co (distribution, vcs, model-card, website).
 */
function hubOf(component: JsonObject, segments: Segments, kind: BomComponentKind, fromPurl: ReturnType<typeof hubNameOfPurl>): FoundComponent['hub'] {
  if (fromPurl) return { ...fromPurl, segments: [...segments, 'purl'] };
  if (kind !== 'model') return undefined;
  const refs = ownArray(component, 'externalReferences');
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    const url = isObject(ref) ? ownString(ref, 'url') : undefined;
    const name = url !== undefined ? hubNameOfUrl(url) : undefined;
    if (name) return { ...name, segments: [...segments, 'externalReferences', i, 'url'] };
  }
  return undefined;
}

function visit(value: unknown, segments: Segments, depth: number, parent: number | undefined, out: BomCollector, subject: boolean, lineage = false): number | undefined {
  if (!isObject(value)) {
    out.notAnObject();
    return undefined;
  }
  if (depth > out.limits.maxDepth) {
    out.nestedTooDeep(jsonPointer(segments));
    return undefined;
  }
  if (!out.take()) return undefined;
  const type = ownString(value, 'type') ?? '';
  const purl = ownString(value, 'purl');
  const fromPurl = purl !== undefined ? hubNameOfPurl(purl) : undefined;
  // A Hub purl names a model repository whatever type the writer chose (1.2–1.4 have no model type).
  const kind: BomComponentKind = fromPurl?.repoType === 'model' ? 'model' : (KIND_OF_TYPE.get(type) ?? 'other');
  const hub = hubOf(value, segments, kind, fromPurl);
  const id = ownString(value, 'bom-ref');
  const name = ownString(value, 'name');
  const group = ownString(value, 'group');
  const version = ownString(value, 'version');
  const supplier = supplierOf(value);
  const path = pathProperty(value);
  const found: FoundComponent = {
    kind,
    type,
    ...(id !== undefined ? { id } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(group !== undefined && group !== '' ? { group } : {}),
    ...(version !== undefined && version.trim() !== '' ? { version } : {}),
    ...(purl !== undefined ? { purl } : {}),
    ...(hub ? { hub } : {}),
    ...(supplier ? { supplier } : {}),
    hashes: hashesOf(value),
    ...(path !== undefined ? { path } : {}),
    subject,
    lineage,
  };
  const index = out.add(found, segments);
  if (parent !== undefined) out.addPart(parent, index);
  const nested = own(value, 'components');
  if (nested !== undefined && !Array.isArray(nested)) out.malformed(`\`components\` at ${jsonPointer(segments)} is not a list, so what it holds was not read`, { pointer: jsonPointer([...segments, 'components']) });
  ownArray(value, 'components').forEach((child, i) => visit(child, [...segments, 'components', i], depth + 1, index, out, false, lineage));
  // Base models: their purls are records the publisher rules judge; they are not what the BOM describes.
  const pedigree = ownObject(value, 'pedigree');
  if (pedigree) ownArray(pedigree, 'ancestors').forEach((a, i) => visit(a, [...segments, 'pedigree', 'ancestors', i], depth + 1, undefined, out, false, true));
  return index;
}

/**
 * A CycloneDX JSON BOM: `metadata.component` is what the BOM describes, and the top-level
 * `components` are its inventory, so they count among its parts; nested `components` are the parts
 * of the component that holds them.
 */
export function readCycloneDx(doc: JsonObject, out: BomCollector): { specVersion?: string } {
  const specVersion = ownString(doc, 'specVersion');
  if (specVersion === undefined || !KNOWN_VERSIONS.has(specVersion)) {
    const what = specVersion === undefined ? 'gives no specVersion' : `says specVersion ${JSON.stringify(specVersion.slice(0, 40))}`;
    out.anomalies.push(anomaly(BOM_CODES.unsupportedVersion, `the CycloneDX BOM ${what}, not one of 1.2–1.7; it was read as 1.7, and anything a newer version adds was not checked`, undefined, { specVersion: specVersion ?? null }));
  }
  const metadata = ownObject(doc, 'metadata');
  const described = metadata ? own(metadata, 'component') : undefined;
  const subject = described !== undefined ? visit(described, ['metadata', 'component'], 0, undefined, out, true) : undefined;
  const top = own(doc, 'components');
  if (top !== undefined && !Array.isArray(top)) out.malformed('the BOM\'s `components` is not a list, so no component was read', { pointer: '/components' });
  ownArray(doc, 'components').forEach((c, i) => {
    const index = visit(c, ['components', i], 0, undefined, out, false);
    if (subject !== undefined && index !== undefined) out.addPart(subject, index);
  });
  return specVersion !== undefined ? { specVersion } : {};
}
