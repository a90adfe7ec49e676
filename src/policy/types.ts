/** Public shapes of the pickle global policy, and of the curated data files behind it. */

export type GlobalVerdict =
  | { verdict: 'allowed'; matched: string; source: string }
  | {
      verdict: 'denied';
      /** The deny entry (or dunder component) that matched. */
      matched: string;
      reason: string;
      source: string;
      /** The effective callable, e.g. "os.system" for `pathlib` + `os.system`. */
      resolvedAs: string;
    }
  | { verdict: 'unknown'; resolvedAs: string };

export type PolicyContext = 'pickle' | 'torchscript';

export interface PolicyOptions {
  /** From the user's config: exact "module.name" or "module.*". Never overrides a deny entry. */
  extraAllowed?: string[];
  /** `torchscript` also accepts what TorchScript's own unpickler resolves without Python import. */
  context?: PolicyContext;
}

/** One entry of policy/pickle-allowlist.json: names exactly as a GLOBAL opcode carries them. */
export interface AllowEntry {
  module: string;
  /** Exact names; "*" only with `wildcardReason`. */
  names: string[];
  /** With "*": the module's submodules too. */
  includeSubmodules?: boolean;
  wildcardReason?: string;
  /** Default: every context. */
  context?: PolicyContext;
  source: string;
  note?: string;
}

export interface AllowlistFile {
  kind: 'pickle-allowlist';
  version: number;
  references?: Record<string, string>;
  entries: AllowEntry[];
}

/**
 * `module` and `callable` match the target and everything below it on a component boundary
 * (`os` denies `os.path.join`; `builtins.eval` denies `builtins.eval.__call__`); the kind only
 * documents intent. `attribute` matches a component anywhere in a dotted name (`from_pretrained`).
 */
export type DenyKind = 'module' | 'callable' | 'attribute';

export interface DenyEntry {
  kind: DenyKind;
  targets: string[];
  reason: string;
  source: string;
  /** public-bypasses.md line ids this entry closes, e.g. ["B26"]. */
  bypasses?: string[];
  /**
   * Exact dotted names below a module target that the entry does not cover (a data rebuilder in an
   * otherwise code-rebuilding module). Only the exact name: anything reached through it stays denied.
   */
  except?: string[];
}

export interface DenylistFile {
  kind: 'pickle-denylist';
  version: number;
  references?: Record<string, string>;
  /** Applied to any `__dunder__` component of a name (or a non-leading module component). */
  introspection: { reason: string; source: string };
  entries: DenyEntry[];
}
