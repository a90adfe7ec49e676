import { minimatch } from 'minimatch';
import type { Finding } from '../types.js';
import type { Suppression } from '../config/types.js';

export interface SuppressionResult {
  kept: Finding[];
  suppressed: Array<{ finding: Finding; reason: string; until?: string }>;
  /** Suppressions past their `until` day: they no longer apply, and the user is told. */
  expired: Suppression[];
}

function ruleMatches(pattern: string, ruleId: string): boolean {
  if (pattern === '*' || pattern === ruleId) return true;
  return pattern.endsWith('/*') && ruleId.startsWith(pattern.slice(0, -1));
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  // A pattern for a file also covers its members (`model.pt` covers `model.pt!archive/data.pkl`).
  const outer = path.split('!')[0];
  return minimatch(path, pattern, { dot: true }) || minimatch(outer, pattern, { dot: true });
}

/** `today` is YYYY-MM-DD; a suppression `until` a day still applies on that day. */
export function applySuppressions(findings: Finding[], suppressions: readonly Suppression[], today: string): SuppressionResult {
  const expired = suppressions.filter((s) => s.until !== undefined && s.until < today);
  const live = suppressions.filter((s) => !expired.includes(s));
  const kept: Finding[] = [];
  const suppressed: SuppressionResult['suppressed'] = [];
  for (const finding of findings) {
    const match = live.find((s) => ruleMatches(s.rule, finding.ruleId) && pathMatches(s.path, finding.path));
    if (match) suppressed.push({ finding, reason: match.reason, ...(match.until ? { until: match.until } : {}) });
    else kept.push(finding);
  }
  return { kept, suppressed, expired };
}
