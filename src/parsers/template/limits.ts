/**
 * Bounds on the work one chat template may cost. Hitting one is a `template/resource-limit`
 * anomaly (a high "not fully checked" finding), never a silent pass.
 *
 * Real chat templates are small: the largest in the benign corpus (gpt-oss, functionary v3.2)
 * are under 20 KB, nest blocks and brackets under 15 deep and have expression trees under 60
 * deep. The defaults leave an order of magnitude of headroom.
 */
export interface TemplateLimits {
  /** Longest template text analysed, in UTF-16 code units. */
  maxTemplateChars: number;
  /** Deepest nesting of brackets and block statements, counted on the token stream before parsing. */
  maxNesting: number;
  /** Deepest expression/statement tree the analysis walks. */
  maxAstDepth: number;
}

export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = {
  maxTemplateChars: 1024 * 1024,
  maxNesting: 64,
  maxAstDepth: 400,
};

/**
 * Internal precision bounds of the static evaluation of names (not limits on the input: going
 * past one makes a value "unknown", which the analysis treats conservatively).
 */
export const EVALUATION_BOUNDS = {
  /** Distinct strings an expression is tracked as possibly being. */
  maxAlternatives: 64,
  /** Longest string tracked exactly. */
  maxStringLength: 4096,
  /** Literal pieces remembered per value (for the message and the `_` test). */
  maxPieces: 64,
  /** Rounds of the variable fixpoint before still-changing variables are widened to unknown. */
  maxRounds: 24,
  /**
   * @huggingface/jinja's preprocessing runs a regex that is quadratic in the length of a
   * whitespace run; runs longer than this are shortened before tokenizing (whitespace cannot
   * spell a name, so the analysis does not change).
   */
  maxWhitespaceRun: 256,
} as const;
