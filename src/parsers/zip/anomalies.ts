import type { Anomaly } from '../../types.js';

/**
 * Every anomaly code the zip reader emits. "Loader" is PyTorch's reader (caffe2
 * PyTorchStreamReader over its bundled miniz); "generic" is Python's zipfile, which most
 * scanners use. Each anomaly's `detail` names the entries and offsets involved.
 */
export const ZIP_ANOMALY_CODES = {
  'zip/no-eocd': 'Fatal: no end-of-central-directory record in the last 64 KiB; neither reader opens the file as a zip.',
  'zip/truncated': 'The file ends inside a record (central directory, local header or member data): analysis is incomplete.',
  'zip/corrupt-central-directory': 'A central-directory record lacks its signature or overruns the declared size; readers stop or reject the archive.',
  'zip/parse-error': 'Fatal: the reader met a structure it could not interpret; nothing past this point was analysed.',
  'zip/multiple-eocd': 'More than one end-of-central-directory signature, or the loader and a generic reader would pick different ones.',
  'zip/trailing-data': 'Bytes after the end-of-central-directory record and its declared comment: unread by both readers, a hiding place.',
  'zip/comment-hides-data': 'The archive comment holds binary data or zip signatures rather than text.',
  'zip/zip64-mismatch': 'The ZIP64 locator and record disagree; miniz follows the locator where Python zipfile ignores ZIP64.',
  'zip/multi-disk': 'Disk numbers claim a multi-volume archive; the readers accept different combinations.',
  'zip/entry-count-mismatch': 'The EOCD entry count differs from the records in the central directory: miniz reads the count, Python zipfile reads every record.',
  'zip/central-directory-shift': 'The central directory is not where the EOCD says: miniz reads the stated offset, Python zipfile shifts every offset.',
  'zip/prepended-data': 'Bytes before the first local header: torch sees no zip magic at byte 0 and loads the file as a legacy pickle, a generic reader sees a zip.',
  'zip/too-many-entries': 'More entries than the configured limit; only the first ones were read.',
  'zip/duplicate-name': 'Two or more entries share a name; the loader and a generic reader may use different ones.',
  'zip/case-collision': 'Names that differ only in ASCII case: miniz looks names up case-insensitively, so the loader may read another entry than the one named.',
  'zip/nul-in-name': 'A name contains a NUL byte: Python zipfile truncates it there, miniz keeps the full name.',
  'zip/name-mismatch': 'The local header names the member differently from the central directory (CVE-2025-1944): Python zipfile refuses it, PyTorch uses the central name.',
  'zip/flag-bits': 'General-purpose flags 0x1/0x20/0x40/0x2000 set (CVE-2025-1945): Python zipfile refuses the member, miniz ignores local-header flags.',
  'zip/encrypted': 'The central directory marks the member encrypted: its bytes may not be what any reader will see.',
  'zip/bad-crc': 'The member data does not match its CRC-32 (CVE-2025-10156): PyTorch disables CRC checks, Python zipfile raises.',
  'zip/unsupported-version': 'The central directory asks for a zip version above 6.3: Python zipfile refuses the whole archive, miniz ignores the field.',
  'zip/unsupported-method': 'Compression method other than stored or deflate: neither reader extracts it, and it cannot be analysed.',
  'zip/size-inconsistent': 'Sizes that miniz rejects (stored with compressed ≠ uncompressed, data without compressed size).',
  'zip/central-local-mismatch': 'The local header disagrees with the central directory on method, sizes, CRC or flags.',
  'zip/bad-local-header': 'The central directory points at something that is not a local header.',
  'zip/bad-offset': 'A header points outside the file or past the central directory.',
  'zip/overlapping-members': 'Two members share bytes (zip-bomb construction, or one member hidden inside another).',
  'zip/unreferenced-data': 'Bytes between members that no central-directory entry covers: a streaming reader may see members there.',
  'zip/directory-with-data': 'An entry miniz treats as a directory carries data: PyTorch extracts nothing, a generic reader returns the bytes.',
  'zip/symlink': 'A member is a Unix symbolic link: extraction tools would create a link (detail.linkName and detail.escapes when its small target was read).',
  'zip/path-traversal': 'A member name is absolute, has a drive letter, or climbs out with `..` (either slash): extraction writes outside the target folder.',
  'zip/inflate-error': 'The deflate stream is corrupt or its inflated size differs from the declared size.',
  'zip/member-too-large': 'A member inflates beyond the configured limit: it was not analysed in full.',
} as const satisfies Record<string, string>;

export type ZipAnomalyCode = keyof typeof ZIP_ANOMALY_CODES;

export function zipAnomaly(
  code: ZipAnomalyCode,
  message: string,
  detail: Record<string, unknown>,
  offset?: number,
): Anomaly {
  const anomaly: Anomaly = { code, message, detail };
  if (offset !== undefined) anomaly.offset = offset;
  return anomaly;
}
