import type { AnalyseContext, FormatHandler, SniffInput, ZipFlavourHandler } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { inspectKerasJson } from './keras-json.js';
import { scanKerasMetadata } from './keras-metadata.js';
import { scanSavedModel } from './saved-model.js';
import type { SavedModelArtifact, SavedModelInfo } from './types.js';
import { anomaly } from '../anomaly.js';
import { TF_CODES } from './codes.js';

const artifact = (reader: ByteReader, context: AnalyseContext, anomalies: Anomaly[], savedModel: SavedModelInfo): SavedModelArtifact => ({
  path: context.path,
  format: 'tf-savedmodel',
  size: reader.size,
  anomalies,
  children: [],
  savedModel,
});

/** Nothing decoded: no graphs, ops or Keras objects to report. */
const EMPTY = { metaGraphCount: 0, tags: [], ops: [], functionCount: 0, functionCalls: 0, assetFiles: [], opUses: [] };

async function analyseSavedModel(reader: ByteReader, context: AnalyseContext): Promise<SavedModelArtifact> {
  const scan = await scanSavedModel(reader, context.options);
  const keras = inspectKerasJson(scan.kerasMetadata);
  return artifact(reader, context, [...scan.anomalies, ...keras.anomalies], { ...scan.info, kerasObjects: keras.objects });
}

async function analyseKerasMetadata(reader: ByteReader, context: AnalyseContext): Promise<SavedModelArtifact> {
  const scan = await scanKerasMetadata(reader, context.options);
  const keras = inspectKerasJson(scan.items);
  return artifact(reader, context, [...scan.anomalies, ...keras.anomalies], { kind: 'keras-metadata', ...EMPTY, kerasObjects: keras.objects });
}

/*
 * Found by name, as tf.saved_model.load finds them: `<dir>/saved_model.pb` and tf.keras's
 * `<dir>/keras_metadata.pb`. (`fingerprint.pb` holds only hashes; `saved_model.pbtxt`, the text
 * form, is not read yet.) A file with either name that does not decode is reported, not skipped.
 */
const savedModelHandler: FormatHandler = {
  format: 'tf-savedmodel',
  stage: 'named',
  sniff: ({ name }: SniffInput) => name === 'saved_model.pb',
  analyse: analyseSavedModel,
};

/**
 * tf.saved_model.load falls back to `saved_model.pbtxt` when there is no `saved_model.pb`. The
 * protobuf text format is not decoded here, so the file fails closed rather than being skipped.
 */
const savedModelTextHandler: FormatHandler = {
  format: 'tf-savedmodel',
  stage: 'named',
  sniff: ({ name }: SniffInput) => name === 'saved_model.pbtxt',
  analyse: async (reader, context) =>
    artifact(reader, context, [anomaly(TF_CODES.textFormat, 'saved_model.pbtxt is the text form of a SavedModel, which tf.saved_model.load reads when there is no saved_model.pb; modelvet does not decode the text form, so its ops were not checked')], { kind: 'saved-model', ...EMPTY, kerasObjects: 0 }),
};

const kerasMetadataHandler: FormatHandler = {
  format: 'tf-savedmodel',
  stage: 'named',
  sniff: ({ name }: SniffInput) => name === 'keras_metadata.pb',
  analyse: analyseKerasMetadata,
};

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [savedModelHandler, savedModelTextHandler, kerasMetadataHandler];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
