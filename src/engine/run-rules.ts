import type { Artifact, Finding } from '../types.js';
import type { ResolvedConfig, RuleSetting } from '../config/types.js';
import type { Rule, RuleSettings } from '../rules/types.js';

/** Depth-first walk: each artifact with the chain of artifacts that contain it. */
export function* walkArtifacts(root: Artifact, ancestors: Artifact[] = []): Generator<{ artifact: Artifact; ancestors: Artifact[] }> {
  yield { artifact: root, ancestors };
  for (const child of root.children) yield* walkArtifacts(child, [...ancestors, root]);
}

export interface RunRulesOptions {
  rules: readonly Rule[];
  ruleSettings: Readonly<Record<string, RuleSetting>>;
  settings: RuleSettings;
}

/**
 * Runs every enabled rule on every artifact of a tree. A rule that throws is a bug in that rule:
 * it becomes a finding (fail closed), never a crash of the scan.
 */
export function runRules(root: Artifact, options: RunRulesOptions): Finding[] {
  const findings: Finding[] = [];
  const active = options.rules.filter((rule) => options.ruleSettings[rule.meta.id] !== 'off');
  for (const { artifact, ancestors } of walkArtifacts(root)) {
    for (const rule of active) {
      const applies = rule.meta.appliesTo.includes('*') || rule.meta.appliesTo.includes(artifact.format);
      if (!applies) continue;
      const override = options.ruleSettings[rule.meta.id];
      try {
        for (const input of rule.check({ artifact, root, ancestors, settings: options.settings })) {
          const finding: Finding = {
            ruleId: rule.meta.id,
            severity: override && override !== 'off' ? override : (input.severity ?? rule.meta.severity),
            path: input.path ?? artifact.path,
            message: input.message,
          };
          if (input.location) finding.location = input.location;
          if (input.evidence) finding.evidence = input.evidence;
          const fix = input.fix ?? rule.meta.docs.fix;
          if (fix) finding.fix = fix;
          findings.push(finding);
        }
      } catch (err) {
        findings.push({
          ruleId: 'engine/rule-error',
          severity: 'high',
          path: artifact.path,
          message: `rule ${rule.meta.id} failed on this artifact, so it was not fully checked: ${(err as Error).message}`,
          fix: 'Report this as a bug in the rule; until it is fixed, treat the artifact as unchecked.',
        });
      }
    }
  }
  return findings;
}

/** What a rule run needs besides the rules, from the configuration (the same in both threads). */
export function ruleRunOptions(config: ResolvedConfig, rules: readonly Rule[]): RunRulesOptions {
  return { rules, ruleSettings: config.rules, settings: { allowedGlobals: config.allowGlobals, trustedPublishers: config.trustedPublishers, advisories: config.advisories } };
}
