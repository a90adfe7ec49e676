/**
 * HDF5 files: legacy Keras `.h5` models (the config in the root `model_config` attribute) and
 * weights files. Opened with h5wasm (libhdf5 itself, as h5py reads them), in a worker with a time
 * limit. A local file is opened in place; bytes from an archive member are first copied to a
 * private temporary file (h5wasm opens paths only), up to options.maxMemberBytes.
 */
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyseContext, FormatHandler, SniffInput } from '../../engine/format-handler.js';
import type { Anomaly, Artifact, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { KERAS_CODES } from './codes.js';
import { innermostHdf5Error, readHdf5, type Hdf5AttributeValue, type Hdf5ReadResult } from './hdf5-reader.js';
import { inspectConfigText } from './model-config.js';
import type { Hdf5Artifact, KerasModelInfo } from './types.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** libhdf5 looks for the superblock at 0 and after a user block of 512, 1024, 2048, … bytes. */
const SIGNATURE_OFFSETS = [0, 512, 1024, 2048];
const COPY_CHUNK = 1 << 20;

/** Where the superblock signature is, among the offsets the first bytes cover. */
export function hdf5SignatureOffset(head: Uint8Array): number | undefined {
  return SIGNATURE_OFFSETS.find((at) => at + SIGNATURE.length <= head.length && SIGNATURE.every((b, i) => head[at + i] === b));
}

export const sniffHdf5 = ({ head }: Pick<SniffInput, 'head'>): boolean => hdf5SignatureOffset(head) !== undefined;

/** The root attributes a legacy Keras model carries. */
const KERAS_ATTRIBUTES = ['model_config', 'training_config', 'keras_version', 'backend'];

async function isWholeFile(reader: ByteReader, context: AnalyseContext): Promise<string | undefined> {
  if (!context.file) return undefined;
  try {
    const info = await stat(context.file.absolutePath);
    return info.isFile() && info.size === reader.size ? context.file.absolutePath : undefined;
  } catch {
    return undefined;
  }
}

/** Copies the bytes into a new file (mode 0600) in a private directory (mkdtemp makes it 0700). */
async function copyTo(reader: ByteReader, path: string): Promise<void> {
  const out = await open(path, 'wx', 0o600);
  try {
    for (let at = 0; at < reader.size; ) {
      const chunk = await reader.read(at, Math.min(COPY_CHUNK, reader.size - at));
      if (chunk.length === 0) break;
      await out.write(chunk);
      at += chunk.length;
    }
  } finally {
    await out.close();
  }
}

const stringValue = (v: Hdf5AttributeValue | undefined): string | undefined => {
  if (!v) return undefined;
  if (v.kind === 'string') return (v as { value: string }).value;
  if (v.kind === 'strings') {
    const list = (v as { value: string[] }).value;
    return list.length === 1 ? list[0] : undefined;
  }
  return undefined;
};

function unreadable(result: Extract<Hdf5ReadResult, { ok: false }>): Anomaly {
  const cause = innermostHdf5Error(result.diagnostics);
  if (result.timedOut) {
    return anomaly(KERAS_CODES.h5Unreadable, `not fully analysed: ${result.error}; h5py, which Keras loads .h5 files with, may hang on it too`, undefined, { timedOut: true });
  }
  return anomaly(KERAS_CODES.h5Unreadable, `the HDF5 file cannot be read (${cause ?? result.error}), so what loading it would do is unknown`, undefined, {
    error: result.error, ...(cause ? { hdf5Error: cause } : {}),
  });
}

async function analyseHdf5(reader: ByteReader, context: AnalyseContext): Promise<Hdf5Artifact> {
  const { options } = context;
  const anomalies: Anomaly[] = [];
  const children: Artifact[] = [];
  const hdf5: Hdf5Artifact['hdf5'] = { hasModelConfig: false };
  const artifact: Hdf5Artifact = { path: context.path, format: 'hdf5', size: reader.size, anomalies, children, hdf5 };
  let path = await isWholeFile(reader, context);
  let tempDir: string | undefined;
  try {
    if (path) hdf5.openedFrom = 'file';
    else if (reader.size > options.maxMemberBytes) {
      anomalies.push(anomaly(KERAS_CODES.h5NotOpened, `not fully analysed: this ${reader.size}-byte HDF5 member is larger than the ${options.maxMemberBytes}-byte member limit, so its model config was not read`, undefined, { size: reader.size, limit: options.maxMemberBytes }));
      return artifact;
    } else {
      tempDir = await mkdtemp(join(tmpdir(), 'modelvet-h5-'));
      path = join(tempDir, 'member.h5');
      await copyTo(reader, path);
      hdf5.openedFrom = 'temp-copy';
    }
    const result = await readHdf5(path, { attributes: KERAS_ATTRIBUTES, maxAttrBytes: options.maxJsonBytes, maxObjects: options.maxArchiveMembers });
    if (!result.ok) {
      anomalies.push(unreadable(result));
      return artifact;
    }
    hdf5.rootAttributes = result.attributeNames;
    hdf5.objectCount = result.objectCount;
    if (result.truncated) {
      anomalies.push(anomaly(KERAS_CODES.h5Limit, `not fully analysed: the HDF5 file has more than ${options.maxArchiveMembers} groups, datasets and links; the rest were not walked`, undefined, { limit: options.maxArchiveMembers }));
    }
    if (result.externalLinks.length > 0) hdf5.externalLinks = result.externalLinks;
    for (const link of result.externalLinks) {
      anomalies.push(anomaly(KERAS_CODES.h5ExternalLink, `loading follows the HDF5 external link ${JSON.stringify(link.at)} into the file ${JSON.stringify(link.file)} (h5py opens that file when Keras reads the link)`, undefined, { ...link }));
    }
    await readKerasAttributes(result.attributes, context, hdf5, anomalies, children);
  } catch (err) {
    anomalies.push(anomaly(KERAS_CODES.h5Unreadable, `the HDF5 file could not be read (${(err as Error).message}), so what loading it would do is unknown`));
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
  }
  return artifact;
}

async function readKerasAttributes(attrs: Record<string, Hdf5AttributeValue>, context: AnalyseContext, hdf5: Hdf5Artifact['hdf5'], anomalies: Anomaly[], children: Artifact[]): Promise<void> {
  const config = attrs.model_config;
  if (!config) return;
  hdf5.hasModelConfig = true;
  const keras: KerasModelInfo = { objects: [] };
  const version = stringValue(attrs.keras_version);
  const backend = stringValue(attrs.backend);
  if (version !== undefined) keras.kerasVersion = version.slice(0, 100);
  if (backend !== undefined) keras.backend = backend.slice(0, 100);
  hdf5.keras = keras;
  for (const name of ['model_config', 'training_config'] as const) {
    const value = attrs[name];
    if (!value) continue;
    if (value.kind === 'too-large') {
      const bytes = (value as { bytes: number }).bytes;
      anomalies.push(anomaly(KERAS_CODES.h5Limit, `not fully analysed: the ${name} attribute (${bytes} bytes) is larger than the ${context.options.maxJsonBytes}-byte JSON limit, so it was not inspected`, undefined, { attribute: name, bytes, limit: context.options.maxJsonBytes }));
      continue;
    }
    const text = stringValue(value);
    if (text === undefined) {
      anomalies.push(anomaly(KERAS_CODES.badConfig, `the ${name} attribute is not a string (${value.kind}), so Keras cannot load the model from it`, undefined, { attribute: name, kind: value.kind }));
      continue;
    }
    const { inspection, anomalies: found, children: embedded } = await inspectConfigText(text, { at: name, container: 'h5' }, context);
    anomalies.push(...found);
    children.push(...embedded);
    if (inspection && name === 'model_config') {
      keras.objects = inspection.objects;
      if (inspection.objectsTruncated) keras.objectsTruncated = true;
      if (inspection.modelClass !== undefined) keras.modelClass = inspection.modelClass;
      if (inspection.configFormat) keras.configFormat = inspection.configFormat;
    }
  }
}

export const HDF5_HANDLER: FormatHandler = {
  format: 'hdf5',
  stage: 'magic',
  sniff: sniffHdf5,
  analyse: analyseHdf5,
};
