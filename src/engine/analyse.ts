import type { Anomaly, Artifact, ByteReader } from '../types.js';
import { analysePickle, DEFAULT_PICKLE_BUDGETS, sniffPickle } from '../parsers/pickle/index.js';
import type { PickleAnalysis, PickleArtifact, PickleBudgets } from '../parsers/pickle/types.js';
import { parseTorchLegacy } from '../parsers/torch/legacy.js';
import { parseTorchLegacyTar } from '../parsers/torch/legacy-tar.js';
import { parseTorchZip } from '../parsers/torch/zip-checkpoint.js';
import { openMember, readZipDirectory, ZipMemberError } from '../parsers/zip/index.js';
import type { ZipEntry } from '../parsers/zip/types.js';
import { decompressToReader, detectCompression } from '../parsers/joblib/compressed.js';
import { joblibInlineData } from '../parsers/joblib/inline-arrays.js';
import { isNpy, parseNpyHeader } from '../parsers/numpy/npy.js';
import { sliceReader } from '../sources/readers.js';
import { detect, HEAD_BYTES } from './detect.js';

export interface AnalyseOptions {
  /** How deep archives inside archives are opened. */
  maxDepth: number;
  /** Largest compressed member (or compressed file) inflated into memory for analysis. */
  maxMemberBytes: number;
  /** Largest decompressed-to-compressed ratio accepted before a stream counts as a bomb. */
  maxCompressionRatio: number;
  pickleBudgets: PickleBudgets;
}

export const DEFAULT_ANALYSE_OPTIONS: AnalyseOptions = {
  maxDepth: 4,
  maxMemberBytes: 256 * 1024 * 1024,
  maxCompressionRatio: 2000,
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
  // joblib writes numpy arrays' bytes inside the pickle stream; the hook steps over them as joblib reads them.
  const inline = joblibInlineData(reader);
  const pickle = await analysePickle(reader, { budgets: options.pickleBudgets, inlineData: inline });
  return { path, format: 'pickle', size: reader.size, anomalies: [...inline.anomalies], children: nestedChildren(path, pickle), pickle };
}

async function analyseNpy(reader: ByteReader, path: string, options: AnalyseOptions): Promise<Artifact> {
  const { header, anomalies } = await parseNpyHeader(reader);
  const numpy = header
    ? { descr: header.descr, shape: header.shape, hasObject: header.hasObject, version: header.version }
    : { descr: null, shape: [], hasObject: false, version: 'unknown' };
  const children: Artifact[] = [];
  // np.load(allow_pickle=True) unpickles an object array's body: analyse it as the pickle it is.
  if (header?.hasObject) children.push(await pickleArtifact(sliceReader(reader, header.dataOffset, reader.size - header.dataOffset), memberPath(path, 'object-array'), options));
  return { path, format: 'numpy', size: reader.size, anomalies, children, numpy };
}

async function analyseCompressed(reader: ByteReader, path: string, kind: NonNullable<ReturnType<typeof detectCompression>>, depth: number, options: AnalyseOptions): Promise<Artifact> {
  const { reader: inflated, anomalies } = await decompressToReader(reader, kind, { maxBytes: options.maxMemberBytes, maxRatio: options.maxCompressionRatio });
  const children: Artifact[] = [];
  if (inflated) await addMemberByContent(children, inflated, memberPath(path, `${kind}-decompressed`), depth, options);
  return { path, format: 'compressed', size: reader.size, anomalies, children, compression: { kind, ...(inflated ? { decompressedSize: inflated.size } : {}) } };
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

/** A member judged by content; one no parser recognises adds nothing to the tree. */
async function addMemberByContent(children: Artifact[], reader: ByteReader, path: string, depth: number, options: AnalyseOptions): Promise<void> {
  const child = await analyseReader(reader, path, depth + 1, options);
  if (child.format !== 'unknown' || child.anomalies.length > 0) children.push(child);
}

async function analyseZip(reader: ByteReader, path: string, depth: number, options: AnalyseOptions): Promise<Artifact> {
  const dir = await readZipDirectory(reader);
  const torch = await parseTorchZip(reader, path, dir);
  // The torch view already carries the directory's anomalies.
  const anomalies: Anomaly[] = [...(torch ? torch.artifact.anomalies : dir.anomalies)];
  const children: Artifact[] = [];
  if (torch) {
    for (const member of torch.members) {
      if (member.role !== 'pickle' && member.role !== 'other') continue;
      const memberReader = await openForAnalysis(reader, member.entry, options, anomalies);
      if (!memberReader) continue;
      const childPath = memberPath(path, memberName(member.entry, member.shadowed));
      // The loader unpickles its pickle records whatever they hold; anything else is judged by content.
      if (member.role === 'pickle') children.push(await pickleArtifact(memberReader, childPath, options));
      else await addMemberByContent(children, memberReader, childPath, depth, options);
    }
    return { ...torch.artifact, anomalies, children, size: reader.size } as Artifact;
  }
  // A generic zip: every member judged by content, so a pickle under any name is found.
  for (const entry of dir.entries) {
    if (entry.isDirectory) continue;
    const memberReader = await openForAnalysis(reader, entry, options, anomalies);
    if (!memberReader) continue;
    await addMemberByContent(children, memberReader, memberPath(path, memberName(entry, entry.shadowedForLoader)), depth, options);
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
      if (isNpy(head)) return analyseNpy(reader, path, options);
      const compression = detectCompression(head);
      if (compression) return analyseCompressed(reader, path, compression, depth, options);
      // No zip magic at byte 0, yet a generic reader may still find an archive from its end.
      const dir = await readZipDirectory(reader);
      if (dir.entries.length > 0 && dir.prependedBytes > 0) return analyseZip(reader, path, depth, options);
      return { path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
    }
  }
}
