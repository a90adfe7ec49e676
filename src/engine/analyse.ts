import type { Anomaly, Artifact, ByteReader } from '../types.js';
import type { AnalyseContext, AnalyseOptions, LocalFile, SiblingFiles } from './format-handler.js';
import { FORMAT_HANDLERS, ZIP_FLAVOURS } from './handlers.js';
import { analysePickle, sniffPickle } from '../parsers/pickle/index.js';
import type { PickleAnalysis, PickleArtifact } from '../parsers/pickle/types.js';
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
import { DEFAULT_LIMITS } from './limits.js';

export type { AnalyseOptions } from './format-handler.js';

/** The limits when no configuration sets any; `analyseOptionsFrom(config)` (limits.ts) applies a config's `limits:`. */
export const DEFAULT_ANALYSE_OPTIONS: AnalyseOptions = DEFAULT_LIMITS;

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

/** The name a compressed file's content had: `a.tar.gz` → `a.tar`, `x.tgz` → `x.tar`; undefined when the name carries no compression suffix. */
function decompressedName(name: string): string | undefined {
  const m = /^(.+)\.(tgz|tbz2?|txz|gz|bz2|xz|lzma|lz4|z)$/i.exec(name);
  if (!m) return undefined;
  return /^t(gz|bz2?|xz)$/i.test(m[2]!) ? `${m[1]}.tar` : m[1];
}

async function analyseCompressed(reader: ByteReader, ctx: AnalyseContext, kind: NonNullable<ReturnType<typeof detectCompression>>): Promise<Artifact> {
  const { path, options } = ctx;
  const { reader: inflated, anomalies } = await decompressToReader(reader, kind, { maxBytes: options.maxMemberBytes, maxRatio: options.maxCompressionRatio });
  const children: Artifact[] = [];
  // `a.tar.gz!a.tar!member` reads naturally; a joblib file compressed under its own name keeps the kind.
  const inner = decompressedName(ctx.name);
  if (inflated) children.push(await ctx.analyseChild(inflated, memberPath(path, inner ?? `${kind}-decompressed`), inner ?? ctx.name));
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

const baseName = (member: string): string => member.slice(member.lastIndexOf('/') + 1);

/**
 * A member judged by content. In a model container (a torch zip) a member no parser recognises
 * adds nothing; in a generic archive it stays in the tree, so `format/unrecognized` lists it.
 */
async function addMemberByContent(children: Artifact[], reader: ByteReader, path: string, ctx: AnalyseContext, keepUnknown: boolean): Promise<void> {
  const child = await ctx.analyseChild(reader, path, baseName(path.slice(path.lastIndexOf('!') + 1)));
  if (keepUnknown || child.format !== 'unknown' || child.anomalies.length > 0) children.push(child);
}

async function analyseZip(reader: ByteReader, ctx: AnalyseContext): Promise<Artifact> {
  const { path, options } = ctx;
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
      else await addMemberByContent(children, memberReader, childPath, ctx, false);
    }
    const artifact = { ...torch.artifact, anomalies, children, size: reader.size } as Artifact;
    // torch.load reads the torch records; a loader of another zip layout (load_model on a .keras
    // name) reads its own members from the same archive: both readings count.
    const flavour = ZIP_FLAVOURS.find((f) => f.claims(dir.entries.map((e) => e.name), ctx.name));
    if (flavour) return twoReadings(artifact, await flavour.analyse(reader, { ...ctx, path: memberPath(path, flavour.format) }), `the archive is both a PyTorch checkpoint and a ${flavour.format} model: torch.load and the ${flavour.format} loader read different members`);
    return artifact;
  }
  const names = dir.entries.map((e) => e.name);
  const flavour = ZIP_FLAVOURS.find((f) => f.claims(names, ctx.name));
  if (flavour) return flavour.analyse(reader, ctx);
  // A generic zip (an .npz among them): every member judged by content, so a pickle under any name is found.
  let opened = 0;
  // In file order: a zip read through a decompressing stream (a .zip.gz) then never seeks backwards.
  for (const entry of [...dir.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
    if (entry.isDirectory) continue;
    if (++opened > options.maxArchiveMembers) {
      anomalies.push({ code: 'archive/member-limit', message: `the archive lists more than ${options.maxArchiveMembers} members; the rest were not analysed`, detail: { members: dir.entries.length, limit: options.maxArchiveMembers } });
      break;
    }
    const memberReader = await openForAnalysis(reader, entry, options, anomalies);
    if (!memberReader) continue;
    await addMemberByContent(children, memberReader, memberPath(path, memberName(entry, entry.shadowedForLoader)), ctx, true);
  }
  return { path, format: 'zip', size: reader.size, anomalies, children, zip: { entries: dir.entries.length, prependedBytes: dir.prependedBytes } };
}

async function analyseTar(reader: ByteReader, ctx: AnalyseContext, head: Uint8Array): Promise<Artifact> {
  const { path, options } = ctx;
  const tar = await parseTorchLegacyTar(reader, path);
  const fallsBack = tar?.artifact.anomalies.some((a) => a.code === 'torch/legacy-fallback');
  // When tarfile gives up, torch.load re-reads the whole file as stacked pickles: follow it there.
  if ((!tar || fallsBack) && sniffPickle(head, reader.size).isPickle) {
    const artifact = await analysePickleFile(reader, path, options);
    artifact.anomalies.push(...(tar?.artifact.anomalies ?? []));
    return artifact;
  }
  if (!tar) {
    const generic = FORMAT_HANDLERS.find((h) => h.format === 'tar');
    if (generic) return generic.analyse(reader, ctx);
    return { path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
  }
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

/**
 * Some safetensors header lengths read as pickle opcodes by chance (a `T` byte, say). A pickle
 * that imports, calls and nests nothing cannot run code, so such a reading is not a second life.
 */
function canRunCode(artifact: Artifact): boolean {
  if (!('pickle' in artifact)) return false;
  const p = artifact.pickle;
  return p.imports.length + p.calls.length + p.unresolved.length + p.nested.length > 0;
}

/** A second, independent reading of the same bytes becomes a child, and the double life a finding. */
function twoReadings(artifact: Artifact, other: Artifact, message: string): Artifact {
  artifact.children.push(other);
  artifact.anomalies.push({ code: 'container/polyglot', message, detail: { format: artifact.format, other: other.format } });
  return artifact;
}

/**
 * h5py opens any file with an HDF5 superblock after a user block; the zip (or unknown) reading
 * misses it. The signature is looked for first (reads at rising offsets), so a reader over a
 * decompressing stream is not sent back to the start after the other reading.
 */
async function withHdf5Reading(reader: ByteReader, ctx: AnalyseContext, from: number, read: () => Promise<Artifact>): Promise<Artifact> {
  const hdf5 = await hdf5Beyond(reader, from);
  const artifact = await read();
  if (!hdf5) return artifact;
  const inner = await hdf5.analyse(reader, { ...ctx, path: memberPath(ctx.path, 'hdf5') });
  if (artifact.format === 'unknown') return { ...inner, path: ctx.path };
  return twoReadings(artifact, inner, `the file is both ${artifact.format} and HDF5 (after a user block): h5py and keras.models.load_model read the HDF5 content`);
}

/**
 * Bytes that are two formats at once: pickle.load and torch.load run the pickle at byte 0 whatever
 * else the file is, while the other format's loader (h5py after a user block, a safetensors or
 * GGUF reader) sees its own content. Both readings are analysed; the double life is a finding.
 */
function polyglot(artifact: Artifact, pickled: Artifact | undefined, other = artifact.format): Artifact {
  if (pickled) artifact.children.push(pickled);
  artifact.anomalies.push({
    code: 'container/pickle-polyglot',
    message: `the file is both a pickle and ${other}: pickle.load and torch.load run the pickle, while a loader of ${other} reads the other content`,
    detail: { format: other },
  });
  return artifact;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** libhdf5 finds a superblock at 0 or after a user block of any power of two ≥ 512. */
async function hdf5Beyond(reader: ByteReader, from: number) {
  const handler = FORMAT_HANDLERS.find((h) => h.format === 'hdf5');
  if (!handler) return undefined;
  const offsets: number[] = [];
  for (let at = from; at + HDF5_SIGNATURE.length <= reader.size; at *= 2) offsets.push(at);
  // A remote reader fetches the probes in one concurrent batch instead of a round trip each.
  await reader.prefetch?.(offsets.map((at) => [at, at + HDF5_SIGNATURE.length] as const));
  for (const at of offsets) {
    const bytes = await reader.read(at, HDF5_SIGNATURE.length);
    if (HDF5_SIGNATURE.every((b, i) => bytes[i] === b)) return handler;
  }
  return undefined;
}

function headCached(reader: ByteReader, head: Uint8Array): ByteReader {
  return {
    size: reader.size,
    read: (offset, length) => (offset >= 0 && length > 0 && offset + length <= head.length ? Promise.resolve(head.subarray(offset, offset + length)) : reader.read(offset, length)),
    ...(reader.prefetch ? { prefetch: reader.prefetch.bind(reader) } : {}),
  };
}

/** The name a path's last segment gives (after any archive `!` and folder `/`). */
const nameOf = (path: string): string => baseName(path.slice(path.lastIndexOf('!') + 1));

function contextFor(path: string, name: string, depth: number, options: AnalyseOptions, file?: LocalFile, siblings?: SiblingFiles): AnalyseContext {
  return {
    path,
    name,
    depth,
    options,
    ...(file ? { file } : {}),
    ...(siblings ? { siblings } : {}),
    analyseChild: (child, childPath, childName) => analyseReader(child, childPath, depth + 1, options, { name: childName }),
    analysePickle: (child, childPath) => pickleArtifact(child, childPath, options),
  };
}

export interface AnalyseWhere {
  /** Base name of the file or member, when the path does not end in it. */
  name?: string;
  /** Set when the reader is a whole local file. */
  file?: LocalFile;
  /** Set when the reader is a whole remote file: the other files of its repo. */
  siblings?: SiblingFiles;
}

/** Detects a reader's format by content and parses it, recursing into members and nested pickles. */
export async function analyseReader(source: ByteReader, path: string, depth = 0, options: AnalyseOptions = DEFAULT_ANALYSE_OPTIONS, where: AnalyseWhere = {}): Promise<Artifact> {
  if (depth > options.maxDepth) {
    const message = `archive nesting deeper than ${options.maxDepth} levels was not opened`;
    return { path, format: 'unknown', size: source.size, anomalies: [{ code: 'archive/depth-limit', message, detail: { depth } }], children: [] };
  }
  const name = where.name ?? nameOf(path);
  const ctx = contextFor(path, name, depth, options, where.file, where.siblings);
  const head = await source.read(0, HEAD_BYTES);
  // Parsers re-read the first bytes (magic checks) after probing further in; serving those from
  // the head keeps a reader over a decompressing stream from restarting for them.
  const reader = headCached(source, head);
  const sniff = { head, size: reader.size, name };
  switch (detect(head, reader.size)) {
    case 'zip':
      return withHdf5Reading(reader, ctx, 512, () => analyseZip(reader, ctx));
    case 'tar':
      return analyseTar(reader, ctx, head);
    case 'pickle': {
      const magic = FORMAT_HANDLERS.find((h) => h.stage === 'magic' && h.format !== 'tar' && h.sniff(sniff));
      if (magic) {
        const artifact = await magic.analyse(reader, ctx);
        const pickled = await analysePickleFile(reader, memberPath(path, 'pickle'), options);
        return canRunCode(pickled) ? polyglot(artifact, pickled) : artifact;
      }
      const artifact = await analysePickleFile(reader, path, options);
      const hdf5 = await hdf5Beyond(reader, HEAD_BYTES);
      if (hdf5) artifact.children.push(polyglot(await hdf5.analyse(reader, { ...ctx, path: memberPath(path, 'hdf5') }), undefined, 'hdf5'));
      return artifact;
    }
    default: {
      if (isNpy(head)) return analyseNpy(reader, path, options);
      const magic = FORMAT_HANDLERS.find((h) => h.stage === 'magic' && h.format !== 'tar' && h.sniff(sniff));
      if (magic) return magic.analyse(reader, ctx);
      const compression = detectCompression(head);
      if (compression) return analyseCompressed(reader, ctx, compression);
      const named = FORMAT_HANDLERS.find((h) => h.stage === 'named' && h.sniff(sniff));
      if (named) return named.analyse(reader, ctx);
      // No zip magic at byte 0, yet a generic reader may still find an archive from its end.
      // The head holds HDF5 user blocks up to 2048 (the sniff saw them); larger ones lie beyond it.
      return withHdf5Reading(reader, ctx, HEAD_BYTES, async () => {
        const dir = await readZipDirectory(reader);
        if (dir.entries.length > 0 && dir.prependedBytes > 0) return analyseZip(reader, ctx);
        return { path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
      });
    }
  }
}
