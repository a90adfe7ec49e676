import type { Anomaly, Location } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { BOM_CODES } from './codes.js';
import { BomCollector } from './collector.js';
import { readCycloneDx } from './cyclonedx.js';
import { isObject, jsonPointer, own, ownString, type JsonObject, type Segments } from './json.js';
import { DEFAULT_BOM_LIMITS, type BomLimits } from './limits.js';
import { locateKeys, pathKey } from '../json-locate.js';
import type { BomSpecFamily } from './names.js';
import { readSpdx2 } from './spdx2.js';
import { readSpdx3 } from './spdx3.js';
import type { BomComponent } from './types.js';

export type BomReading =
  | { ok: true; spec: BomSpecFamily; specVersion?: string; components: BomComponent[]; anomalies: Anomaly[] }
  /** Not JSON, or JSON that is no CycloneDX or SPDX document. */
  | { ok: false; anomaly: Anomaly };

type Reader = (doc: JsonObject, out: BomCollector) => { specVersion?: string };

/** Which spec's reading a parsed document takes, by what it says at its top level. */
function readerFor(doc: JsonObject): { spec: BomSpecFamily; read: Reader } | undefined {
  if (own(doc, 'bomFormat') === 'CycloneDX') return { spec: 'cyclonedx', read: readCycloneDx };
  if (ownString(doc, 'spdxVersion')?.startsWith('SPDX-')) return { spec: 'spdx', read: readSpdx2 };
  const context = own(doc, '@context');
  const contexts = typeof context === 'string' ? [context] : Array.isArray(context) ? context : [];
  if (contexts.some((c) => typeof c === 'string' && c.includes('spdx.org/rdf/3.'))) return { spec: 'spdx', read: readSpdx3 };
  return undefined;
}

/** Keys whose value positions give a component's line: what it is called, else what it is, and where its Hub name sits. */
const LOCATED_KEYS = new Set(['name', 'fileName', 'type', '@type', 'spdxId', 'SPDXID', 'purl', 'url', 'software_packageUrl', 'identifier', 'referenceLocator', 'software_downloadLocation', 'downloadLocation']);
const COMPONENT_KEYS = ['name', 'fileName', 'type', '@type', 'spdxId', 'SPDXID'];

function locate(text: string, out: BomCollector): void {
  // A CycloneDX component at the depth limit sits two containers per level down, plus the document's own few.
  const positions = locateKeys(text, (key) => LOCATED_KEYS.has(key), 2 * out.limits.maxDepth + 8);
  const at = (segments: Segments): Location | undefined => positions.get(pathKey(segments));
  out.components.forEach((c, i) => {
    const segments = out.segments[i]!;
    for (const key of COMPONENT_KEYS) {
      const location = at([...segments, key]);
      if (location) {
        c.location = location;
        break;
      }
    }
    const hubAt = out.hubSegments.get(i);
    const location = hubAt ? at(hubAt) : undefined;
    if (c.hub && location) c.hub.location = location;
  });
}

function firstLine(message: string): string {
  const first = message.split('\n', 1)[0]!.trim();
  return first.length > 160 ? `${first.slice(0, 160)}…` : first;
}

/**
 * Reads a BOM's text: JSON.parse (own properties only, so `__proto__` keys stay data), then the
 * reading of the spec the document declares. Every component becomes a BomComponent with its
 * JSON pointer (and, when `locateLines`, its line). Never throws.
 */
export function readBomText(text: string, limits: BomLimits = DEFAULT_BOM_LIMITS, locateLines = true): BomReading {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const error = firstLine((err as Error).message);
    return { ok: false, anomaly: anomaly(BOM_CODES.malformed, `the BOM is not valid JSON (${error}), so it vouches for nothing`, undefined, { error }) };
  }
  const reader = isObject(doc) ? readerFor(doc) : undefined;
  if (!isObject(doc) || !reader) {
    return { ok: false, anomaly: anomaly(BOM_CODES.malformed, 'the file holds no CycloneDX or SPDX document (no bomFormat "CycloneDX", spdxVersion or SPDX 3 @context at its top level), so it vouches for nothing') };
  }
  const out = new BomCollector(limits);
  const { specVersion } = reader.read(doc, out);
  out.finish();
  out.components.forEach((c, i) => {
    c.pointer = jsonPointer(out.segments[i]!);
    const hubAt = out.hubSegments.get(i);
    if (c.hub && hubAt) c.hub.pointer = jsonPointer(hubAt);
  });
  if (locateLines) locate(text, out);
  return { ok: true, spec: reader.spec, ...(specVersion !== undefined ? { specVersion } : {}), components: out.components, anomalies: out.anomalies };
}
