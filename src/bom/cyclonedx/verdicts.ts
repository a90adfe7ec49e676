import type { BomView, ViewVerdict } from '../validate/view.js';
import { fileRef, findingRef, modelRef } from './refs.js';
import type { CdxProperty, CdxSeverity, CdxVulnerability } from './types.js';

/** The component a finding is about: its file, else the model. */
export const affectedRef = (view: BomView, verdict: ViewVerdict): string => (verdict.file !== undefined ? fileRef(verdict.file) : modelRef(view));

/**
 * Findings at low and above as `vulnerabilities`: what loading the model would do is exactly what a
 * BOM consumer gates on. The path is kept when it is more precise than the affected file (an archive
 * member, or a path outside the listed files).
 */
export function vulnerabilities(view: BomView): CdxVulnerability[] {
  return view.verdicts
    .filter((v): v is ViewVerdict & { severity: CdxSeverity } => v.severity !== 'info')
    .map((v) => ({
      'bom-ref': findingRef(v.id),
      id: v.id,
      source: { name: 'modelvet' },
      ratings: [{ source: { name: 'modelvet' }, severity: v.severity, method: 'other' }],
      description: v.message,
      affects: [{ ref: affectedRef(view, v) }],
      ...(v.path !== v.file ? { properties: [{ name: 'modelvet:finding-path', value: v.path }] } : {}),
    }));
}

/**
 * Info findings (scan statistics, advice) are no vulnerability: a scanner counting vulnerabilities
 * would count them. They stay in the BOM as `modelvet:finding` properties of the component they are
 * about, keyed by ref.
 */
export function infoFindingProperties(view: BomView): Map<string, CdxProperty[]> {
  const out = new Map<string, CdxProperty[]>();
  for (const v of view.verdicts) {
    if (v.severity !== 'info') continue;
    const ref = affectedRef(view, v);
    const where = v.path !== v.file && v.path !== '' ? ` (at ${v.path})` : '';
    out.set(ref, [...(out.get(ref) ?? []), { name: 'modelvet:finding', value: `${v.ruleId}: ${v.message}${where}` }]);
  }
  return out;
}
