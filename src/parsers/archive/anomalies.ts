import type { Anomaly } from '../../types.js';

/**
 * Every anomaly code of the archive family: compressed streams (`archive/`), tar archives
 * (`tar/`, read as CPython's tarfile reads them) and 7z archives (`7z/`). The engine emits the two nesting
 * limits. Each code reaches exactly one rule (src/rules/zip/codes.ts routes them).
 */
export const ARCHIVE_ANOMALY_CODES = {
  'archive/unsupported-compression': 'The data is compressed with a method or feature no decoder here implements: its content is not (fully) analysed.',
  'archive/decompression-limit': 'Decompression stopped at the size limit (maxMemberBytes): only the bytes before it are analysed.',
  'archive/decompression-bomb': 'The stream expands past the ratio limit (maxCompressionRatio): a decompression bomb; only the bytes before it are analysed.',
  'archive/corrupt-compression': 'The compressed stream is corrupt or cut short (detail.reason): the bytes decompressed before the error are analysed.',
  'archive/trailing-data': 'Bytes after the end of the compressed stream, which the loader never reads.',
  'archive/depth-limit': 'Archives nested deeper than maxDepth: the innermost one was not opened.',
  'archive/member-limit': 'An archive lists more members than maxArchiveMembers: the rest were not analysed.',
} as const satisfies Record<string, string>;

export const TAR_ANOMALY_CODES = {
  'tar/bad-checksum': 'A header after the first fails its checksum: tarfile silently ends the archive there, other tools may read on.',
  'tar/bad-header': 'A header after a long-name or pax block is invalid, or a pax record is malformed: tarfile raises ReadError.',
  'tar/truncated': 'The file ends inside a header or member data: tarfile raises ReadError ("unexpected end of data").',
  'tar/path-traversal': 'A member name is absolute, has a drive letter, or climbs out with `..` (either slash): extraction writes outside the target folder.',
  'tar/link': 'A symbolic or hard link member: extracting it makes a link, and reading it follows the target (detail.escapes when the target is outside).',
  'tar/special-member': 'A device or FIFO member: extracting it creates a device node or a pipe.',
  'tar/duplicate-name': 'Two members share a name: tarfile uses the last, other tools the first.',
  'tar/sparse': 'A GNU sparse member: its data is not stored contiguously and was not reconstructed.',
  'tar/too-many-entries': 'More members than the configured limit; only the first were read.',
  'tar/data-after-end': 'Bytes after the end-of-archive marker and its padding: no tar reader shows them.',
  'tar/no-end-marker': 'The archive stops without an end-of-archive block.',
} as const satisfies Record<string, string>;

export const SEVEN_ZIP_ANOMALY_CODES = {
  '7z/bad-header': 'The 7z header cannot be read (bad CRC, malformed, out of range): the archive\'s members were not checked.',
  '7z/unsupported-coder': 'A 7z folder uses a coder chain modelvet does not decode (BCJ, PPMd, AES encryption…): its members were not checked.',
  '7z/path-traversal': 'A 7z member name is absolute, has a drive letter, or climbs out with `..`: extraction writes outside the target folder.',
  '7z/link': 'A 7z member is a symbolic link (p7zip stores the Unix mode in its attributes); detail.escapes when the target is outside.',
  '7z/too-many-entries': 'The 7z archive lists more members than maxArchiveMembers: the rest were not analysed.',
} as const satisfies Record<string, string>;

export type ArchiveCode = keyof typeof ARCHIVE_ANOMALY_CODES;
export type SevenZipCode = keyof typeof SEVEN_ZIP_ANOMALY_CODES;

export function sevenZipAnomaly(code: SevenZipCode, message: string, detail: Record<string, unknown>, offset?: number): Anomaly {
  return offset === undefined ? { code, message, detail } : { code, message, detail, offset };
}
export type TarCode = keyof typeof TAR_ANOMALY_CODES;

export function archiveAnomaly(code: ArchiveCode, message: string, offset?: number, detail?: Record<string, unknown>): Anomaly {
  const a: Anomaly = { code, message };
  if (offset !== undefined) a.offset = offset;
  if (detail) a.detail = detail;
  return a;
}

export function tarAnomaly(code: TarCode, message: string, detail: Record<string, unknown>, offset?: number): Anomaly {
  return offset === undefined ? { code, message, detail } : { code, message, detail, offset };
}

/**
 * Whether extracting a member under this name writes outside the target folder, for an
 * extractor on any platform: absolute paths, drive letters, and `..` with either slash.
 */
export function pathEscapes(name: string): boolean {
  if (name.startsWith('/') || name.startsWith('\\')) return true;
  if (name.length >= 2 && name[1] === ':' && /^[A-Za-z]$/.test(name[0]!)) return true;
  return name.split(/[\\/]/).includes('..');
}
