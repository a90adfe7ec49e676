import type { RuleSetting } from '../config/types.js';
import type { Rule } from '../rules/types.js';

/** One rule a line: id, severity in force, one-line description. */
export function listRules(rules: ReadonlyArray<Rule & { source?: string }>, settings: Readonly<Record<string, RuleSetting>>): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  const lines = rules.map((r) => {
    const setting = settings[r.meta.id] ?? r.meta.severity;
    const plugin = r.source && r.source !== 'modelvet' ? `  [${r.source}]` : '';
    return `${r.meta.id.padEnd(width)}  ${setting.padEnd(8)}  ${r.meta.description}${plugin}`;
  });
  return `${lines.join('\n')}\n`;
}

export function describeRule(rule: Rule & { source?: string }, setting?: RuleSetting): string {
  const { meta } = rule;
  const lines = [
    meta.id,
    '',
    meta.description,
    '',
    `Default severity: ${meta.severity}${setting && setting !== meta.severity ? ` (configured: ${setting})` : ''}`,
    `Applies to: ${meta.appliesTo.join(', ')}`,
    ...(rule.source && rule.source !== 'modelvet' ? [`Defined by: ${rule.source}`] : []),
    '',
    meta.docs.description,
    '',
    `Example: ${meta.docs.example}`,
    '',
    `Fix: ${meta.docs.fix}`,
    ...(meta.docs.url ? ['', `More: ${meta.docs.url}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
