import type { AnalyseContext } from '../../engine/format-handler.js';
import { HEAD_BYTES } from '../../engine/detect.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { BOM_CODES } from './codes.js';
import { DEFAULT_BOM_LIMITS, type BomLimits } from './limits.js';
import { bomNamePromise, specOfHead, type BomSpecFamily } from './names.js';
import { readBomText } from './read.js';
import { modelRefsOf } from './refs.js';
import type { BomArtifact } from './types.js';

const SPEC_TEXT: Record<BomSpecFamily, string> = { cyclonedx: 'CycloneDX', spdx: 'SPDX' };
const WITH_ARTICLE: Record<BomSpecFamily, string> = { cyclonedx: 'a CycloneDX', spdx: 'an SPDX' };

/**
 * A CycloneDX or SPDX BOM met in a scan: read whole up to the JSON limit (a BOM is a small
 * record, and JSON has to be read whole to be read at all), then walked within BomLimits.
 * Anything unreadable is a `bom/*` anomaly, never an exception.
 */
export async function parseBom(reader: ByteReader, context: AnalyseContext, limits: BomLimits = DEFAULT_BOM_LIMITS): Promise<BomArtifact> {
  const promise = bomNamePromise(context.name);
  const named = promise === 'cyclonedx' || promise === 'spdx' ? promise : undefined;
  const artifact = (spec: BomSpecFamily, anomalies: Anomaly[]): BomArtifact => ({ path: context.path, format: 'ai-bom', size: reader.size, anomalies, children: [], bom: { spec, components: [] } });
  const guess = (): Promise<BomSpecFamily> => reader.read(0, HEAD_BYTES).then((head) => specOfHead(head) ?? named ?? 'cyclonedx');

  const cap = context.options.maxJsonBytes;
  if (reader.size > cap) {
    return artifact(await guess(), [anomaly(BOM_CODES.limit, `the BOM is ${reader.size} bytes, over the ${cap}-byte JSON limit, so it was not read and vouches for nothing`, undefined, { size: reader.size, limit: cap })]);
  }
  let text: string;
  try {
    // A UTF-8 byte-order mark is dropped, as JSON tools reading BOMs do.
    text = new TextDecoder('utf-8', { fatal: true }).decode(await reader.read(0, reader.size));
  } catch {
    return artifact(await guess(), [anomaly(BOM_CODES.malformed, 'the BOM is not valid UTF-8 text, so it was not read and vouches for nothing')]);
  }
  const reading = readBomText(text, limits);
  if (!reading.ok) return artifact(await guess(), [reading.anomaly]);
  const anomalies = [...reading.anomalies];
  if (named && named !== reading.spec) {
    anomalies.unshift(anomaly(BOM_CODES.kindMismatch, `the file is named as ${SPEC_TEXT[named]} but holds ${WITH_ARTICLE[reading.spec]} document; tools that go by the name will not read it`, undefined, { named, found: reading.spec }));
  }
  const modelRefs = modelRefsOf(reading.components);
  return {
    path: context.path,
    format: 'ai-bom',
    size: reader.size,
    anomalies,
    children: [],
    ...(modelRefs.length ? { modelRefs } : {}),
    bom: { spec: reading.spec, ...(reading.specVersion !== undefined ? { specVersion: reading.specVersion } : {}), components: reading.components },
  };
}
