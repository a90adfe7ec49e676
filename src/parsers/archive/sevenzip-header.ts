/**
 * The 7z header (7zFormat.txt from the LZMA SDK): signature header, then the (often
 * LZMA-encoded) header listing pack streams, folders (coder chains) and files. Only what
 * listing and extraction need is kept; every count is checked against the bytes left, so a
 * hostile count cannot make the parser allocate or loop beyond the header's own size.
 */

export const SEVEN_ZIP_MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] as const;
export const SIGNATURE_HEADER_SIZE = 32;

export class SevenZipHeaderError extends Error {}

/** Most files listed: a larger archive is reported, not listed. */
const MAX_FILES = 1_000_000;

const ID = {
  end: 0x00,
  header: 0x01,
  archiveProperties: 0x02,
  additionalStreamsInfo: 0x03,
  mainStreamsInfo: 0x04,
  filesInfo: 0x05,
  packInfo: 0x06,
  unpackInfo: 0x07,
  subStreamsInfo: 0x08,
  size: 0x09,
  crc: 0x0a,
  folder: 0x0b,
  codersUnpackSize: 0x0c,
  numUnpackStream: 0x0d,
  emptyStream: 0x0e,
  emptyFile: 0x0f,
  name: 0x11,
  winAttributes: 0x15,
  encodedHeader: 0x17,
  dummy: 0x19,
} as const;

export interface Coder {
  /** Method id as hex, e.g. `030101` (LZMA), `21` (LZMA2), `00` (copy). */
  method: string;
  properties: Uint8Array;
  inStreams: number;
  outStreams: number;
}

export interface Folder {
  coders: Coder[];
  /** Bind pairs and packed-stream indices: only single-coder folders are decoded. */
  bindPairs: number;
  packedStreams: number[];
  /** Unpack size of each coder output; the folder's size is the last unbound one. */
  unpackSizes: number[];
  /** Index of the first pack stream this folder reads. */
  firstPackStream: number;
}

export interface StreamsInfo {
  packPos: number;
  packSizes: number[];
  folders: Folder[];
  /** Files (sub-streams) in each folder and their sizes. */
  subStreams: number[][];
  /** Folders whose unpack CRC the coders info gives (their single sub-stream needs no digest of its own). */
  folderCrcDefined: boolean[];
}

export interface SevenZipFile {
  name: string;
  hasStream: boolean;
  isDirectory: boolean;
  /** Windows attributes; p7zip puts the Unix mode in the high 16 bits when bit 0x8000 is set. */
  attributes?: number;
}

export interface SevenZipHeader {
  streams?: StreamsInfo;
  files: SevenZipFile[];
}

export interface SignatureHeader {
  major: number;
  nextHeaderOffset: number;
  nextHeaderSize: number;
  nextHeaderCrc: number;
  startHeaderCrc: number;
  startHeaderCrcOk: boolean;
}

const le32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const le64 = (b: Uint8Array, i: number): number => le32(b, i + 4) * 2 ** 32 + le32(b, i);

export function parseSignatureHeader(b: Uint8Array, crc32: (bytes: Uint8Array) => number): SignatureHeader {
  if (b.length < SIGNATURE_HEADER_SIZE || !SEVEN_ZIP_MAGIC.every((m, i) => b[i] === m)) throw new SevenZipHeaderError('no 7z signature header');
  const startHeaderCrc = le32(b, 8);
  return {
    major: b[6]!,
    startHeaderCrc,
    startHeaderCrcOk: crc32(b.subarray(12, 32)) === startHeaderCrc,
    nextHeaderOffset: le64(b, 12),
    nextHeaderSize: le64(b, 20),
    nextHeaderCrc: le32(b, 28),
  };
}

class Cursor {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  get left(): number {
    return this.b.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.b.length) throw new SevenZipHeaderError('the 7z header ends early');
    return this.b[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n > this.left) throw new SevenZipHeaderError('a 7z header field runs past the header');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** 7z's variable-length number: the first byte's leading 1-bits count the bytes that follow. */
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
      value += this.byte() * 2 ** (8 * i);
      mask >>>= 1;
    }
    return value;
  }

  /** A count of items each taking at least `minBytes` of what is left: a larger one is a lie. */
  count(minBytes = 1): number {
    const n = this.number();
    if (n * minBytes > this.left + 1 || n > 0xffffffff) throw new SevenZipHeaderError('a 7z count larger than the header');
    return n;
  }

  uint32(): number {
    return le32(this.bytes(4), 0);
  }

  expect(id: number): void {
    const got = this.byte();
    if (got !== id) throw new SevenZipHeaderError(`unexpected 7z header property 0x${got.toString(16)} (expected 0x${id.toString(16)})`);
  }

  bits(n: number): boolean[] {
    const out: boolean[] = [];
    let byte = 0;
    for (let i = 0; i < n; i++) {
      if (i % 8 === 0) byte = this.byte();
      out.push((byte & (0x80 >>> i % 8)) !== 0);
    }
    return out;
  }

  /** AllAreDefined, then a bit field when not: which items the following values belong to. */
  defined(n: number): boolean[] {
    return this.byte() !== 0 ? new Array<boolean>(n).fill(true) : this.bits(n);
  }

  skipDigests(n: number): void {
    const defined = this.defined(n);
    this.bytes(4 * defined.filter(Boolean).length);
  }
}

function readPackInfo(c: Cursor, info: StreamsInfo): void {
  info.packPos = c.number();
  const n = c.count();
  for (;;) {
    const id = c.byte();
    if (id === ID.end) break;
    if (id === ID.size) for (let i = 0; i < n; i++) info.packSizes.push(c.number());
    else if (id === ID.crc) c.skipDigests(n);
    else throw new SevenZipHeaderError(`unexpected property 0x${id.toString(16)} in 7z pack info`);
  }
  if (info.packSizes.length !== n) throw new SevenZipHeaderError('7z pack info without sizes');
}

function readFolder(c: Cursor): Omit<Folder, 'unpackSizes' | 'firstPackStream'> {
  const numCoders = c.count(2);
  if (numCoders < 1 || numCoders > 64) throw new SevenZipHeaderError('a 7z folder with an invalid number of coders');
  const coders: Coder[] = [];
  let ins = 0;
  let outs = 0;
  for (let i = 0; i < numCoders; i++) {
    const flags = c.byte();
    if (flags & 0xc0) throw new SevenZipHeaderError('7z coder flags with alternative methods');
    const id = c.bytes(flags & 0x0f);
    const inStreams = flags & 0x10 ? c.number() : 1;
    const outStreams = flags & 0x10 ? c.number() : 1;
    if (inStreams > 64 || outStreams > 64) throw new SevenZipHeaderError('a 7z coder with too many streams');
    const properties = flags & 0x20 ? c.bytes(c.count()) : new Uint8Array(0);
    coders.push({ method: [...id].map((b) => b.toString(16).padStart(2, '0')).join(''), properties, inStreams, outStreams });
    ins += inStreams;
    outs += outStreams;
  }
  const bindPairs = outs - 1;
  if (bindPairs < 0 || bindPairs > ins) throw new SevenZipHeaderError('7z folder streams do not add up');
  for (let i = 0; i < bindPairs; i++) {
    c.number();
    c.number();
  }
  const packed = ins - bindPairs;
  const packedStreams: number[] = [];
  if (packed === 1) packedStreams.push(0);
  else for (let i = 0; i < packed; i++) packedStreams.push(c.number());
  return { coders, bindPairs, packedStreams };
}

function readUnpackInfo(c: Cursor, info: StreamsInfo): void {
  c.expect(ID.folder);
  const n = c.count(3);
  if (c.byte() !== 0) throw new SevenZipHeaderError('7z folders stored outside the header are not supported');
  let pack = 0;
  const partial = [];
  for (let i = 0; i < n; i++) {
    const f = readFolder(c);
    partial.push({ ...f, unpackSizes: [] as number[], firstPackStream: pack });
    pack += f.packedStreams.length;
  }
  c.expect(ID.codersUnpackSize);
  for (const f of partial) {
    const outs = f.coders.reduce((s, k) => s + k.outStreams, 0);
    for (let i = 0; i < outs; i++) f.unpackSizes.push(c.number());
  }
  info.folders = partial;
  for (;;) {
    const id = c.byte();
    if (id === ID.end) break;
    if (id === ID.crc) {
      info.folderCrcDefined = c.defined(n);
      c.bytes(4 * info.folderCrcDefined.filter(Boolean).length);
    } else throw new SevenZipHeaderError(`unexpected property 0x${id.toString(16)} in 7z coders info`);
  }
}

/** The size of a folder's final output (the coder output no bind pair consumes: for one coder, its only one). */
export const folderSize = (f: Folder): number => f.unpackSizes[f.unpackSizes.length - 1] ?? 0;

function readSubStreams(c: Cursor, info: StreamsInfo): void {
  const counts = info.folders.map(() => 1);
  let id = c.byte();
  if (id === ID.numUnpackStream) {
    for (let i = 0; i < counts.length; i++) counts[i] = c.count(0);
    id = c.byte();
  }
  const total = counts.reduce((s, n) => s + n, 0);
  if (total > MAX_FILES) throw new SevenZipHeaderError('a 7z header lists too many streams');
  info.subStreams = info.folders.map(() => []);
  const sizesGiven = id === ID.size;
  info.folders.forEach((f, i) => {
    const n = counts[i]!;
    if (n === 0) return;
    let sum = 0;
    for (let k = 0; k < n - 1 && sizesGiven; k++) {
      const s = c.number();
      info.subStreams[i]!.push(s);
      sum += s;
    }
    if (sum > folderSize(f)) throw new SevenZipHeaderError('7z sub-stream sizes exceed their folder');
    info.subStreams[i]!.push(folderSize(f) - sum);
  });
  if (sizesGiven) id = c.byte();
  while (id !== ID.end) {
    if (id !== ID.crc) throw new SevenZipHeaderError(`unexpected property 0x${id.toString(16)} in 7z sub-streams info`);
    // Digests for the streams whose CRC the folder does not already give.
    c.skipDigests(counts.reduce((sum, n, i) => sum + (n === 1 && info.folderCrcDefined[i] ? 0 : n), 0));
    id = c.byte();
  }
}

function readStreamsInfo(c: Cursor): StreamsInfo {
  const info: StreamsInfo = { packPos: 0, packSizes: [], folders: [], subStreams: [], folderCrcDefined: [] };
  let sawSub = false;
  for (;;) {
    const id = c.byte();
    if (id === ID.end) break;
    if (id === ID.packInfo) readPackInfo(c, info);
    else if (id === ID.unpackInfo) readUnpackInfo(c, info);
    else if (id === ID.subStreamsInfo) {
      readSubStreams(c, info);
      sawSub = true;
    } else throw new SevenZipHeaderError(`unexpected property 0x${id.toString(16)} in 7z streams info`);
  }
  if (!sawSub) info.subStreams = info.folders.map((f) => [folderSize(f)]);
  return info;
}

function readFiles(c: Cursor): SevenZipFile[] {
  const n = c.count(0);
  // Every file takes at least a bit of some property; the hard cap bounds memory for the list.
  if (n > MAX_FILES || n > c.left * 8 + 8) throw new SevenZipHeaderError('a 7z header lists more files than it can describe');
  const files: SevenZipFile[] = Array.from({ length: n }, () => ({ name: '', hasStream: true, isDirectory: false }));
  let emptyStream: boolean[] = [];
  let emptyFile: boolean[] = [];
  for (;;) {
    const type = c.byte();
    if (type === ID.end) break;
    const size = c.count();
    const body = new Cursor(c.bytes(size));
    switch (type) {
      case ID.emptyStream:
        emptyStream = body.bits(n);
        break;
      case ID.emptyFile:
        emptyFile = body.bits(emptyStream.filter(Boolean).length);
        break;
      case ID.name: {
        if (body.byte() !== 0) throw new SevenZipHeaderError('7z names stored outside the header are not supported');
        const raw = body.bytes(body.left);
        let start = 0;
        let i = 0;
        for (let at = 0; at + 1 < raw.length && i < n; at += 2) {
          if (raw[at] === 0 && raw[at + 1] === 0) {
            files[i++]!.name = Buffer.from(raw.subarray(start, at)).toString('utf16le');
            start = at + 2;
          }
        }
        if (i !== n) throw new SevenZipHeaderError('7z names do not match the file count');
        break;
      }
      case ID.winAttributes: {
        const defined = body.defined(n);
        if (body.byte() !== 0) throw new SevenZipHeaderError('7z attributes stored outside the header are not supported');
        defined.forEach((d, i) => {
          if (d) files[i]!.attributes = body.uint32();
        });
        break;
      }
      default:
        // Times, anti-items, start positions, padding: not needed to list or extract.
        break;
    }
  }
  let empty = 0;
  files.forEach((f, i) => {
    if (!emptyStream[i]) return;
    f.hasStream = false;
    f.isDirectory = !emptyFile[empty++];
  });
  return files;
}

export function isEncodedHeader(b: Uint8Array): boolean {
  return b[0] === ID.encodedHeader;
}

/** The streams an encoded header is packed in (decode folder 0 to get the real header). */
export function readEncodedHeader(b: Uint8Array): StreamsInfo {
  const c = new Cursor(b);
  c.expect(ID.encodedHeader);
  return readStreamsInfo(c);
}

export function readHeader(b: Uint8Array): SevenZipHeader {
  const c = new Cursor(b);
  c.expect(ID.header);
  const header: SevenZipHeader = { files: [] };
  for (;;) {
    const id = c.byte();
    if (id === ID.end) break;
    if (id === ID.archiveProperties) {
      for (let type = c.byte(); type !== ID.end; type = c.byte()) c.bytes(c.count());
    } else if (id === ID.additionalStreamsInfo) readStreamsInfo(c);
    else if (id === ID.mainStreamsInfo) header.streams = readStreamsInfo(c);
    else if (id === ID.filesInfo) header.files = readFiles(c);
    else throw new SevenZipHeaderError(`unexpected property 0x${id.toString(16)} in the 7z header`);
  }
  return header;
}
