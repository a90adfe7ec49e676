/**
 * Every anomaly code the model-config family records. `code/malformed` reports them all: a config
 * that is not valid YAML/JSON at info (many YAML files in a repository are templates that no
 * loader reads as they stand), a config over a limit at its default severity (it was not read).
 */
export const MODEL_CONFIG_CODES = {
  /** Not valid YAML or JSON (or not UTF-8): nothing in it was read. */
  malformed: 'model-config/malformed',
  /** Over the size cap: not read at all. */
  tooLarge: 'model-config/too-large',
  /** Nesting or alias expansion past a limit: the rest of the document was not walked. */
  limit: 'model-config/limit',
} as const;

export type ModelConfigCode = (typeof MODEL_CONFIG_CODES)[keyof typeof MODEL_CONFIG_CODES];
