import type { Anomaly, Artifact } from '../types.js';
import type { FindingInput, Rule, RuleMeta } from './types.js';

/** Where a rule finds its anomalies: on the artifact itself, or in its pickle analysis. */
export type AnomalySource = (artifact: Artifact) => readonly Anomaly[];

export const artifactAnomalies: AnomalySource = (artifact) => artifact.anomalies;
export const pickleAnomalies: AnomalySource = (artifact) => ('pickle' in artifact ? artifact.pickle.anomalies : []);

/**
 * Many rules just turn parser anomalies of certain codes into findings. This keeps each such
 * rule a few lines of data while the wording stays with the parser that understood the bytes.
 */
export function anomalyRule(
  meta: RuleMeta,
  matches: (anomaly: Anomaly) => boolean,
  source: AnomalySource = artifactAnomalies,
): Rule {
  return {
    meta,
    *check({ artifact }): Iterable<FindingInput> {
      for (const anomaly of source(artifact)) {
        if (!matches(anomaly)) continue;
        yield {
          message: anomaly.message,
          ...(anomaly.offset !== undefined ? { location: { offset: anomaly.offset } } : {}),
          evidence: { code: anomaly.code, ...(anomaly.detail ?? {}) },
        };
      }
    },
  };
}
