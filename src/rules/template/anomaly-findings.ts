import type { Anomaly, Severity } from '../../types.js';
import { isLimitCode, limitMessage } from '../../engine/limits.js';
import type { FindingInput, Rule, RuleMeta } from '../types.js';

/**
 * Template anomalies become findings carrying the expression and names as evidence, and the
 * line/column the parser family located (the AST itself has no positions).
 */
export function templateAnomalyRule(meta: RuleMeta, codes: ReadonlySet<string>, grade?: (anomaly: Anomaly) => Severity | undefined): Rule {
  return {
    meta,
    *check({ artifact }): Iterable<FindingInput> {
      for (const a of artifact.anomalies) {
        if (!codes.has(a.code)) continue;
        const line = typeof a.detail?.line === 'number' ? a.detail.line : undefined;
        const column = typeof a.detail?.column === 'number' ? a.detail.column : undefined;
        const severity = grade?.(a);
        yield {
          message: isLimitCode(a.code) ? limitMessage(a.message) : a.message,
          ...(line !== undefined ? { location: { line, ...(column !== undefined ? { column } : {}) } } : {}),
          evidence: { code: a.code, ...(a.detail ?? {}) },
          ...(severity ? { severity } : {}),
        };
      }
    },
  };
}
