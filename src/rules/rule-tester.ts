import { AssertionError } from 'node:assert';
import type { Artifact, Finding, Severity } from '../types.js';
import { runRules } from '../engine/run-rules.js';
import type { Rule, RuleSettings } from './types.js';

/** What an invalid case must produce: each listed finding, in order; fields left out are not checked. */
export interface ExpectedFinding {
  severity?: Severity;
  /** Exact message, or a pattern it must match. */
  message?: string | RegExp;
  path?: string;
  /** Evidence fields that must be present with these values. */
  evidence?: Record<string, unknown>;
}

export interface RuleTestCase {
  name: string;
  artifact: Artifact;
  settings?: Partial<RuleSettings>;
}

export interface InvalidRuleTestCase extends RuleTestCase {
  findings: ExpectedFinding[];
}

/** The test framework's `describe`/`it`; mocha's globals are used when present. */
export interface TestFramework {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => void | Promise<void>): void;
}

const defaultSettings: RuleSettings = { allowedGlobals: [], trustedPublishers: [] };

function findingsOf(rule: Rule, c: RuleTestCase): Finding[] {
  return runRules(c.artifact, { rules: [rule], ruleSettings: {}, settings: { ...defaultSettings, ...c.settings } }).filter(
    // A rule that throws surfaces as engine/rule-error: report that as a failure, not as a finding.
    (f) => {
      if (f.ruleId === 'engine/rule-error') throw new AssertionError({ message: f.message });
      return true;
    },
  );
}

function checkFinding(actual: Finding, expected: ExpectedFinding, index: number): void {
  const fail = (what: string, exp: unknown, act: unknown): never => {
    throw new AssertionError({ message: `finding ${index}: ${what} differs`, expected: exp, actual: act, operator: 'strictEqual' });
  };
  if (expected.severity && actual.severity !== expected.severity) fail('severity', expected.severity, actual.severity);
  if (expected.path && actual.path !== expected.path) fail('path', expected.path, actual.path);
  if (typeof expected.message === 'string' && actual.message !== expected.message) fail('message', expected.message, actual.message);
  if (expected.message instanceof RegExp && !expected.message.test(actual.message)) fail('message', String(expected.message), actual.message);
  for (const [key, value] of Object.entries(expected.evidence ?? {})) {
    if (JSON.stringify(actual.evidence?.[key]) !== JSON.stringify(value)) fail(`evidence.${key}`, value, actual.evidence?.[key]);
  }
}

/**
 * ESLint's RuleTester, for model artifacts: valid cases must yield no finding, invalid cases
 * exactly the listed findings. Plug-in authors test a rule in a few lines:
 *
 *   new RuleTester().run('my-plugin/no-foo', rule, { valid: [...], invalid: [...] })
 */
export class RuleTester {
  constructor(private readonly framework: TestFramework = globalThis as unknown as TestFramework) {
    if (typeof framework.describe !== 'function' || typeof framework.it !== 'function') {
      throw new Error('RuleTester needs describe/it: run it under mocha, or pass { describe, it }');
    }
  }

  run(name: string, rule: Rule, cases: { valid: RuleTestCase[]; invalid: InvalidRuleTestCase[] }): void {
    const { describe, it } = this.framework;
    if (cases.invalid.length === 0) throw new Error(`${name}: RuleTester needs at least one invalid case`);
    describe(name, () => {
      describe('valid', () => {
        for (const c of cases.valid) {
          it(c.name, () => {
            const found = findingsOf(rule, c);
            if (found.length > 0) {
              throw new AssertionError({ message: `expected no findings, got ${found.length}: ${found.map((f) => f.message).join(' | ')}` });
            }
          });
        }
      });
      describe('invalid', () => {
        for (const c of cases.invalid) {
          it(c.name, () => {
            if (c.findings.length === 0) throw new Error('an invalid case must expect at least one finding');
            const found = findingsOf(rule, c);
            if (found.length !== c.findings.length) {
              throw new AssertionError({
                message: `expected ${c.findings.length} finding(s), got ${found.length}: ${found.map((f) => `[${f.severity}] ${f.message}`).join(' | ')}`,
                expected: c.findings.length,
                actual: found.length,
                operator: 'strictEqual',
              });
            }
            found.forEach((f, i) => checkFinding(f, c.findings[i], i));
          });
        }
      });
    });
  }
}
