/**
 * The Keras v3 `.keras` archive: a zip with config.json (the model, rebuilt object by object at
 * load), metadata.json (keras_version, date_saved) and model.weights.h5 (or .npz), plus assets.
 * Keras opens it with Python's zipfile, so of two same-named members it reads the last one; every
 * config.json in the archive is inspected all the same, and the zip reader's anomalies are kept.
 */
import type { AnalyseContext, ZipFlavourHandler } from '../../engine/format-handler.js';
import type { Anomaly, Artifact, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { openMember, readZipDirectory, ZipMemberError } from '../zip/index.js';
import type { ZipEntry } from '../zip/types.js';
import { KERAS_CODES } from './codes.js';
import { sniffHdf5 } from './hdf5.js';
import { inspectConfigText } from './model-config.js';
import type { KerasArtifact, KerasModelInfo } from './types.js';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = ['model.weights.h5', 'model.weights.npz'];
const MAX_LISTED_MEMBERS = 1000;

/**
 * keras.models.load_model picks its zip reader by the `.keras` name and builds the model from
 * config.json before it looks for weights, so that name plus a config.json is enough; under
 * another name the Keras layout (metadata or weights beside the config) has to be there.
 */
export function claimsKerasZip(names: readonly string[], name = ''): boolean {
  if (!names.includes(CONFIG)) return false;
  return name.toLowerCase().endsWith('.keras') || names.includes(METADATA) || WEIGHTS.some((w) => names.includes(w));
}

/** Each member once: the entries Python's zipfile sees too, when they differ from the loader view. */
function membersOf(entries: readonly ZipEntry[], alternate: readonly ZipEntry[] | undefined): ZipEntry[] {
  const seen = new Set(entries.map((e) => `${e.localHeaderOffset}\u0000${e.name}`));
  return [...entries, ...(alternate ?? []).filter((e) => !seen.has(`${e.localHeaderOffset}\u0000${e.name}`))];
}

async function open(reader: ByteReader, entry: ZipEntry, maxBytes: number, anomalies: Anomaly[]): Promise<ByteReader | undefined> {
  try {
    return await openMember(reader, entry, { maxBytes });
  } catch (err) {
    if (err instanceof ZipMemberError) anomalies.push(err.anomaly);
    else anomalies.push(anomaly('zip/inflate-error', `member ${entry.name} could not be read: ${(err as Error).message}`, entry.localHeaderOffset, { member: entry.name }));
    return undefined;
  }
}

async function readText(reader: ByteReader, entry: ZipEntry, context: AnalyseContext, anomalies: Anomaly[]): Promise<string | undefined> {
  const limit = Math.min(context.options.maxJsonBytes, context.options.maxMemberBytes);
  if (entry.uncompressedSize > limit) {
    anomalies.push(anomaly(KERAS_CODES.configLimit, `not fully analysed: ${entry.name} declares ${entry.uncompressedSize} bytes, more than the ${limit}-byte JSON limit, so it was not inspected`, entry.localHeaderOffset, { member: entry.name, size: entry.uncompressedSize, limit }));
    return undefined;
  }
  const member = await open(reader, entry, limit, anomalies);
  if (!member) return undefined;
  if (member.size > limit) {
    anomalies.push(anomaly(KERAS_CODES.configLimit, `not fully analysed: ${entry.name} is larger than the ${limit}-byte JSON limit, so it was not inspected`, entry.localHeaderOffset, { member: entry.name, size: member.size, limit }));
    return undefined;
  }
  try {
    // json.loads takes UTF-8 bytes (a BOM is skipped); invalid UTF-8 makes it fail.
    return new TextDecoder('utf-8', { fatal: true }).decode(await member.read(0, member.size));
  } catch {
    anomalies.push(anomaly(KERAS_CODES.badConfig, `${entry.name} is not valid UTF-8, so Keras cannot load the model from it`, entry.localHeaderOffset, { member: entry.name }));
    return undefined;
  }
}

function readMetadata(text: string, info: KerasModelInfo): void {
  // Keras does not read metadata.json when loading: a broken one only loses the version shown.
  try {
    const meta: unknown = JSON.parse(text);
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return;
    const version = Object.hasOwn(meta, 'keras_version') ? (meta as Record<string, unknown>).keras_version : undefined;
    const date = Object.hasOwn(meta, 'date_saved') ? (meta as Record<string, unknown>).date_saved : undefined;
    if (typeof version === 'string') info.kerasVersion = version.slice(0, 100);
    if (typeof date === 'string') info.dateSaved = date.slice(0, 100);
  } catch {
    // Not JSON: nothing to show.
  }
}

async function analyseKerasZip(reader: ByteReader, context: AnalyseContext): Promise<Artifact> {
  const { path, options } = context;
  const dir = await readZipDirectory(reader);
  const anomalies: Anomaly[] = [...dir.anomalies];
  const children: Artifact[] = [];
  const entries = membersOf(dir.entries, dir.alternateEntries).filter((e) => !e.isDirectory);
  const keras: KerasArtifact['keras'] = { objects: [], members: entries.slice(0, MAX_LISTED_MEMBERS).map((e) => e.name) };
  const artifact: KerasArtifact = { path, format: 'keras', size: reader.size, anomalies, children, keras };
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  const duplicates = new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
  const memberPath = (e: ZipEntry): string => `${path}!${duplicates.has(e.name) ? `${e.name}#${e.index}` : e.name}`;

  let configs = 0;
  let opened = 0;
  for (const entry of entries) {
    if (++opened > options.maxArchiveMembers) {
      anomalies.push(anomaly('archive/member-limit', `the archive lists more than ${options.maxArchiveMembers} members; the rest were not analysed`, undefined, { members: entries.length, limit: options.maxArchiveMembers }));
      break;
    }
    if (entry.name === CONFIG) {
      configs++;
      const text = await readText(reader, entry, context, anomalies);
      if (text === undefined) continue;
      const at = duplicates.has(CONFIG) ? `${CONFIG}#${entry.index}` : CONFIG;
      const result = await inspectConfigText(text, { at, container: 'keras' }, context);
      anomalies.push(...result.anomalies);
      children.push(...result.children);
      // The one Python's zipfile reads (the last of duplicates) describes the model.
      if (result.inspection && !entry.shadowedForGeneric) {
        keras.objects = result.inspection.objects;
        if (result.inspection.objectsTruncated) keras.objectsTruncated = true;
        if (result.inspection.modelClass !== undefined) keras.modelClass = result.inspection.modelClass;
        if (result.inspection.configFormat) keras.configFormat = result.inspection.configFormat;
      }
      continue;
    }
    if (entry.name === METADATA) {
      const text = await readText(reader, entry, context, []);
      if (text !== undefined) readMetadata(text, keras);
      continue;
    }
    if (WEIGHTS.includes(entry.name)) keras.weights = entry.name;
    // Weights, assets and anything else: judged by content, so a pickle under any name is found.
    const member = await open(reader, entry, options.maxMemberBytes, anomalies);
    if (!member) continue;
    if (entry.name === WEIGHTS[0] && member.size > options.maxMemberBytes && sniffHdf5({ head: await member.read(0, 4096) })) {
      // Keras reads only datasets from its own weights file, and the model is in config.json:
      // a large one is not copied out for libhdf5, only confirmed to be HDF5 (see the report).
      keras.weightsInspection = 'signature-only';
      continue;
    }
    const child = await context.analyseChild(member, memberPath(entry), entry.name.slice(entry.name.lastIndexOf('/') + 1));
    if (child.format !== 'unknown' || child.anomalies.length > 0) children.push(child);
  }
  if (configs === 0) anomalies.push(anomaly(KERAS_CODES.missingConfig, 'the .keras archive has no readable config.json, so Keras cannot load it'));
  return artifact;
}

export const KERAS_ZIP_FLAVOUR: ZipFlavourHandler = {
  format: 'keras',
  claims: (names, name) => claimsKerasZip(names, name),
  analyse: analyseKerasZip,
};
