import type { AnalyseOptions } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { decodeLazy, skippedOf } from '../protobuf/lazy.js';
import { problemAnomalies } from '../protobuf/problems.js';
import { TF_CODES } from './codes.js';
import type { KerasJson } from './keras-json.js';
import { TF_PROBLEM_CODES, tfLimits } from './saved-model.js';
import { KerasMetadataTypes, type SavedMetadata } from './schema.js';

/** Decodes keras_metadata.pb (SavedMetadata): one JSON layer config per saved object. */
export async function scanKerasMetadata(reader: ByteReader, options: AnalyseOptions): Promise<{ items: KerasJson[]; anomalies: Anomaly[] }> {
  const objectType = KerasMetadataTypes['keras_saved_metadata.SavedObject'];
  const { message, problems } = await decodeLazy(
    KerasMetadataTypes['keras_saved_metadata.SavedMetadata'],
    reader,
    tfLimits(options, (type, field) => (type === objectType && field.name === 'metadata' ? options.maxJsonBytes : undefined)),
  );
  const anomalies = problemAnomalies(problems, TF_PROBLEM_CODES, 'tf.keras.models.load_model');
  const items: KerasJson[] = [];
  for (const [i, node] of ((message as unknown as SavedMetadata).nodes ?? []).entries()) {
    const at = `keras_metadata.pb node ${node.node_id ?? i} (${node.node_path || node.identifier || '?'})`;
    const skipped = skippedOf(node).metadata;
    if (skipped?.length) {
      anomalies.push(anomaly(TF_CODES.sizeLimit, `not fully analysed: the layer config at ${at} is larger than the ${options.maxJsonBytes}-byte JSON limit`, skipped[0].offset, { bytes: skipped[0].bytes }));
    } else if (node.metadata) items.push({ at, json: node.metadata });
  }
  if (items.length === 0 && anomalies.length === 0) {
    anomalies.push(anomaly(TF_CODES.badMetadata, 'keras_metadata.pb holds no layer config, so tf.keras cannot rebuild the model from it'));
  }
  return { items, anomalies };
}
