import type { Severity } from '../types.js';

export type RuleSetting = Severity | 'off';

export interface Suppression {
  rule: string;
  path?: string;
  reason: string;
  until?: string;
}

/** Pickle budgets a config may set (`limits.pickle`), named as in `PickleBudgets`. */
export interface PickleLimitsConfig {
  maxOpcodes?: number;
  maxMemo?: number;
  maxStackDepth?: number;
  maxNesting?: number;
  maxStreams?: number;
  maxResyncBytes?: number;
  maxRecords?: number;
}

/**
 * `limits:` as written: each a whole number within the range the schema gives; an absent key
 * keeps its default. `src/engine/limits.ts` holds the defaults and what each limit means.
 */
export interface LimitsConfig {
  maxFileBytes?: number;
  maxDecompressedBytes?: number;
  maxCompressionRatio?: number;
  maxArchiveDepth?: number;
  maxArchiveMembers?: number;
  maxJsonHeaderBytes?: number;
  maxYamlBytes?: number;
  codeParseTimeMs?: number;
  fileTimeBudgetMs?: number;
  pickle?: PickleLimitsConfig;
}

/** The configuration file as written (validated against schemas/config.schema.json). */
export interface ConfigFile {
  root?: boolean;
  rules?: Record<string, RuleSetting>;
  plugins?: string[];
  trustedPublishers?: string[];
  pickle?: { allowGlobals?: string[] };
  ignore?: string[];
  suppressions?: Suppression[];
  /** Extra loader-advisory files (schemas/advisories.schema.json), relative to the config file. */
  advisories?: string[];
  /** Analysis limits; see src/engine/limits.ts. */
  limits?: LimitsConfig;
}

/** The configuration in force: file (if any) plus command-line overrides. */
export interface ResolvedConfig {
  /** The file it came from, absolute; undefined when no file was found. */
  file?: string;
  /** Folder plugins and ignore globs resolve against. */
  baseDir: string;
  rules: Record<string, RuleSetting>;
  plugins: string[];
  trustedPublishers: string[];
  allowGlobals: string[];
  ignore: string[];
  suppressions: Suppression[];
  /** Extra loader-advisory files, absolute, already validated. */
  advisories: string[];
  /** Analysis limits as configured (absent keys keep their defaults): `analyseOptionsFrom(config)` turns them into AnalyseOptions. */
  limits: LimitsConfig;
}
