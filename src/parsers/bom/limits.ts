/**
 * Bounds on reading one BOM beyond the engine's JSON size cap (`maxJsonBytes`), which no engine
 * option covers: a BOM is read whole, so these bound the walk, not the memory. Hitting one is a
 * `bom/limit` anomaly; what was read before it is kept.
 */
export interface BomLimits {
  /** Components, SPDX elements and relationships read, together. Real AI BOMs list tens to thousands. */
  maxElements: number;
  /** CycloneDX `components` nested inside `components`. */
  maxDepth: number;
}

export const DEFAULT_BOM_LIMITS: BomLimits = {
  maxElements: 200_000,
  maxDepth: 32,
};
