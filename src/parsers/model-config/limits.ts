import type { AnalyseOptions } from '../../engine/format-handler.js';

/** Bounds on reading one config; hitting one is a `model-config/limit` or `model-config/too-large` anomaly. */
export interface ConfigLimits {
  /** Mapping/list nesting walked; configs are a few levels deep. */
  maxDepth: number;
  /** YAML nodes visited, counting every expansion of an alias (a "billion laughs" stops here); JSON has no aliases. */
  maxNodes: number;
  /**
   * Largest YAML file parsed. The yaml package builds a full node tree at about 1 MB/s, so YAML
   * gets a tighter cap than JSON (which `maxJsonBytes` bounds); real configs are a few KB.
   * The default here is the default of `limits.maxYamlBytes`.
   */
  maxYamlBytes: number;
}

export const DEFAULT_CONFIG_LIMITS: ConfigLimits = {
  maxDepth: 64,
  maxNodes: 1_000_000,
  maxYamlBytes: 2 * 1024 * 1024,
};

/** The limits for one analysis: the YAML cap comes from the analysis options (`limits.maxYamlBytes`). */
export const configLimits = (options: Pick<AnalyseOptions, 'maxYamlBytes'>): ConfigLimits => ({
  ...DEFAULT_CONFIG_LIMITS,
  // Options built by hand (tests, embedding tools) may lack the field: keep the cap rather than lose it.
  maxYamlBytes: options.maxYamlBytes ?? DEFAULT_CONFIG_LIMITS.maxYamlBytes,
});
