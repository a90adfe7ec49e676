/** Anomaly codes of the model-signing reader; the integrity rules turn them into findings. */
export const SIGNING_CODES = {
  /** Not a sigstore bundle holding a model-signing in-toto statement, or one whose fields are wrong. */
  malformed: 'signing/malformed',
  /** A predicate type, serialization method or digest algorithm modelvet does not check. */
  unsupported: 'signing/unsupported',
  /** The signature file is over the size modelvet reads. */
  limit: 'signing/limit',
  /** The subject digest is not the SHA-256 of the listed resource digests. */
  subjectMismatch: 'signing/subject-mismatch',
  /** A resource or ignore path that is absolute or climbs out of the model folder. */
  pathEscape: 'signing/path-escape',
} as const;

const CANNOT_READ = new Set<string>([SIGNING_CODES.malformed, SIGNING_CODES.unsupported, SIGNING_CODES.limit]);
const CONTRADICTS = new Set<string>([SIGNING_CODES.subjectMismatch, SIGNING_CODES.pathEscape]);

/** The manifest could not be read faithfully (high, "not fully analysed"). */
export const isUnreadableSigning = (code: string): boolean => CANNOT_READ.has(code);

/** The manifest contradicts itself or points outside the model (critical). */
export const isContradictorySigning = (code: string): boolean => CONTRADICTS.has(code);

/** Largest signature file read (a real one is a few KB per thousand files). */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
