import type { Anomaly, ArtifactBase, ByteReader } from '../../types.js';

/** One member as the central directory describes it, checked against its local header. */
export interface ZipEntry {
  /** Name from the central directory: the one PyTorch's reader looks members up by. */
  name: string;
  /** Name from the local file header, when it differs from the central one. */
  localName?: string;
  /** Compression method (0 stored, 8 deflate; anything else cannot be read faithfully). */
  method: number;
  /** General-purpose bit flags from the central directory. */
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Offset of the member's data, computed from the local header as a loader computes it. */
  dataOffset: number;
  /** Index in central-directory order. */
  index: number;
  /** Unix mode from external attributes when made on Unix (symlinks are 0o120000). */
  unixMode?: number;
  /** General-purpose flags from the local header, when they differ from the central ones. */
  localFlags?: number;
  /** Set when miniz treats the entry as a directory (name ends in `/` or DOS directory attribute): it extracts no bytes. */
  isDirectory?: boolean;
  /** Set when a same-named entry wins the loader's lookup, so the loader never reads this one. */
  shadowedForLoader?: boolean;
  /** Set when a same-named entry wins a generic reader's lookup (Python zipfile: the last one). */
  shadowedForGeneric?: boolean;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Bytes before the first local header (a loader that checks the magic at 0 sees them). */
  prependedBytes: number;
  comment?: string;
  anomalies: Anomaly[];
  /**
   * Whose reading `entries` follows: `loader` (miniz, as PyTorch reads a file whose byte 0 is a
   * local header) or `generic` (Python zipfile, for a file a zip-magic check would not accept).
   */
  view?: 'loader' | 'generic';
  /** The entries the other reader sees, only when its central directory differs from `entries`. */
  alternateEntries?: ZipEntry[];
  /** Where the end-of-central-directory record used was found. */
  eocdOffset?: number;
  /** Offset and size of the central directory as read for `entries`. */
  centralDirectoryOffset?: number;
  centralDirectorySize?: number;
  zip64?: boolean;
  /** Set when a fatal anomaly stopped reading: the entries are incomplete or absent. */
  fatal?: boolean;
}

/** A member opened for reading: stored members are ranges of the parent; deflated ones are inflated with a cap. */
export interface OpenedMember {
  entry: ZipEntry;
  reader: ByteReader;
  /** What opening met: inflated size differing from the declared one, and the like. */
  anomalies?: Anomaly[];
}

export interface ZipArtifact extends ArtifactBase {
  format: 'zip';
  zip: { entries: number; prependedBytes: number };
}
