import type { Anomaly, Artifact, ByteReader } from '../types.js';
import { analysePickle, DEFAULT_PICKLE_BUDGETS, sniffPickle } from '../parsers/pickle/index.js';
import type { PickleAnalysis, PickleArtifact, PickleBudgets } from '../parsers/pickle/types.js';
import { parseTorchLegacy } from '../parsers/torch/legacy.js';
import { parseTorchLegacyTar } from '../parsers/torch/legacy-tar.js';
import { parseTorchZip } from '../parsers/torch/zip-checkpoint.js';
import { openMember, readZipDirectory, ZipMemberError } from '../parsers/zip/index.js';
import type { ZipEntry } from '../parsers/zip/types.js';
import { detect, HEAD_BYTES } from './detect.js';

export interface AnalyseOptions {
  /** How deep archives inside archives are opened. */
  maxDepth: number;
  /** Largest compressed member inflated into memory for analysis. */
  maxMemberBytes: number;
  pickleBudgets: PickleBudgets;
}

export const DEFAULT_ANALYSE_OPTIONS: AnalyseOptions = {
  maxDepth: 4,
  maxMemberBytes: 256 * 1024 * 1024,
  pickleBudgets: DEFAULT_PICKLE_BUDGETS,
};

const memberPath = (parent: string, member: string): string => `${parent}!${member}`;

/** Nested pickles (bytes handed to pickle.loads & co.) become child artifacts, so their findings carry their own path. */
function nestedChildren(path: string, analysis: PickleAnalysis): Artifact[] {
  return analysis.nested
    .filter((n) => n.analysis !== undefined)
    .map((n) => {
      const child: PickleArtifact = {
        path: memberPath(path, `${n.via}@${n.offset}`),
        format: 'pickle',
        size: n.length ?? 0,
        anomalies: [],
        children: [],
        pickle: n.analysis!,
      };
      child.children = nestedChildren(child.path, n.analysis!);
      return child;
    });
}

async function pickleArtifact(reader: ByteReader, path: string, options: AnalyseOptions): Promise<PickleArtifact> {
  const pickle = await analysePickle(reader, { budgets: options.pickleBudgets });
  return { path, format: 'pickle', size: reader.size, anomalies: [], children: nestedChildren(path, pickle), pickle };
}

/** Opens a member for analysis; a member that cannot be opened faithfully is an anomaly on the archive. */
async function openForAnalysis(reader: ByteReader, entry: ZipEntry, options: AnalyseOptions, anomalies: Anomaly[]): Promise<ByteReader | undefined> {
  try {
    return await openMember(reader, entry, { maxBytes: options.maxMemberBytes });
  } catch (err) {
    if (err instanceof ZipMemberError) anomalies.push(err.anomaly);
    else anomalies.push({ code: 'zip/inflate-error', message: `member ${entry.name} could not be read: ${(err as Error).message}`, offset: entry.localHeaderOffset, detail: { member: entry.name } });
    return undefined;
  }
}

/** A member the loader never reads (the other of two same-named entries) keeps its own path. */
const memberName = (entry: ZipEntry, shadowed: boolean | undefined): string => (shadowed ? `${entry.name}#${entry.index}` : entry.name);

async function analyseZip(reader: ByteReader, path: string, depth: number, options: AnalyseOptions): Promise<Artifact> {
  const dir = await readZipDirectory(reader);
  const torch = await parseTorchZip(reader, path, dir);
  const anomalies: Anomaly[] = [...dir.anomalies];
  const children: Artifact[] = [];
  if (torch) {
    anomalies.push(...torch.artifact.anomalies);
    for (const member of torch.members) {
      if (member.role !== 'pickle' && member.role !== 'other') continue;
      const memberReader = await openForAnalysis(reader, member.entry, options, anomalies);
      if (!memberReader) continue;
      const childPath = memberPath(path, memberName(member.entry, member.shadowed));
      // The loader unpickles its pickle records whatever they hold; anything else is judged by content.
      if (member.role === 'pickle') children.push(await pickleArtifact(memberReader, childPath, options));
      else {
        const child = await analyseReader(memberReader, childPath, depth + 1, options);
        if (child.format !== 'unknown' || child.anomalies.length > 0) children.push(child);
      }
    }
    return { ...torch.artifact, anomalies, children, size: reader.size } as Artifact;
  }
  // A generic zip: every member judged by content, so a pickle under any name is found.
  for (const entry of dir.entries) {
    if (entry.isDirectory) continue;
    const memberReader = await openForAnalysis(reader, entry, options, anomalies);
    if (!memberReader) continue;
    const child = await analyseReader(memberReader, memberPath(path, memberName(entry, entry.shadowedForLoader)), depth + 1, options);
    if (child.format !== 'unknown' || child.anomalies.length > 0) children.push(child);
  }
  return { path, format: 'zip', size: reader.size, anomalies, children, zip: { entries: dir.entries.length, prependedBytes: dir.prependedBytes } };
}

async function analyseTar(reader: ByteReader, path: string, head: Uint8Array, options: AnalyseOptions): Promise<Artifact> {
  const tar = await parseTorchLegacyTar(reader, path);
  const fallsBack = tar?.artifact.anomalies.some((a) => a.code === 'torch/legacy-fallback');
  // When tarfile gives up, torch.load re-reads the whole file as stacked pickles: follow it there.
  if ((!tar || fallsBack) && sniffPickle(head, reader.size).isPickle) {
    const artifact = await analysePickleFile(reader, path, options);
    artifact.anomalies.push(...(tar?.artifact.anomalies ?? []));
    return artifact;
  }
  if (!tar) return { path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
  const children: Artifact[] = [];
  for (const member of tar.members) {
    if (member.role !== 'pickle') continue;
    children.push(await pickleArtifact(member.reader, memberPath(path, member.shadowed ? `${member.name}#${member.entry.index}` : member.name), options));
  }
  return { ...tar.artifact, children, size: reader.size } as Artifact;
}

async function analysePickleFile(reader: ByteReader, path: string, options: AnalyseOptions): Promise<Artifact> {
  const legacy = await parseTorchLegacy(reader, path);
  const artifact: Artifact = legacy
    ? { ...legacy, children: nestedChildren(path, legacy.pickle) }
    : await pickleArtifact(reader, path, options);
  const analysis = (artifact as PickleArtifact).pickle;
  const lastEnd = analysis.streams.at(-1)?.end ?? 0;
  // Bytes left after the pickles may be a zip a generic reader would open instead: a polyglot.
  if (lastEnd < reader.size && !(legacy && legacy.legacy.magicOk)) {
    const dir = await readZipDirectory(reader);
    if (dir.entries.length > 0) {
      artifact.anomalies.push({
        code: 'container/pickle-zip-polyglot',
        message: `the file starts with a pickle that torch.load runs, while a generic zip reader sees a ${dir.entries.length}-member zip archive`,
        offset: lastEnd,
        detail: { zipEntries: dir.entries.length, prependedBytes: dir.prependedBytes },
      });
    }
  }
  return artifact;
}

/** Detects a reader's format by content and parses it, recursing into members and nested pickles. */
export async function analyseReader(reader: ByteReader, path: string, depth = 0, options: AnalyseOptions = DEFAULT_ANALYSE_OPTIONS): Promise<Artifact> {
  if (depth > options.maxDepth) {
    const message = `archive nesting deeper than ${options.maxDepth} levels was not opened`;
    return { path, format: 'unknown', size: reader.size, anomalies: [{ code: 'archive/depth-limit', message, detail: { depth } }], children: [] };
  }
  const head = await reader.read(0, HEAD_BYTES);
  switch (detect(head, reader.size)) {
    case 'zip':
      return analyseZip(reader, path, depth, options);
    case 'tar':
      return analyseTar(reader, path, head, options);
    case 'pickle':
      return analysePickleFile(reader, path, options);
    default: {
      // No zip magic at byte 0, yet a generic reader may still find an archive from its end.
      const dir = await readZipDirectory(reader);
      if (dir.entries.length > 0 && dir.prependedBytes > 0) return analyseZip(reader, path, depth, options);
      return { path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
    }
  }
}
