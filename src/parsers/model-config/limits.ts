/** Bounds on reading one config; hitting one is a `model-config/limit` or `model-config/too-large` anomaly. */
export interface ConfigLimits {
  /** Mapping/list nesting walked; configs are a few levels deep. */
  maxDepth: number;
  /** YAML nodes visited, counting every expansion of an alias (a "billion laughs" stops here); JSON has no aliases. */
  maxNodes: number;
  /**
   * Largest YAML file parsed. The yaml package builds a full node tree at about 1 MB/s, so YAML
   * gets a tighter cap than JSON (which `maxJsonBytes` bounds); real configs are a few KB.
   */
  maxYamlBytes: number;
}

export const DEFAULT_CONFIG_LIMITS: ConfigLimits = {
  maxDepth: 64,
  maxNodes: 1_000_000,
  maxYamlBytes: 2 * 1024 * 1024,
};
