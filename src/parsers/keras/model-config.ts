import type { AnalyseContext } from '../../engine/format-handler.js';
import { bufferReader } from '../../sources/readers.js';
import type { Anomaly, Artifact } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { KERAS_CODES } from './codes.js';
import { inspectKerasConfigWith, type KerasContainer } from './config.js';
import type { KerasConfigInspection, KerasEmbeddedPayload } from './types.js';

export interface ConfigTextResult {
  inspection?: KerasConfigInspection;
  anomalies: Anomaly[];
  /** Payloads the config carries (a pickled torch module), analysed by content. */
  children: Artifact[];
}

/**
 * Parses a config document (config.json, the `model_config` attribute) as Keras does
 * (`json.loads`) and inspects it; payloads embedded in it become child artifacts.
 */
export async function inspectConfigText(text: string, where: { at: string; container: KerasContainer }, context: AnalyseContext): Promise<ConfigTextResult> {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message.slice(0, 200);
    return { anomalies: [anomaly(KERAS_CODES.badConfig, `${where.at} is not valid JSON (${reason}), so Keras cannot load the model and what it would build is unknown`)], children: [] };
  }
  const inspection = inspectKerasConfigWith(config, where);
  const children: Artifact[] = [];
  for (const payload of inspection.embedded) children.push(await embeddedChild(payload, where.at, context));
  return { inspection, anomalies: inspection.anomalies, children };
}

/** TorchModuleWrapper's module: base64 of torch.save() bytes, which loading torch.load()s. */
async function embeddedChild(payload: KerasEmbeddedPayload, at: string, context: AnalyseContext): Promise<Artifact> {
  const bytes = Buffer.from(payload.base64, 'base64');
  const childPath = `${context.path}!${at}!${payload.at}`;
  return context.analyseChild(bufferReader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)), childPath, 'module.pt');
}
