import { anomaly } from '../anomaly.js';
import { BOM_CODES } from './codes.js';
import type { BomCollector, FoundComponent } from './collector.js';
import { bomHash } from './hashes.js';
import { hubNameOfPurl, hubNameOfUrl } from './hub.js';
import { assertedString, isObject, own, ownArray, ownString, relativePath, type JsonObject, type Segments } from './json.js';
import type { BomComponentKind, BomHash } from './types.js';

/** SPDX has an official JSON form from 2.2 on. */
const KNOWN_VERSIONS = new Set(['SPDX-2.2', 'SPDX-2.3']);

function checksumsOf(element: JsonObject): BomHash[] {
  const out: BomHash[] = [];
  for (const c of ownArray(element, 'checksums')) {
    if (!isObject(c)) continue;
    const algorithm = ownString(c, 'algorithm');
    const value = ownString(c, 'checksumValue');
    if (algorithm !== undefined && value !== undefined) out.push(bomHash(algorithm, value));
  }
  return out;
}

/** `Organization: Meta Platforms (opensource@meta.com)` → `Meta Platforms`; `NOASSERTION` → nothing. */
function supplierName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  let name = (colon >= 0 && /^(?:Organization|Person|Tool)$/.test(text.slice(0, colon)) ? text.slice(colon + 1) : text).trim();
  if (name.endsWith(')')) {
    const open = name.lastIndexOf('(');
    if (open > 0) name = name.slice(0, open).trim();
  }
  return name && name !== 'NOASSERTION' && name !== 'NONE' ? name : undefined;
}

function purlOf(pkg: JsonObject, segments: Segments): { purl: string; segments: Segments } | undefined {
  const refs = ownArray(pkg, 'externalRefs');
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i];
    if (!isObject(r) || ownString(r, 'referenceType') !== 'purl') continue;
    const locator = ownString(r, 'referenceLocator');
    if (locator !== undefined) return { purl: locator, segments: [...segments, 'externalRefs', i, 'referenceLocator'] };
  }
  return undefined;
}

function packageKind(pkg: JsonObject, hubModel: boolean): BomComponentKind {
  if (hubModel) return 'model';
  switch (ownString(pkg, 'primaryPackagePurpose')) {
    case 'LIBRARY':
    case 'FRAMEWORK':
      return 'library';
    case 'FILE':
      return 'file';
    default:
      return 'other';
  }
}

/**
 * An SPDX 2.2/2.3 JSON document. SPDX 2 has no model type: a package whose purl is a
 * `pkg:huggingface` one is the model. Files are components with their `fileName` as path;
 * `hasFiles` and CONTAINS / CONTAINED_BY relationships say what consists of what; DESCRIBES and
 * `documentDescribes` give the subject.
 */
export function readSpdx2(doc: JsonObject, out: BomCollector): { specVersion?: string } {
  const spdxVersion = ownString(doc, 'spdxVersion');
  if (spdxVersion === undefined || !KNOWN_VERSIONS.has(spdxVersion)) {
    const what = spdxVersion === undefined ? 'gives no spdxVersion' : `says spdxVersion ${JSON.stringify(spdxVersion.slice(0, 40))}`;
    out.anomalies.push(anomaly(BOM_CODES.unsupportedVersion, `the SPDX document ${what}, not SPDX-2.2 or SPDX-2.3; it was read as SPDX-2.3, and anything another version changes was not checked`, undefined, { spdxVersion: spdxVersion ?? null }));
  }
  const byId = new Map<string, number>();
  const hasFiles: Array<[index: number, ids: readonly unknown[]]> = [];
  const remember = (element: JsonObject, index: number): void => {
    const id = ownString(element, 'SPDXID');
    if (id !== undefined && !byId.has(id)) byId.set(id, index);
  };

  const packages = ownArray(doc, 'packages');
  for (let i = 0; i < packages.length && !out.exhausted; i++) {
    const pkg: unknown = packages[i];
    if (!isObject(pkg)) {
      out.notAnObject();
      continue;
    }
    if (!out.take()) break;
    const segments: Segments = ['packages', i];
    const purl = purlOf(pkg, segments);
    const fromPurl = purl ? hubNameOfPurl(purl.purl) : undefined;
    const kind = packageKind(pkg, fromPurl?.repoType === 'model');
    const download = kind === 'model' && !fromPurl ? assertedString(pkg, 'downloadLocation') : undefined;
    const fromUrl = download !== undefined ? hubNameOfUrl(download) : undefined;
    const hub: FoundComponent['hub'] = fromPurl && purl ? { ...fromPurl, segments: purl.segments } : fromUrl ? { ...fromUrl, segments: [...segments, 'downloadLocation'] } : undefined;
    const id = ownString(pkg, 'SPDXID');
    const name = ownString(pkg, 'name');
    const version = assertedString(pkg, 'versionInfo');
    const supplier = supplierName(ownString(pkg, 'supplier'));
    const fileName = assertedString(pkg, 'packageFileName');
    const index = out.add(
      {
        kind,
        type: 'package',
        ...(id !== undefined ? { id } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(purl ? { purl: purl.purl } : {}),
        ...(hub ? { hub } : {}),
        ...(supplier !== undefined ? { supplier: { name: supplier, urls: [] } } : {}),
        hashes: checksumsOf(pkg),
        ...(fileName !== undefined ? { path: relativePath(fileName) } : {}),
      },
      segments,
    );
    remember(pkg, index);
    const files = own(pkg, 'hasFiles');
    if (Array.isArray(files)) hasFiles.push([index, files]);
  }

  const files = ownArray(doc, 'files');
  for (let i = 0; i < files.length && !out.exhausted; i++) {
    const file: unknown = files[i];
    if (!isObject(file)) {
      out.notAnObject();
      continue;
    }
    if (!out.take()) break;
    const id = ownString(file, 'SPDXID');
    const fileName = ownString(file, 'fileName');
    const index = out.add(
      {
        kind: 'file',
        type: 'file',
        ...(id !== undefined ? { id } : {}),
        ...(fileName !== undefined ? { name: fileName, path: relativePath(fileName) } : {}),
        hashes: checksumsOf(file),
      },
      ['files', i],
    );
    remember(file, index);
  }

  for (const [index, ids] of hasFiles) {
    for (const id of ids) {
      const part = typeof id === 'string' ? byId.get(id) : undefined;
      if (part !== undefined) out.addPart(index, part);
    }
  }
  const described = new Set<string>(ownArray(doc, 'documentDescribes').filter((d): d is string => typeof d === 'string'));
  const ancestors: string[] = [];
  const relationships = ownArray(doc, 'relationships');
  for (let i = 0; i < relationships.length && !out.exhausted; i++) {
    const r: unknown = relationships[i];
    if (!isObject(r) || !out.take()) continue;
    const type = ownString(r, 'relationshipType');
    const a = ownString(r, 'spdxElementId');
    const b = ownString(r, 'relatedSpdxElement');
    if (a === undefined || b === undefined) continue;
    if (type === 'DESCRIBES') described.add(b);
    else if (type === 'DESCRIBED_BY') described.add(a);
    else if (type === 'ANCESTOR_OF') ancestors.push(a);
    else if (type === 'DESCENDANT_OF') ancestors.push(b);
    const [whole, part] = type === 'CONTAINS' ? [a, b] : type === 'CONTAINED_BY' ? [b, a] : [undefined, undefined];
    if (whole === undefined || part === undefined) continue;
    const w = byId.get(whole);
    const p = byId.get(part);
    if (w !== undefined && p !== undefined) out.addPart(w, p);
  }
  for (const id of described) {
    const index = byId.get(id);
    if (index !== undefined) out.components[index]!.subject = true;
  }
  for (const id of ancestors) {
    const index = byId.get(id);
    if (index !== undefined) out.markLineage(index);
  }
  return spdxVersion !== undefined ? { specVersion: spdxVersion.replace(/^SPDX-/, '') } : {};
}
