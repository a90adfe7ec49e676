import { createHash } from 'node:crypto';
import type { Finding, Report, Severity } from '../types.js';
import type { Rule } from '../rules/types.js';
import { jsonSafe } from './json.js';

/** GitHub reads `security-severity` as CVSS-like bands: ≥9 critical, 7–8.9 high, 4–6.9 medium, <4 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

export interface SarifOptions {
  rules: readonly Rule[];
  /** Turns a finding's outer path into a URI relative to the repository root. */
  toRepoUri: (path: string) => string;
}

/** Stable across runs and unrelated edits: what was found, in which file and member, not where in the bytes. */
function fingerprint(f: Finding): string {
  const ev = f.evidence ?? {};
  const what = ['module', 'name', 'code', 'member', 'via'].map((k) => String(ev[k] ?? '')).join('|');
  return createHash('sha256').update(`${f.ruleId}\u0000${f.path}\u0000${what}`).digest('hex').slice(0, 32);
}

/** A Hub URL is absolute: it has no base; every other URI is relative to the checked-out repo. */
const artifactLocation = (uri: string): { uri: string; uriBaseId?: string } => (/^https?:\/\//.test(uri) ? { uri } : { uri, uriBaseId: '%SRCROOT%' });

function ruleDescriptor(rule: Rule) {
  const d = rule.meta.docs;
  return {
    id: rule.meta.id,
    name: rule.meta.id.replace(/[/-](\w)/g, (_, ch: string) => ch.toUpperCase()).replace(/^\w/, (ch) => ch.toUpperCase()),
    shortDescription: { text: rule.meta.description },
    fullDescription: { text: d.description },
    help: {
      text: `${d.description}\n\nExample: ${d.example}\n\nFix: ${d.fix}`,
      markdown: `${d.description}\n\n**Example:** ${d.example}\n\n**Fix:** ${d.fix}${d.url ? `\n\n[More](${d.url})` : ''}`,
    },
    ...(d.url ? { helpUri: d.url } : {}),
    defaultConfiguration: { level: LEVEL[rule.meta.severity] },
    properties: { tags: ['security', rule.meta.category], 'security-severity': SECURITY_SEVERITY[rule.meta.severity], precision: 'high' },
  };
}

/** SARIF 2.1.0 for GitHub code scanning. Binary artifacts get `startLine: 1`; members are named in the message. */
export function formatSarif(report: Report, options: SarifOptions): string {
  const used = new Set(report.findings.map((f) => f.ruleId));
  const rules = options.rules.filter((r) => used.has(r.meta.id));
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const results = report.findings.map((f) => {
    const [outer, ...members] = f.path.split('!');
    const member = members.join('!');
    const cell = f.location?.cell;
    const where = [member ? `in ${member}` : '', cell !== undefined ? `notebook cell ${cell}, line ${f.location?.line ?? 1}` : ''].filter(Boolean).join(', ');
    const text = where ? `${f.message} (${where})` : f.message;
    return {
      ruleId: f.ruleId,
      ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
      level: LEVEL[f.severity],
      message: { text: f.fix ? `${text}. Fix: ${f.fix}` : text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(options.toRepoUri(outer)),
            // A notebook's line counts within a cell, not within the .ipynb file: the cell goes in the message.
            region: cell !== undefined ? { startLine: 1 } : { startLine: f.location?.line ?? 1, ...(f.location?.column ? { startColumn: f.location.column } : {}) },
          },
          ...(member ? { logicalLocations: [{ fullyQualifiedName: f.path, kind: 'member' }] } : {}),
        },
      ],
      partialFingerprints: { 'modelvetFinding/v1': fingerprint(f) },
      properties: {
        severity: f.severity,
        'security-severity': SECURITY_SEVERITY[f.severity],
        ...(f.location?.offset !== undefined ? { byteOffset: f.location.offset } : {}),
        ...(cell !== undefined ? { notebookCell: cell, cellLine: f.location?.line } : {}),
        ...(f.evidence ? { evidence: f.evidence } : {}),
      },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'modelvet',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: 'https://github.com/modelvet/modelvet',
            rules: rules.map(ruleDescriptor),
          },
        },
        results,
        ...(report.errors.length
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: report.errors.map((e) => ({ level: 'error', message: { text: e.path ? `${e.path}: ${e.message}` : e.message } })),
                },
              ],
            }
          : {}),
      },
    ],
  };
  return `${JSON.stringify(sarif, jsonSafe, 2)}\n`;
}
