/**
 * Caps on what extraction reads and keeps. Facts come from small text files beside the weights
 * (a card, configs); a file over its cap gives nothing rather than being read whole.
 */
export const FACT_LIMITS = {
  /** README.md is read up to this size; front matter past it is not looked for. */
  maxCardBytes: 1024 * 1024,
  /** config.json, adapter_config.json. */
  maxConfigBytes: 16 * 1024 * 1024,
  /** YAML aliases in a card (an alias bomb is refused, not expanded). */
  maxYamlAliases: 100,
  /** Items kept from one card list (tags, datasets, languages, base models). */
  maxListItems: 1000,
  /** `model-index` metrics kept. */
  maxMetrics: 5000,
} as const;
