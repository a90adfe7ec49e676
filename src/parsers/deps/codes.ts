/**
 * Every anomaly code the dependency-manifest family records. Parsers know no severities:
 * `dependencies/unreadable` turns all of them into findings (medium, or high for a limit).
 */
export const DEPS_CODES = {
  /** The file does not parse as its format (TOML, JSON, UTF-8) or its structure is not the tool's. */
  malformed: 'deps/malformed',
  /** One requirement line or entry that pip/poetry/npm would reject; the rest of the file was read. */
  invalidEntry: 'deps/invalid-entry',
  /** The file is over the size read whole (`maxJsonBytes`), or an include chain went too deep: not (fully) checked. */
  limit: 'deps/limit',
} as const;

export type DepsCode = (typeof DEPS_CODES)[keyof typeof DEPS_CODES];

/** Codes whose finding is high: modelvet, not the installer, stopped reading (fail closed). */
export const LIMIT_CODES: ReadonlySet<string> = new Set([DEPS_CODES.limit]);

export const ALL_DEPS_CODES: ReadonlySet<string> = new Set(Object.values(DEPS_CODES));
