import type { Anomaly, Artifact } from '../types.js';
import { SEVERITIES } from '../types.js';
import { isLimitCode, limitMessage } from '../engine/limits.js';
import type { FindingInput, Rule, RuleMeta } from './types.js';

/** Where a rule finds its anomalies: on the artifact itself, or in its pickle analysis. */
export type AnomalySource = (artifact: Artifact) => readonly Anomaly[];

export const artifactAnomalies: AnomalySource = (artifact) => artifact.anomalies;
export const pickleAnomalies: AnomalySource = (artifact) => ('pickle' in artifact ? artifact.pickle.anomalies : []);

const atLeastHigh = (meta: RuleMeta): boolean => SEVERITIES.indexOf(meta.severity) <= SEVERITIES.indexOf('high');

/**
 * Many rules just turn parser anomalies of certain codes into findings. This keeps each such
 * rule a few lines of data while the wording stays with the parser that understood the bytes.
 * An anomaly that says an analysis limit was hit (src/engine/limits.ts) is at least high and
 * says "not fully analysed", whichever rule takes it: a limit never reads as a lesser problem.
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
        const limit = isLimitCode(anomaly.code);
        yield {
          message: limit ? limitMessage(anomaly.message) : anomaly.message,
          ...(limit && !atLeastHigh(meta) ? { severity: 'high' as const } : {}),
          ...(anomaly.offset !== undefined ? { location: { offset: anomaly.offset } } : {}),
          evidence: { code: anomaly.code, ...(anomaly.detail ?? {}) },
        };
      }
    },
  };
}
