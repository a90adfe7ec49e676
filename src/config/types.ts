import type { Severity } from '../types.js';

export type RuleSetting = Severity | 'off';

export interface Suppression {
  rule: string;
  path?: string;
  reason: string;
  until?: string;
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
}
