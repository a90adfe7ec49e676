import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from '../../types.js';
import { SEVERITIES } from '../../types.js';
import type { BomVerdict } from '../types.js';
import { byKeys } from './values.js';

export const compareVerdicts = byKeys<BomVerdict>((v) => v.path, (v) => SEVERITIES.indexOf(v.severity), (v) => v.ruleId, (v) => v.message);

/**
 * A scan's findings as verdicts on the model's files: paths relative to the model root (an archive
 * member keeps its `!member` suffix). Findings about anything outside the root (a config file,
 * a lockfile elsewhere) are not about this model and are left out.
 */
export function verdictsFromFindings(findings: readonly Finding[], rootAbs: string, cwd: string): BomVerdict[] {
  const out: BomVerdict[] = [];
  for (const f of findings) {
    const bang = f.path.indexOf('!');
    const filePart = bang >= 0 ? f.path.slice(0, bang) : f.path;
    const member = bang >= 0 ? f.path.slice(bang) : '';
    const rel = relative(rootAbs, resolve(cwd, filePart));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    out.push({ ruleId: f.ruleId, severity: f.severity, path: rel.split(sep).join('/') + member, message: f.message });
  }
  return out.sort(compareVerdicts);
}
