import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { inspectKerasConfig } from '../keras/config.js';
import { TF_CODES } from './codes.js';

export interface KerasJson {
  /** Where the JSON was found (`keras_metadata.pb node 1 (root.layer-0)`). */
  at: string;
  json: string;
}

/**
 * tf.keras stores each layer's config as JSON (keras_metadata.pb, or SavedUserObject.metadata in
 * older saves), and loading rebuilds layers from it, Lambda bytecode included. Each document goes
 * through the Keras config inspector; its anomalies land on this artifact for the Keras rules.
 */
export function inspectKerasJson(items: readonly KerasJson[]): { objects: number; anomalies: Anomaly[] } {
  const anomalies: Anomaly[] = [];
  const configs: Array<{ at: string; config: unknown }> = [];
  for (const item of items) {
    try {
      configs.push({ at: item.at, config: JSON.parse(item.json) });
    } catch (err) {
      anomalies.push(anomaly(TF_CODES.badMetadata, `the tf.keras layer config at ${item.at} is not valid JSON (${(err as Error).message}), so loading the model fails`));
    }
  }
  if (configs.length === 0) return { objects: 0, anomalies };
  const seen = new Set<string>();
  let objects = 0;
  for (const { at, config } of configs) {
    let result: ReturnType<typeof inspectKerasConfig>;
    try {
      result = inspectKerasConfig(config, at);
    } catch (err) {
      anomalies.push(anomaly(TF_CODES.badMetadata, `the tf.keras layer config at ${at} could not be inspected (${(err as Error).message}), so what loading rebuilds from it is unknown`));
      continue;
    }
    objects += result.objects.length;
    // The network's config repeats its layers' own configs: the same finding at another place is reported once.
    for (const a of result.anomalies) {
      const key = `${a.code}\u0000${a.detail ? JSON.stringify({ ...a.detail, at: undefined }) : a.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      anomalies.push(a);
    }
  }
  return { objects, anomalies };
}
