import type { Anomaly } from '../../types.js';
import { pathEscapes } from '../archive/anomalies.js';
import { zipAnomaly } from './anomalies.js';
import type { JoinedEntry } from './build.js';
import {
  DIVERGENT_FLAGS,
  FLAG_COMPRESSED_PATCH,
  FLAG_DATA_DESCRIPTOR,
  FLAG_ENCRYPTED,
  FLAG_MASKED_LOCAL_HEADERS,
  FLAG_STRONG_ENCRYPTION,
  METHOD_DEFLATE,
  METHOD_STORED,
  S_IFLNK,
  S_IFMT,
  U16_MAX,
  U32_MAX,
} from './constants.js';

/** Python zipfile's MAX_EXTRACT_VERSION (6.3): a higher "version needed" aborts the whole archive. */
const MAX_EXTRACT_VERSION = 63;

export interface EntryCheckContext {
  fileSize: number;
  /** miniz's archive size after subtracting bytes between directory and EOCD; its bounds checks use it. */
  loaderArchiveSize: number;
  /** Disk number miniz compares each entry's start disk with. */
  diskNumber: number;
  /** Whether these entries are what PyTorch reads (file starts with a local header). */
  loaderApplies: boolean;
}

/** Per-entry checks: every place where miniz, Python zipfile and the bytes disagree about one member. */
export function checkEntry(joined: JoinedEntry, ctx: EntryCheckContext, out: Anomaly[]): void {
  const { entry, record, local } = joined;
  const who = { name: entry.name, index: entry.index };

  if (local === undefined || local.status === 'out-of-range') {
    out.push(zipAnomaly('zip/bad-offset', `member ${q(entry.name)} points outside the file`, {
      ...who, localHeaderOffset: entry.localHeaderOffset, fileSize: ctx.fileSize,
    }, record.offset));
  } else if (local.status === 'truncated') {
    out.push(zipAnomaly('zip/truncated', `the file ends inside the local header of ${q(entry.name)}`, {
      ...who, localHeaderOffset: entry.localHeaderOffset,
    }, entry.localHeaderOffset));
  } else if (local.status === 'bad-signature') {
    out.push(zipAnomaly('zip/bad-local-header', `no local header where the directory places ${q(entry.name)}: both readers fail on it`, {
      ...who, localHeaderOffset: entry.localHeaderOffset,
    }, entry.localHeaderOffset));
  } else {
    checkLocalAgreement(joined, out);
    const dataEnd = entry.dataOffset + entry.compressedSize;
    if (!(dataEnd <= ctx.fileSize)) {
      out.push(zipAnomaly('zip/truncated', `the data of ${q(entry.name)} runs past the end of the file`, {
        ...who, dataOffset: entry.dataOffset, compressedSize: entry.compressedSize, fileSize: ctx.fileSize,
      }, entry.dataOffset));
    }
  }

  if (ctx.loaderApplies && record.compressedSize32 !== U32_MAX &&
      record.localHeaderOffset32 + 30 + record.compressedSize32 > ctx.loaderArchiveSize) {
    out.push(zipAnomaly('zip/bad-offset', `miniz rejects the whole archive: ${q(entry.name)} ends past the archive it computes`, {
      ...who, localHeaderOffset: record.localHeaderOffset32, compressedSize: record.compressedSize32,
      loaderArchiveSize: ctx.loaderArchiveSize, loader: 'rejects-archive',
    }, record.offset));
  }

  checkFlags(joined, out);

  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    out.push(zipAnomaly('zip/unsupported-method', `member ${q(entry.name)} uses compression method ${entry.method}: it cannot be analysed`, {
      ...who, method: entry.method,
    }, record.offset));
  }

  if (record.compressedSize32 !== U32_MAX && record.uncompressedSize32 !== U32_MAX) {
    const storedMismatch = record.method === METHOD_STORED && record.compressedSize32 !== record.uncompressedSize32;
    const dataWithoutBytes = record.uncompressedSize32 !== 0 && record.compressedSize32 === 0;
    if (storedMismatch || dataWithoutBytes) {
      out.push(zipAnomaly('zip/size-inconsistent', `sizes of ${q(entry.name)} are inconsistent: miniz rejects the archive, Python zipfile reads it`, {
        ...who, method: record.method, compressedSize: record.compressedSize32, uncompressedSize: record.uncompressedSize32,
        loader: 'rejects-archive', generic: 'reads',
      }, record.offset));
    }
  }

  if (record.diskStart === U16_MAX || (record.diskStart !== ctx.diskNumber && record.diskStart !== 1)) {
    out.push(zipAnomaly('zip/multi-disk', `member ${q(entry.name)} claims to start on disk ${record.diskStart}: miniz rejects the archive`, {
      ...who, diskStart: record.diskStart, loader: 'rejects-archive',
    }, record.offset));
  }

  if ((record.versionNeeded & 0xff) > MAX_EXTRACT_VERSION) {
    out.push(zipAnomaly('zip/unsupported-version', `member ${q(entry.name)} needs zip version ${(record.versionNeeded & 0xff) / 10}: Python zipfile refuses the archive, miniz ignores it`, {
      ...who, versionNeeded: record.versionNeeded & 0xff, generic: 'rejects-archive', loader: 'ignores',
    }, record.offset));
  }

  if (record.extraMalformed) {
    out.push(zipAnomaly('zip/corrupt-central-directory', `the extra field of ${q(entry.name)} is malformed: Python zipfile rejects the archive`, {
      ...who, generic: 'rejects-archive',
    }, record.offset));
  }
  if (record.zip64Missing) {
    out.push(zipAnomaly('zip/corrupt-central-directory', `member ${q(entry.name)} needs ZIP64 values its extra field lacks: both readers fail on it`, {
      ...who,
    }, record.offset));
  }

  if (entry.isDirectory && entry.compressedSize > 0) {
    out.push(zipAnomaly('zip/directory-with-data', `${q(entry.name)} is a directory to miniz but carries ${entry.compressedSize} bytes: PyTorch reads nothing, a generic reader reads the bytes`, {
      ...who, compressedSize: entry.compressedSize, externalAttributes: record.externalAttr,
    }, record.offset));
  }

  if (entry.unixMode !== undefined && (entry.unixMode & S_IFMT) === S_IFLNK) {
    out.push(zipAnomaly('zip/symlink', `member ${q(entry.name)} is a symbolic link`, {
      ...who, unixMode: entry.unixMode,
    }, record.offset));
  }

  if (pathEscapes(entry.name)) {
    out.push(zipAnomaly('zip/path-traversal', `extracting member ${q(entry.name)} writes outside the target folder`, {
      ...who,
    }, record.offset));
  }

  if (entry.name.includes('\0')) {
    out.push(zipAnomaly('zip/nul-in-name', `member name ${q(entry.name)} contains a NUL byte: Python zipfile cuts the name there`, {
      ...who, genericName: entry.name.slice(0, entry.name.indexOf('\0')),
    }, record.offset));
  }
}

function checkLocalAgreement({ entry, record, local }: JoinedEntry, out: Anomaly[]): void {
  if (!local) return;
  const who = { name: entry.name, index: entry.index };
  if (entry.localName !== undefined) {
    out.push(zipAnomaly('zip/name-mismatch', `local header names ${q(entry.localName)} where the central directory says ${q(entry.name)}: Python zipfile refuses it, PyTorch uses the central name`, {
      ...who, centralName: entry.name, localName: entry.localName, localHeaderOffset: entry.localHeaderOffset,
      loader: 'uses-central-name', generic: 'refuses-member',
    }, entry.localHeaderOffset));
  }
  const differs: Record<string, { central: number; local: number }> = {};
  if (local.method !== record.method) differs.method = { central: record.method, local: local.method };
  // With a data descriptor the local header legitimately carries zeros; the central values rule.
  if ((local.flags & FLAG_DATA_DESCRIPTOR) === 0) {
    if (local.crc32 !== record.crc32) differs.crc32 = { central: record.crc32, local: local.crc32 };
    if (local.compressedSize !== U32_MAX && local.compressedSize !== record.compressedSize) {
      differs.compressedSize = { central: record.compressedSize, local: local.compressedSize };
    }
    if (local.uncompressedSize !== U32_MAX && local.uncompressedSize !== record.uncompressedSize) {
      differs.uncompressedSize = { central: record.uncompressedSize, local: local.uncompressedSize };
    }
  }
  if (Object.keys(differs).length > 0) {
    out.push(zipAnomaly('zip/central-local-mismatch', `local header of ${q(entry.name)} disagrees with the central directory on ${Object.keys(differs).join(', ')}: readers use the central values, streaming readers the local ones`, {
      ...who, differs, localHeaderOffset: entry.localHeaderOffset,
    }, entry.localHeaderOffset));
  }
}

/**
 * CVE-2025-1945 family. miniz reads flags only from the central directory: it rejects the
 * archive for 0x2000 and refuses to extract a member flagged 0x1/0x20/0x40 there, but never
 * looks at local-header flags. Python zipfile (3.11) refuses a member flagged 0x20/0x40 and
 * asks for a password on 0x1, all from the central directory too. Scanners that read local
 * headers, or crash on the refusal, diverge from the loader either way.
 */
function checkFlags({ entry, record, local }: JoinedEntry, out: Anomaly[]): void {
  const central = record.flags & DIVERGENT_FLAGS;
  const localBits = (local?.status === 'ok' ? local.flags : 0) & DIVERGENT_FLAGS;
  if (central === 0 && localBits === 0) return;
  const loader = central & FLAG_MASKED_LOCAL_HEADERS
    ? 'rejects-archive'
    : central & (FLAG_ENCRYPTED | FLAG_COMPRESSED_PATCH | FLAG_STRONG_ENCRYPTION)
      ? 'refuses-member'
      : 'ignores';
  const generic = central & (FLAG_COMPRESSED_PATCH | FLAG_STRONG_ENCRYPTION)
    ? 'refuses-member'
    : central & FLAG_ENCRYPTED
      ? 'needs-password'
      : 'ignores';
  out.push(zipAnomaly('zip/flag-bits', `member ${q(entry.name)} carries general-purpose flags ${hex(central | localBits)}`, {
    name: entry.name, index: entry.index,
    centralFlags: record.flags, localFlags: local?.status === 'ok' ? local.flags : null,
    bits: bitNames(central | localBits), loader, generic,
  }, record.offset));
  if (record.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
    out.push(zipAnomaly('zip/encrypted', `member ${q(entry.name)} is marked encrypted: its stored bytes are analysed as they are`, {
      name: entry.name, index: entry.index, centralFlags: record.flags,
    }, record.offset));
  }
}

function bitNames(bits: number): string[] {
  const names: string[] = [];
  if (bits & FLAG_ENCRYPTED) names.push('encrypted(0x1)');
  if (bits & FLAG_COMPRESSED_PATCH) names.push('compressed-patch(0x20)');
  if (bits & FLAG_STRONG_ENCRYPTION) names.push('strong-encryption(0x40)');
  if (bits & FLAG_MASKED_LOCAL_HEADERS) names.push('masked-local-headers(0x2000)');
  return names;
}

const hex = (n: number) => `0x${n.toString(16)}`;
export const q = (s: string) => JSON.stringify(s);
