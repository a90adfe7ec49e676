import { isTarHeader } from '../parsers/archive/tar.js';
import { sniffPickle } from '../parsers/pickle/index.js';
import { isZipMagic } from '../parsers/zip/index.js';

/** What the leading bytes say a file is. Never the extension. */
export type DetectedKind = 'zip' | 'tar' | 'pickle' | 'unknown';

/** How many leading bytes detection looks at. */
export const HEAD_BYTES = 4096;

export function detect(head: Uint8Array, size: number): DetectedKind {
  // torch.serialization._is_zipfile checks the local-header magic at byte 0, and so do we:
  // a zip with bytes in front is what torch loads as a legacy pickle.
  if (isZipMagic(head)) return 'zip';
  // tarfile accepts any 512-byte block whose checksum holds (old V7 tars carry no "ustar").
  if (head.length >= 512 && isTarHeader(head.subarray(0, 512))) return 'tar';
  if (sniffPickle(head, size).isPickle) return 'pickle';
  return 'unknown';
}
