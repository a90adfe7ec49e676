import type { Anomaly } from '../types.js';

/**
 * Anomaly codes of the integrity pass (scan, verify) and of the lockfile parser. Each code falls
 * to exactly one rule in src/rules/integrity. They sit on artifacts that stand for something
 * other than a readable file (a missing file, a cache entry, a lockfile); what the records say
 * about a file that is there lives in `artifact.integrity` instead (digests, size, files a
 * record does not list, a read error), so a file's own parser anomalies stay its own.
 */
export const INTEGRITY_CODES = {
  /** modelvet.lock.json is not valid JSON, does not match the schema, or is over the size limit. → integrity/lock-malformed */
  lockMalformed: 'lock/malformed',
  /** A local entry whose folder lies outside the lockfile's folder and the working directory: not followed. → integrity/lock-malformed */
  lockPathEscape: 'lock/path-escape',
  /** A locked or signed path that is a link leading out of its model folder (or cache blobs): not read. → integrity/unverifiable */
  linkEscape: 'integrity/link-escape',
  /** A file the lockfile records is gone. → integrity/lock-stale */
  lockedFileMissing: 'integrity/locked-file-missing',
  /** A file in a locked local folder that the lockfile does not record. → integrity/lock-stale */
  fileNotLocked: 'integrity/file-not-locked',
  /** A file the signing manifest covers is gone. → integrity/unsigned-file */
  signedFileMissing: 'integrity/signed-file-missing',
  /** A file in a signed model folder the manifest does not cover. → integrity/unsigned-file */
  fileNotSigned: 'integrity/file-not-signed',
  /** A Hugging Face cache snapshot link whose blob does not exist. → integrity/cache-inconsistent */
  cacheDanglingLink: 'integrity/cache-dangling-link',
  /** A cache snapshot link that leads outside its repository's blobs folder. → integrity/cache-inconsistent */
  cacheLinkOutside: 'integrity/cache-link-outside',
  /** A `refs/<name>` that is not a 40-hex commit, or names a commit with no snapshot. → integrity/cache-inconsistent */
  cacheBadRef: 'integrity/cache-bad-ref',
  /** A blob or snapshot whose name is neither a digest nor a commit, so nothing can be checked. → integrity/cache-inconsistent */
  cacheBadName: 'integrity/cache-bad-name',
  /** A `<blob>.incomplete` download in progress or abandoned. → integrity/cache-incomplete */
  cacheIncomplete: 'integrity/cache-incomplete',
  /** A locked Hub model (or file) with no copy in the cache to check. → integrity/not-verified */
  notInCache: 'integrity/not-in-cache',
} as const;

export type IntegrityCode = (typeof INTEGRITY_CODES)[keyof typeof INTEGRITY_CODES];

export function integrityAnomaly(code: IntegrityCode, message: string, detail?: Record<string, unknown>): Anomaly {
  return { code, message, ...(detail ? { detail } : {}) };
}

export const CACHE_INCONSISTENT_CODES: ReadonlySet<string> = new Set([
  INTEGRITY_CODES.cacheDanglingLink,
  INTEGRITY_CODES.cacheLinkOutside,
  INTEGRITY_CODES.cacheBadRef,
  INTEGRITY_CODES.cacheBadName,
]);
