import type { Artifact, FormatId, Location, Severity } from '../types.js';

export interface RuleDocs {
  /** What the rule catches and why it matters, a short paragraph. */
  description: string;
  /** A concrete case that triggers it. */
  example: string;
  /** What to do instead. */
  fix: string;
  /** Where to read more (advisory, spec). */
  url?: string;
}

export interface RuleMeta {
  /** `category/name`, stable. */
  id: string;
  /** One line, shown by `modelvet rules`. */
  description: string;
  /** Default severity; the config may override it or turn the rule off. */
  severity: Severity;
  category: string;
  docs: RuleDocs;
  /** Artifact formats the rule reads; `*` for every artifact. */
  appliesTo: ReadonlyArray<FormatId | '*'>;
}

/** What a rule yields. The engine fills in ruleId, the configured severity and the artifact path. */
export interface FindingInput {
  message: string;
  /** Overrides the artifact's path, e.g. for a member the rule names. */
  path?: string;
  /**
   * A rule may grade its own findings (a known-dangerous callable is critical, an unknown one
   * high). The config's override for the rule, when set, replaces it.
   */
  severity?: Severity;
  location?: Location;
  evidence?: Record<string, unknown>;
  fix?: string;
}

/** Settings a rule may read; resolved from the config file and flags. */
export interface RuleSettings {
  /** Extra `module.name` / `module.*` pickle globals the user allows. */
  allowedGlobals: string[];
  trustedPublishers: string[];
  /** Extra loader-advisory files (absolute paths, validated when the config was loaded) beside the shipped ones. */
  advisories?: string[];
}

export interface RuleContext {
  artifact: Artifact;
  /** The outermost artifact (the file on disk) this one sits in. */
  root: Artifact;
  /** Artifacts from the root down to this one's parent. */
  ancestors: readonly Artifact[];
  settings: RuleSettings;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): Iterable<FindingInput>;
}
