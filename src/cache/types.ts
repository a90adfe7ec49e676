import type { Finding, FormatId } from '../types.js';

/**
 * A finding stored relative to the file it was found in: `suffix` is '' for the file itself and
 * `!member…` for a finding inside it, so one entry serves the same bytes under any path.
 */
export type CachedFinding = Omit<Finding, 'path'> & { suffix: string };

/** What a scan found in one file (its root artifact and everything inside), keyed by content. */
export interface CachedResult {
  format: FormatId;
  size: number;
  findings: CachedFinding[];
}

/** One entry file as written (schemas/cache-entry.schema.json). */
export interface CacheEntryFile {
  cacheEntryVersion: 1;
  /** Content SHA-256 the entry belongs to; checked against the file name's, so a moved entry is a miss. */
  sha256: string;
  rulesetKey: string;
  /** What else the result depended on (a file name), when the caller keys on it. */
  variant?: string;
  result: CachedResult;
}

/** How a work-tree file looked when it was hashed: any change means hashing again. */
export interface StatMemoEntry {
  size: number;
  /** Nanosecond times, inode and device as decimal strings: exact where a double is not. */
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
  sha256: string;
  /** When the entry was last used (ms since the epoch): pruning drops the oldest first. */
  usedAt: number;
}
