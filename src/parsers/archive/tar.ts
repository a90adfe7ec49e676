import type { Anomaly, ByteReader } from '../../types.js';
import { pathEscapes, tarAnomaly, type TarCode } from './anomalies.js';

/**
 * A strict ustar/GNU/pax tar reader that walks headers the way CPython's tarfile does (the
 * reader torch's legacy loader uses): header checksums accepted signed or unsigned, the first
 * all-zero block ends the archive, a bad header after the first one silently ends it, GNU long
 * names and pax records patch the next header. It reads headers only, never member data.
 */

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'sparse' | 'other';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  /** The raw type flag byte, e.g. '0', '5', 'x'. */
  typeFlag: string;
  size: number;
  /** Offset of the member's data (right after its header block). */
  dataOffset: number;
  /** Offset of the first header block belonging to the member (long-name and pax blocks included). */
  headerOffset: number;
  linkName?: string;
  mode?: number;
  index: number;
}

export interface TarReadOptions {
  /** Stop after this many members (default 10 000). */
  maxEntries?: number;
}

export interface TarReadResult {
  entries: TarEntry[];
  anomalies: Anomaly[];
  /** Whether tarfile.open would accept the file: the first header is valid (or the file starts with an end block). */
  isTar: boolean;
  /** tarfile would raise ReadError while listing members (torch then falls back to the legacy pickle loader). */
  readError?: string;
}

export { TAR_ANOMALY_CODES, tarAnomaly } from './anomalies.js';

const BLOCK = 512;
const RECORD = 20 * BLOCK;
const DEFAULT_MAX_ENTRIES = 10_000;
/** Bound on pax/long-name payloads read into memory. */
const MAX_META_BYTES = 1 << 20;

class HeaderError extends Error {}

interface RawHeader {
  name: string;
  mode: number;
  size: number;
  typeFlag: string;
  linkName: string;
  prefix: string;
}

/** Whether a 512-byte block is a tar header tarfile would accept (checksum and numeric fields). */
export function isTarHeader(block: Uint8Array): boolean {
  try {
    parseHeader(block);
    return true;
  } catch {
    return false;
  }
}

export async function readTarEntries(reader: ByteReader, opts: TarReadOptions = {}): Promise<TarReadResult> {
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries: TarEntry[] = [];
  const anomalies: Anomaly[] = [];
  const globalPax = new Map<string, string>();
  let offset = 0;
  let readError: string | undefined;
  let isTar = true;

  const fail = (code: TarCode, message: string, detail: Record<string, unknown>, at: number) => {
    readError = message;
    // What torch.load does next (falls back to the legacy pickle reader) is said by the torch tar parser.
    anomalies.push(tarAnomaly(code, message, { ...detail, loader: 'tarfile raises ReadError' }, at));
  };

  for (;;) {
    const headerOffset = offset;
    const block = await reader.read(offset, BLOCK);
    if (block.length < BLOCK) {
      if (offset === 0) isTar = false;
      else if (block.length > 0) fail('tar/truncated', 'the file ends inside a tar header', { offset }, offset);
      else anomalies.push(tarAnomaly('tar/no-end-marker', 'the archive ends without an end-of-archive block', { offset }, offset));
      break;
    }
    if (block.every((b) => b === 0)) {
      checkAfterEnd(reader.size, offset, anomalies);
      break;
    }
    let header: RawHeader;
    try {
      header = parseHeader(block);
    } catch {
      if (offset === 0) isTar = false;
      else anomalies.push(tarAnomaly('tar/bad-checksum', 'a tar header fails its checksum: tarfile ends the archive here', { offset }, offset));
      break;
    }
    if (entries.length >= maxEntries) {
      anomalies.push(tarAnomaly('tar/too-many-entries', `more than ${maxEntries} members: only the first were read`, { limit: maxEntries }, offset));
      break;
    }

    // Long names and pax records describe the header that follows them.
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: Map<string, string> | undefined;
    let dataStart = offset + BLOCK;
    let bad = false;
    while (header.typeFlag === 'L' || header.typeFlag === 'K' || header.typeFlag === 'x' || header.typeFlag === 'g' || header.typeFlag === 'X') {
      if (header.size > MAX_META_BYTES) {
        fail('tar/bad-header', `a ${header.typeFlag} block claims ${header.size} bytes`, { offset: dataStart - BLOCK }, dataStart - BLOCK);
        bad = true;
        break;
      }
      const payload = await reader.read(dataStart, header.size);
      if (payload.length < header.size) {
        fail('tar/truncated', 'the file ends inside a long-name or pax block', { offset: dataStart }, dataStart);
        bad = true;
        break;
      }
      if (header.typeFlag === 'L') longName = nts(payload);
      else if (header.typeFlag === 'K') longLink = nts(payload);
      else {
        const records = parsePax(payload);
        if (!records) {
          fail('tar/bad-header', 'a pax header is malformed', { offset: dataStart - BLOCK }, dataStart - BLOCK);
          bad = true;
          break;
        }
        if (header.typeFlag === 'g') for (const [k, v] of records) globalPax.set(k, v);
        else pax = new Map([...(pax ?? []), ...records]);
      }
      const next = dataStart + blocks(header.size);
      const nextBlock = await reader.read(next, BLOCK);
      try {
        if (nextBlock.length < BLOCK || nextBlock.every((b) => b === 0)) throw new HeaderError('no header');
        header = parseHeader(nextBlock);
      } catch {
        fail('tar/bad-header', 'no valid header after a long-name or pax block', { offset: next }, next);
        bad = true;
        break;
      }
      dataStart = next + BLOCK;
    }
    if (bad) break;

    const entry = toEntry(header, entries.length, headerOffset, dataStart);
    const applied = new Map([...globalPax, ...(pax ?? [])]);
    if (longName !== undefined) entry.name = entry.type === 'directory' ? stripSlash(longName) : longName;
    if (longLink !== undefined) entry.linkName = longLink;
    if (applied.has('path')) entry.name = stripSlash(applied.get('path')!);
    if (applied.has('linkpath')) entry.linkName = applied.get('linkpath');
    if (applied.has('size')) entry.size = /^\d+$/.test(applied.get('size')!) ? Number(applied.get('size')) : 0;
    entries.push(entry);

    let next = dataStart;
    if (entry.type === 'sparse') {
      anomalies.push(tarAnomaly('tar/sparse', `member ${q(entry.name)} is a GNU sparse file`, { name: entry.name }, headerOffset));
      next = dataStart + blocks(header.size);
    } else if (skipsData(header.typeFlag)) {
      next = dataStart + blocks(entry.size);
    }
    // tarfile notices missing data only when it seeks to the next header.
    if (next > reader.size && (entry.type === 'file' || entry.type === 'other' || entry.type === 'sparse')) {
      fail('tar/truncated', `the data of ${q(entry.name)} runs past the end of the file`, {
        name: entry.name, dataOffset: dataStart, size: entry.size, fileSize: reader.size,
      }, dataStart);
      break;
    }
    offset = next;
  }

  checkNames(entries, anomalies);
  return readError === undefined ? { entries, anomalies, isTar } : { entries, anomalies, isTar, readError };
}

/** tarfile skips data for regular files and for types it does not know; links and directories keep none. */
function skipsData(flag: string): boolean {
  return flag === '0' || flag === '\0' || flag === '7' || flag === 'S' || !'0123456LKS\0'.includes(flag);
}

function toEntry(h: RawHeader, index: number, headerOffset: number, dataOffset: number): TarEntry {
  let type: TarEntryType;
  switch (h.typeFlag) {
    case '0': case '\0': case '7': type = 'file'; break;
    case '1': type = 'hardlink'; break;
    case '2': type = 'symlink'; break;
    case '3': type = 'char'; break;
    case '4': type = 'block'; break;
    case '5': type = 'directory'; break;
    case '6': type = 'fifo'; break;
    case 'S': type = 'sparse'; break;
    default: type = 'other';
  }
  // V7 tar marks directories by a trailing slash on a regular-file header.
  if (h.typeFlag === '\0' && h.name.endsWith('/')) type = 'directory';
  let name = type === 'directory' ? stripSlash(h.name) : h.name;
  if (h.prefix && !'LKS'.includes(h.typeFlag)) name = `${h.prefix}/${name}`;
  const entry: TarEntry = { name, type, typeFlag: h.typeFlag, size: h.size, dataOffset, headerOffset, mode: h.mode, index };
  if (h.linkName) entry.linkName = h.linkName;
  return entry;
}

function parseHeader(b: Uint8Array): RawHeader {
  if (b.length < BLOCK) throw new HeaderError('short');
  const checksum = nti(b.subarray(148, 156));
  let unsigned = 256;
  let signed = 256;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += b[i]!;
    signed += b[i]! > 127 ? b[i]! - 256 : b[i]!;
  }
  if (checksum !== unsigned && checksum !== signed) throw new HeaderError('bad checksum');
  const mode = nti(b.subarray(100, 108));
  for (const [from, to] of [[108, 116], [116, 124], [136, 148], [329, 337], [337, 345]] as const) nti(b.subarray(from, to));
  return {
    name: nts(b.subarray(0, 100)),
    mode,
    size: nti(b.subarray(124, 136)),
    typeFlag: String.fromCharCode(b[156]!),
    linkName: nts(b.subarray(157, 257)),
    prefix: nts(b.subarray(345, 500)),
  };
}

/** tarfile's nti: octal text, or GNU base-256 when the first byte is 0x80 / 0xff. */
function nti(s: Uint8Array): number {
  if (s[0] === 0x80 || s[0] === 0xff) {
    let n = 0;
    for (let i = 1; i < s.length; i++) n = n * 256 + s[i]!;
    if (s[0] === 0xff) n = -(256 ** (s.length - 1) - n);
    return n;
  }
  const end = s.indexOf(0);
  let text = '';
  for (const c of end >= 0 ? s.subarray(0, end) : s) {
    if (c > 0x7f) throw new HeaderError('non-ascii number');
    text += String.fromCharCode(c);
  }
  text = text.trim();
  if (text === '') return 0;
  if (!/^[+-]?[0-7]+(_[0-7]+)*$/.test(text)) throw new HeaderError('bad number');
  return parseInt(text.replace(/_/g, ''), 8);
}

function nts(s: Uint8Array): string {
  const end = s.indexOf(0);
  return new TextDecoder('utf-8').decode(end >= 0 ? s.subarray(0, end) : s);
}

/** pax records: "<length> <keyword>=<value>\n"; a zero length is malformed, as tarfile says. */
function parsePax(buf: Uint8Array): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const utf8 = new TextDecoder('utf-8');
  let pos = 0;
  for (;;) {
    let at = pos;
    while (at < buf.length && buf[at]! >= 0x30 && buf[at]! <= 0x39) at++;
    if (at === pos || buf[at] !== 0x20) break;
    const length = Number(utf8.decode(buf.subarray(pos, at)));
    const keyStart = at + 1;
    const eq = buf.indexOf(0x3d, keyStart);
    if (eq <= keyStart) break;
    if (length === 0) return undefined;
    const value = utf8.decode(buf.subarray(eq + 1, Math.max(eq + 1, pos + length - 1)));
    out.set(utf8.decode(buf.subarray(keyStart, eq)), value);
    pos += length;
  }
  return out;
}

function checkAfterEnd(size: number, endOffset: number, anomalies: Anomaly[]): void {
  // Writers pad the archive with zero blocks up to a 10 KiB record; anything beyond is extra.
  const padded = Math.ceil((endOffset + 2 * BLOCK) / RECORD) * RECORD;
  if (size > padded) {
    anomalies.push(tarAnomaly('tar/data-after-end', `${size - padded} bytes after the end of the tar archive`, {
      endOffset, length: size - padded,
    }, padded));
  }
}

function checkNames(entries: TarEntry[], anomalies: Anomaly[]): void {
  const seen = new Map<string, number[]>();
  for (const e of entries) {
    const list = seen.get(e.name) ?? [];
    list.push(e.index);
    seen.set(e.name, list);
    if (pathEscapes(e.name)) {
      anomalies.push(tarAnomaly('tar/path-traversal', `extracting member ${q(e.name)} writes outside the target folder`, {
        name: e.name, index: e.index,
      }, e.headerOffset));
    }
    if ((e.type === 'symlink' || e.type === 'hardlink') && e.linkName !== undefined) {
      anomalies.push(tarAnomaly('tar/link', `member ${q(e.name)} is a ${e.type} to ${q(e.linkName)}`, {
        name: e.name, index: e.index, type: e.type, linkName: e.linkName, escapes: linkEscapes(e.name, e.linkName, e.type),
      }, e.headerOffset));
    }
    if (e.type === 'char' || e.type === 'block' || e.type === 'fifo') {
      const what = e.type === 'fifo' ? 'a FIFO' : `a ${e.type} device`;
      anomalies.push(tarAnomaly('tar/special-member', `member ${q(e.name)} is ${what}: extracting it creates one`, {
        name: e.name, index: e.index, type: e.type,
      }, e.headerOffset));
    }
  }
  for (const [name, indices] of seen) {
    if (indices.length < 2) continue;
    anomalies.push(tarAnomaly('tar/duplicate-name', `${indices.length} members are named ${q(name)}: tarfile uses the last`, {
      name, indices, loaderIndex: indices[indices.length - 1],
    }));
  }
}

/** Whether following the link leaves the extraction folder (absolute, or `..` past the root). */
export function linkEscapes(name: string, linkName: string, type: 'symlink' | 'hardlink'): boolean {
  if (linkName.startsWith('/') || linkName.startsWith('\\') || /^[A-Za-z]:/.test(linkName)) return true;
  const base = type === 'symlink' ? name.split(/[\\/]/).slice(0, -1) : [];
  let depth = base.filter((p) => p && p !== '.').length;
  for (const part of linkName.split(/[\\/]/)) {
    if (part === '..') depth--;
    else if (part && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

const blocks = (n: number) => Math.ceil(Math.max(0, n) / BLOCK) * BLOCK;
/** Trailing slashes off, without a regex (a pax path of many slashes must not cost quadratic time). */
const stripSlash = (s: string): string => {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x2f) end--;
  return s.slice(0, end);
};
const q = (s: string) => JSON.stringify(s);
