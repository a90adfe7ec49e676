import { anomaly } from '../anomaly.js';
import { BOM_CODES } from './codes.js';
import type { BomCollector, FoundComponent } from './collector.js';
import { bomHash } from './hashes.js';
import { hubNameOfPurl, hubNameOfUrl } from './hub.js';
import { assertedString, isObject, own, ownArray, ownObject, ownString, relativePath, type JsonObject, type Segments } from './json.js';
import type { BomComponentKind, BomHash } from './types.js';

const KNOWN_VERSION = /^3\.0\.\d+$/;

/** A class written as a full IRI (`https://spdx.org/rdf/3.0.1/terms/AI/AIPackage`) instead of the context's short name. */
const TYPE_IRI = /^https:\/\/spdx\.org\/rdf\/3\.[0-9.]+\/terms\/([A-Za-z]+)\/([A-Za-z]+)$/;

/** The short name the 3.0 context gives a class: `ai_AIPackage`, `software_File`, `Relationship`. */
function typeOf(element: JsonObject): string | undefined {
  const type = ownString(element, 'type') ?? ownString(element, '@type');
  if (type === undefined) return undefined;
  const iri = TYPE_IRI.exec(type);
  if (!iri) return type;
  return iri[1] === 'Core' ? iri[2] : `${iri[1]!.toLowerCase()}_${iri[2]}`;
}

const idOf = (element: JsonObject): string | undefined => ownString(element, 'spdxId') ?? ownString(element, '@id');

const AGENT_TYPES = new Set(['Agent', 'Organization', 'Person', 'SoftwareAgent']);
const RELATIONSHIP_TYPES = new Set(['Relationship', 'LifecycleScopedRelationship']);
/** Elements whose `rootElement` is what the document describes. */
const COLLECTION_TYPES = new Set(['SpdxDocument', 'software_Sbom', 'Bom', 'Bundle']);

function kindOf(type: string, purpose: string | undefined): BomComponentKind | undefined {
  switch (type) {
    case 'ai_AIPackage':
      return 'model';
    case 'dataset_DatasetPackage':
      return 'data';
    case 'software_File':
      return purpose === 'model' ? 'model' : 'file';
    case 'software_Package':
      if (purpose === 'model') return 'model';
      if (purpose === 'library' || purpose === 'framework') return 'library';
      return purpose === 'data' ? 'data' : 'other';
    default:
      return undefined;
  }
}

function hashesOf(element: JsonObject): BomHash[] {
  const out: BomHash[] = [];
  for (const v of ownArray(element, 'verifiedUsing')) {
    if (!isObject(v) || typeOf(v) !== 'Hash') continue;
    const algorithm = ownString(v, 'algorithm');
    const value = ownString(v, 'hashValue');
    if (algorithm !== undefined && value !== undefined) out.push(bomHash(algorithm, value));
  }
  return out;
}

/** `software_packageUrl`, else a `packageUrl` external identifier. */
function purlOf(element: JsonObject, segments: Segments): { purl: string; segments: Segments } | undefined {
  const direct = ownString(element, 'software_packageUrl');
  if (direct !== undefined) return { purl: direct, segments: [...segments, 'software_packageUrl'] };
  const ids = ownArray(element, 'externalIdentifier');
  for (let i = 0; i < ids.length; i++) {
    const e = ids[i];
    if (!isObject(e) || ownString(e, 'externalIdentifierType') !== 'packageUrl') continue;
    const identifier = ownString(e, 'identifier');
    if (identifier !== undefined) return { purl: identifier, segments: [...segments, 'externalIdentifier', i, 'identifier'] };
  }
  return undefined;
}

function hubOf(element: JsonObject, segments: Segments, kind: BomComponentKind, purl: ReturnType<typeof purlOf>, fromPurl: ReturnType<typeof hubNameOfPurl>): FoundComponent['hub'] {
  if (fromPurl && purl) return { ...fromPurl, segments: purl.segments };
  if (kind !== 'model') return undefined;
  const location = assertedString(element, 'software_downloadLocation');
  const name = location !== undefined ? hubNameOfUrl(location) : undefined;
  return name ? { ...name, segments: [...segments, 'software_downloadLocation'] } : undefined;
}

/** `suppliedBy` names an Agent element by its id (or, rarely, inline). */
function supplierRef(element: JsonObject): { id?: string; name?: string } | undefined {
  const by = own(element, 'suppliedBy');
  if (typeof by === 'string') return { id: by };
  if (isObject(by)) {
    const name = ownString(by, 'name');
    return name !== undefined ? { name } : undefined;
  }
  return undefined;
}

const versionOfContext = (doc: JsonObject): string | undefined => {
  const context = own(doc, '@context');
  const urls = typeof context === 'string' ? [context] : Array.isArray(context) ? context.filter((c): c is string => typeof c === 'string') : [];
  for (const url of urls) {
    const m = /spdx\.org\/rdf\/(3\.\d+(?:\.\d+)?)\//.exec(url);
    if (m) return m[1];
  }
  return undefined;
};

/**
 * An SPDX 3 JSON-LD document: every package and file in `@graph` is a component (`ai_AIPackage`
 * the model, `software_File` a file, `dataset_DatasetPackage` data); `contains` relationships say
 * what consists of what; a document's or SBOM's `rootElement` is its subject.
 */
export function readSpdx3(doc: JsonObject, out: BomCollector): { specVersion?: string } {
  const graph = own(doc, '@graph');
  let specVersion: string | undefined;
  if (!Array.isArray(graph)) {
    out.malformed('the SPDX 3 document has no `@graph` list of elements, so nothing in it was read');
    specVersion = versionOfContext(doc);
    return specVersion !== undefined ? { specVersion } : {};
  }
  const byId = new Map<string, number>();
  const agents = new Map<string, string>();
  const suppliers: Array<[index: number, id: string]> = [];
  const relationships: JsonObject[] = [];
  const roots: string[] = [];
  for (let i = 0; i < graph.length; i++) {
    const element: unknown = graph[i];
    if (!isObject(element)) {
      out.notAnObject();
      continue;
    }
    if (!out.take()) break;
    const type = typeOf(element) ?? '';
    const id = idOf(element);
    if (type === 'CreationInfo') specVersion ??= ownString(element, 'specVersion');
    else specVersion ??= ownString(ownObject(element, 'creationInfo') ?? {}, 'specVersion');
    if (RELATIONSHIP_TYPES.has(type)) relationships.push(element);
    else if (COLLECTION_TYPES.has(type)) {
      for (const r of ownArray(element, 'rootElement')) if (typeof r === 'string') roots.push(r);
    }
    else if (AGENT_TYPES.has(type) && id !== undefined) {
      const name = ownString(element, 'name');
      if (name !== undefined) agents.set(id, name);
    }
    const purpose = ownString(element, 'software_primaryPurpose');
    const declared = kindOf(type, purpose);
    if (declared === undefined) continue;
    const segments: Segments = ['@graph', i];
    const purl = purlOf(element, segments);
    const fromPurl = purl ? hubNameOfPurl(purl.purl) : undefined;
    const kind: BomComponentKind = fromPurl?.repoType === 'model' && declared !== 'file' ? 'model' : declared;
    const hub = hubOf(element, segments, kind, purl, fromPurl);
    const name = ownString(element, 'name');
    const version = assertedString(element, 'software_packageVersion');
    const supplier = supplierRef(element);
    const found: FoundComponent = {
      kind,
      type,
      ...(id !== undefined ? { id } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(purl ? { purl: purl.purl } : {}),
      ...(hub ? { hub } : {}),
      ...(supplier?.name !== undefined ? { supplier: { name: supplier.name, urls: [] } } : {}),
      hashes: hashesOf(element),
      ...(type === 'software_File' && name !== undefined ? { path: relativePath(name) } : {}),
    };
    const index = out.add(found, segments);
    if (id !== undefined && !byId.has(id)) byId.set(id, index);
    if (supplier?.id !== undefined) suppliers.push([index, supplier.id]);
  }
  for (const [index, id] of suppliers) {
    const name = agents.get(id);
    if (name !== undefined) out.components[index]!.supplier = { name, urls: [] };
  }
  for (const root of roots) {
    const index = byId.get(root);
    if (index !== undefined) out.components[index]!.subject = true;
  }
  for (const r of relationships) {
    const type = ownString(r, 'relationshipType');
    if (type !== 'contains' && type !== 'ancestorOf' && type !== 'descendantOf') continue;
    const from = byId.get(ownString(r, 'from') ?? '');
    if (from === undefined) continue;
    if (type === 'ancestorOf') out.markLineage(from);
    const to = own(r, 'to');
    for (const target of typeof to === 'string' ? [to] : Array.isArray(to) ? to : []) {
      const other = typeof target === 'string' ? byId.get(target) : undefined;
      if (other === undefined) continue;
      if (type === 'contains') out.addPart(from, other);
      else if (type === 'descendantOf') out.markLineage(other);
    }
  }
  specVersion ??= versionOfContext(doc);
  if (specVersion === undefined || !KNOWN_VERSION.test(specVersion)) {
    const what = specVersion === undefined ? 'gives no specVersion' : `says specVersion ${JSON.stringify(specVersion.slice(0, 40))}`;
    out.anomalies.push(anomaly(BOM_CODES.unsupportedVersion, `the SPDX 3 document ${what}, not 3.0.x; it was read as 3.0.1, and anything another version changes was not checked`, undefined, { specVersion: specVersion ?? null }));
  }
  return specVersion !== undefined ? { specVersion } : {};
}
