import zlib from 'node:zlib';
import type { AnalyseContext, FormatHandler } from '../../engine/format-handler.js';
import { sliceReader } from '../../sources/readers.js';
import type { Anomaly, Artifact, ByteReader } from '../../types.js';
import {
  bzip2Stream,
  measure,
  rawDeflateStream,
  rawLzma2Stream,
  rawLzmaStream,
  streamAnomalies,
  streamReader,
  type DecodeStream,
  type DecompressionCaps,
  type OpenStream,
} from '../compression/index.js';
import { pathEscapes, sevenZipAnomaly } from './anomalies.js';
import {
  folderSize,
  isEncodedHeader,
  parseSignatureHeader,
  readEncodedHeader,
  readHeader,
  SEVEN_ZIP_MAGIC,
  SevenZipHeaderError,
  SIGNATURE_HEADER_SIZE,
  type Folder,
  type SevenZipFile,
  type StreamsInfo,
} from './sevenzip-header.js';
import { linkEscapes } from './tar.js';
import type { SevenZipArtifact } from './types.js';

/**
 * 7z archives (public-bypasses #48, "nullifAI": a pickle in a 7z container that scanners
 * skipped). Library decision: no maintained JS/WASM 7z reader lists and extracts members from
 * a ByteReader with bounded memory — `7z-wasm` (7-Zip under Emscripten) reads whole files from
 * its in-memory file system and writes members there; `7z-iterator` works on paths through
 * temporary files and pulls `xz-compat`, which may install a native module at run time. So the
 * header is read here, and folders made of one copy, LZMA, LZMA2, Deflate or BZip2 coder (what
 * 7-Zip and p7zip write by default) are decoded with this project's streaming decoders; members
 * are analysed from a window on their folder. Anything else (coder chains such as BCJ, PPMd,
 * AES encryption, an unreadable header) is reported, never passed: its members were not checked.
 */

/** The header is packed (or encrypted) with coders not decoded here. */
class UnsupportedHeader extends Error {}

const METHODS: Record<string, string> = {
  '00': 'copy', '030101': 'LZMA', '21': 'LZMA2', '040108': 'Deflate', '040202': 'BZip2',
  '03030103': 'BCJ', '0303011b': 'BCJ2', '030401': 'PPMd', '06f10701': 'AES-256', '03': 'Delta',
};
const methodName = (id: string): string => METHODS[id] ?? `method ${id}`;

/** Largest (decoded) header read into memory. */
const MAX_HEADER = 64 * 1024 * 1024;
const MAX_LINK_TARGET = 4096;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UNIX_EXTENSION = 0x8000;

const baseName = (name: string): string => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
const q = (s: string): string => JSON.stringify(s);

/** A decoder for a folder of one coder, or why there is none. */
function folderOpener(reader: ByteReader, info: StreamsInfo, folder: Folder): OpenStream | string {
  if (folder.coders.length !== 1 || folder.packedStreams.length !== 1) {
    return `a chain of ${folder.coders.map((c) => methodName(c.method)).join(' + ')}`;
  }
  const coder = folder.coders[0]!;
  let start = info.packPos;
  for (let i = 0; i < folder.firstPackStream; i++) start += info.packSizes[i] ?? 0;
  const length = info.packSizes[folder.firstPackStream];
  if (length === undefined) return 'a folder without a pack stream';
  const absolute = SIGNATURE_HEADER_SIZE + start;
  if (absolute + length > reader.size) return 'a pack stream past the end of the file';
  const packed = sliceReader(reader, absolute, length);
  const size = folderSize(folder);
  switch (coder.method) {
    case '00':
      return (): DecodeStream => copyStream(packed);
    case '030101':
      return () => rawLzmaStream(packed, coder.properties, size);
    case '21':
      return () => rawLzma2Stream(packed, coder.properties);
    case '040108':
      return () => rawDeflateStream(packed, 0, packed.size);
    case '040202':
      return () => bzip2Stream(packed);
    default:
      return methodName(coder.method);
  }
}

/** Stored (copy) data as a stream, so every folder is read the same way. */
function copyStream(packed: ByteReader): DecodeStream {
  let at = 0;
  let done = false;
  return {
    get consumed() {
      return at;
    },
    get end() {
      return done ? { state: 'complete' as const, end: packed.size } : undefined;
    },
    close() {
      done = true;
    },
    async next() {
      if (done || at >= packed.size) {
        done = true;
        return null;
      }
      const chunk = await packed.read(at, Math.min(1 << 20, packed.size - at));
      if (chunk.length === 0) {
        done = true;
        return null;
      }
      at += chunk.length;
      return chunk;
    },
  };
}

/** Reads the header, decoding it first when it is packed (7-Zip's default). */
async function readArchiveHeader(reader: ByteReader, caps: DecompressionCaps) {
  const sig = parseSignatureHeader(await reader.read(0, SIGNATURE_HEADER_SIZE), (b) => zlib.crc32(b) >>> 0);
  if (!sig.startHeaderCrcOk) throw new SevenZipHeaderError('the start header fails its CRC');
  const at = SIGNATURE_HEADER_SIZE + sig.nextHeaderOffset;
  if (sig.nextHeaderSize === 0) return { files: [] as SevenZipFile[] };
  if (at + sig.nextHeaderSize > reader.size) throw new SevenZipHeaderError('the header lies past the end of the file');
  if (sig.nextHeaderSize > MAX_HEADER) throw new SevenZipHeaderError(`a ${sig.nextHeaderSize}-byte header is larger than modelvet reads`);
  let bytes = await reader.read(at, sig.nextHeaderSize);
  if (zlib.crc32(bytes) >>> 0 !== sig.nextHeaderCrc) throw new SevenZipHeaderError('the header fails its CRC');
  for (let round = 0; isEncodedHeader(bytes); round++) {
    if (round >= 4) throw new SevenZipHeaderError('the header is packed too many times');
    const info = readEncodedHeader(bytes);
    const folder = info.folders[0];
    if (!folder) throw new SevenZipHeaderError('a packed header without a folder');
    const open = folderOpener(reader, info, folder);
    if (typeof open === 'string') throw new UnsupportedHeader(open);
    const m = await measure(open(), { maxBytes: Math.min(MAX_HEADER, caps.maxBytes), maxRatio: caps.maxRatio });
    if (m.limit || m.end?.state !== 'complete' || m.size !== folderSize(folder)) throw new SevenZipHeaderError('the packed header does not decode');
    bytes = await streamReader(open, m.size).read(0, m.size);
  }
  return readHeader(bytes);
}

function checkNames(files: SevenZipFile[], anomalies: Anomaly[]): void {
  files.forEach((f, index) => {
    if (pathEscapes(f.name)) {
      anomalies.push(sevenZipAnomaly('7z/path-traversal', `extracting member ${q(f.name)} writes outside the target folder`, { name: f.name, index }));
    }
  });
}

const isLink = (f: SevenZipFile): boolean => f.attributes !== undefined && (f.attributes & UNIX_EXTENSION) !== 0 && ((f.attributes >>> 16) & S_IFMT) === S_IFLNK;

async function analyseSevenZip(reader: ByteReader, context: AnalyseContext): Promise<SevenZipArtifact> {
  const { options, path } = context;
  const anomalies: Anomaly[] = [];
  const children: Artifact[] = [];
  const artifact: SevenZipArtifact = { path, format: '7z', size: reader.size, anomalies, children, sevenZip: {} };
  const caps = { maxBytes: options.maxMemberBytes, maxRatio: options.maxCompressionRatio };
  let header;
  try {
    header = await readArchiveHeader(reader, caps);
  } catch (err) {
    if (err instanceof UnsupportedHeader) {
      anomalies.push(sevenZipAnomaly('7z/unsupported-coder', `the 7z header is packed with ${err.message}, which modelvet does not decode: its members were not checked`, { header: true, coders: err.message }));
      return artifact;
    }
    // Any failure here (not only the header checks' own) leaves the members unchecked: fail closed on this archive, keep the scan going.
    const message = err instanceof SevenZipHeaderError ? err.message : `unexpected: ${(err as Error).message ?? String(err)}`;
    anomalies.push(sevenZipAnomaly('7z/bad-header', `the 7z header cannot be read (${message}): its members were not checked`, { error: message }));
    return artifact;
  }
  const { files, streams } = header;
  artifact.sevenZip.members = files.length;
  checkNames(files, anomalies);
  if (files.length > options.maxArchiveMembers) {
    anomalies.push(sevenZipAnomaly('7z/too-many-entries', `the 7z archive lists ${files.length} members, more than ${options.maxArchiveMembers}: the rest were not analysed`, {
      members: files.length, limit: options.maxArchiveMembers,
    }));
  }

  // Files with data take the folders' sub-streams in order.
  const withData = files.filter((f) => f.hasStream);
  const subStreams = streams?.subStreams ?? [];
  const streamCount = subStreams.reduce((s, f) => s + f.length, 0);
  if (withData.length !== streamCount) {
    anomalies.push(sevenZipAnomaly('7z/bad-header', `the 7z header lists ${withData.length} files with data but ${streamCount} streams: its members were not checked`, {
      files: withData.length, streams: streamCount,
    }));
    return artifact;
  }
  let next = 0;
  let analysed = 0;
  for (const [i, folder] of (streams?.folders ?? []).entries()) {
    const members = subStreams[i]!.map((size) => ({ file: withData[next++]!, size }));
    if (members.length === 0) continue;
    const open = folderOpener(reader, streams!, folder);
    if (typeof open === 'string') {
      anomalies.push(sevenZipAnomaly('7z/unsupported-coder', `7z folder ${i} uses ${open}, which modelvet does not decode: ${members.map((m) => q(m.file.name)).join(', ')} not checked`, {
        folder: i, coders: folder.coders.map((c) => c.method), members: members.map((m) => m.file.name),
      }));
      continue;
    }
    const m = await measure(open(), caps);
    // Bytes after a folder's coded data are 7-Zip's concern, not a loader's: no trailing-data check (file size 0).
    anomalies.push(...streamAnomalies(m, `7z folder ${i}`, methodName(folder.coders[0]!.method), caps, 0));
    const content = streamReader(open, m.size);
    let offset = 0;
    for (const { file, size } of members) {
      const start = offset;
      offset += size;
      if (analysed >= options.maxArchiveMembers) continue;
      analysed++;
      const member = sliceReader(content, start, size);
      if (isLink(file)) {
        await describeLink(member, file, anomalies);
        continue;
      }
      children.push(await context.analyseChild(member, `${path}!${file.name}`, baseName(file.name)));
    }
  }
  return artifact;
}

/** A p7zip symlink stores its target as the member's data: read it when small. */
async function describeLink(member: ByteReader, file: SevenZipFile, anomalies: Anomaly[]): Promise<void> {
  const detail: Record<string, unknown> = { name: file.name, type: 'symlink' };
  let message = `member ${q(file.name)} is a symlink`;
  if (member.size <= MAX_LINK_TARGET) {
    const linkName = new TextDecoder('utf-8').decode(await member.read(0, member.size));
    detail.linkName = linkName;
    detail.escapes = linkEscapes(file.name, linkName, 'symlink');
    message = `member ${q(file.name)} is a symlink to ${q(linkName)}`;
  }
  anomalies.push(sevenZipAnomaly('7z/link', message, detail));
}

export const sevenZipHandler: FormatHandler = {
  format: '7z',
  stage: 'magic',
  sniff: ({ head }) => SEVEN_ZIP_MAGIC.every((b, i) => head[i] === b),
  analyse: analyseSevenZip,
};

