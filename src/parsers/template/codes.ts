/**
 * Every anomaly code the template family records, and which rule turns it into a finding.
 * Parsers know no severities; the grouping here is what each rule matches on.
 */
export const TEMPLATE_CODES = {
  /** An attribute or item lookup by a literal `_`-private, dunder or known gadget name (`x.__class__`, `x['__globals__']`, `x|attr('mro')`). */
  dunderAttribute: 'template/dunder-attribute',
  /** An attribute name assembled at render time from pieces that can spell a private name (`'__cla' ~ 'ss__'`). */
  assembledAttribute: 'template/assembled-attribute',
  /** A `str.format` field that walks into a private attribute (`'{0.__class__}'.format(x)`). */
  formatStringAttribute: 'template/format-string-attribute',
  /** `str.format`/`format_map` taken as a value or through `|attr` (the CVE-2024-56326 / CVE-2025-27516 routes). */
  formatMethodReference: 'template/format-method-reference',
  /** A template that could not be parsed whose tokens still name a gadget. */
  gadgetToken: 'template/gadget-token',
  /** A lookup whose name is computed at render time on a Jinja global, or through `|attr`. */
  computedAttribute: 'template/computed-attribute',
  /** A Jinja or Flask global used as an object (`cycler.x`, `lipsum|string`, `self`, `config`). */
  escapeRoot: 'template/escape-root',
  /** `{% include %}`, `{% import %}`, `{% from … import %}`, `{% extends %}`: the template asks its loader for other templates. */
  loadsTemplate: 'template/loads-template',
  /** Constant loop bounds, repetitions or powers that make rendering hang or exhaust memory. */
  denialOfService: 'template/denial-of-service',
  /** The parser rejected the text: it was not checked. */
  unparsed: 'template/unparsed',
  /** The text is over a size, nesting or AST-depth limit: it was not (fully) checked. */
  resourceLimit: 'template/resource-limit',
  /** A template file that is not valid UTF-8 (transformers refuses it). */
  notText: 'template/not-text',
  /** A tokenizer/processor config that does not parse, or whose `chat_template` has the wrong shape. */
  configMalformed: 'template/config-malformed',
  /** A config larger than the JSON cap: its templates were not read. */
  configTooLarge: 'template/config-too-large',
} as const;

export type TemplateCode = (typeof TEMPLATE_CODES)[keyof typeof TEMPLATE_CODES];

const C = TEMPLATE_CODES;

/** Rendering runs code (critical): `template/sandbox-escape`. */
export const SANDBOX_ESCAPE_CODES: ReadonlySet<string> = new Set([C.dunderAttribute, C.assembledAttribute, C.formatStringAttribute, C.formatMethodReference, C.gadgetToken]);

/** Constructs a chat template has no business with (high): `template/unsafe-construct`. */
export const UNSAFE_CONSTRUCT_CODES: ReadonlySet<string> = new Set([C.computedAttribute, C.escapeRoot, C.loadsTemplate]);

/** Not (fully) checked (high): `template/unparsed`. */
export const UNPARSED_CODES: ReadonlySet<string> = new Set([C.unparsed, C.resourceLimit]);

/** Rendering may hang or exhaust memory (medium): `template/denial-of-service`. */
export const DOS_CODES: ReadonlySet<string> = new Set([C.denialOfService]);

/** Files the loader itself would refuse (medium, high when over the size cap): `template/malformed`. */
export const MALFORMED_CODES: ReadonlySet<string> = new Set([C.notText, C.configMalformed, C.configTooLarge]);
