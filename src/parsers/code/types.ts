import type { ArtifactBase, Location } from '../../types.js';

/**
 * A value in source code as far as static reading can tell. The parser folds what the language
 * makes certain (literals, a name bound once to a literal in the same scope, `**{...}` dict
 * literals); everything else stays `unknown` with its source text, so rules can say "not known".
 */
export type CodeValue =
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'none' }
  /** A filesystem expression: `os.path.join(...)`, `pathlib.Path(...)`, `Path(...) / "x"`, `__file__`-based. */
  | { kind: 'path'; text: string }
  /**
   * `resolved`: for a name or attribute chain (not a local variable), the dotted name it resolves to
   * through imports (`Loader=SafeLoader` after `from yaml import SafeLoader` → `yaml.SafeLoader`),
   * or as written when it is bound nowhere.
   */
  | { kind: 'unknown'; text: string; resolved?: string };

/** One call in the source, with its callee resolved through imports. */
export interface CodeCall {
  /**
   * Dotted name after resolving import aliases: `torch.load`, `transformers.AutoModel.from_pretrained`,
   * `transformers.pipeline`, `@huggingface/transformers.pipeline`. A method on an object whose origin
   * is unknown starts with `?.` (`?.from_pretrained`).
   */
  callee: string;
  /** The callee as written (`t.AutoModel.from_pretrained`). */
  written: string;
  /** Positional arguments in order; a `*args` splat ends the list and sets `hasStarArgs`. */
  args: CodeValue[];
  /** Keyword arguments (Python) or properties of a trailing options object literal (JS). */
  kwargs: Map<string, CodeValue>;
  /** A `**kwargs` / `...spread` whose keys are not known: any keyword may be hidden in it. */
  hasUnknownKwargs: boolean;
  hasStarArgs: boolean;
  location: Location;
}

export type CodeLanguage = 'python' | 'javascript' | 'typescript';

export interface CodeArtifact extends ArtifactBase {
  format: 'python-source' | 'notebook' | 'javascript-source';
  code: {
    language: CodeLanguage;
    /** Every call the rules may care about (those whose resolved callee's last part or module is known to the tables), in source order. */
    calls: CodeCall[];
    /** Modules imported anywhere (`torch`, `transformers`, `@huggingface/transformers`). */
    imports: string[];
    /** Calls to `keras.config.enable_unsafe_deserialization()` etc. are calls too; this counts syntax errors tree-sitter recovered from. */
    syntaxErrors: number;
    /** Notebooks: code cells read. */
    cells?: number;
  };
}
