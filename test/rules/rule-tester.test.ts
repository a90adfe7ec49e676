import { expect } from 'chai';
import { RuleTester, type TestFramework } from '../../src/rules/rule-tester.js';
import type { Rule } from '../../src/rules/types.js';
import { unknownArtifact } from '../helpers/artifacts.js';

const rule: Rule = {
  meta: {
    id: 'test/big-file',
    description: 'files over 50 bytes',
    severity: 'medium',
    category: 'test',
    appliesTo: ['*'],
    docs: { description: 'd', example: 'e', fix: 'f' },
  },
  *check({ artifact }) {
    if (artifact.size > 50) yield { message: `${artifact.path} is big`, evidence: { size: artifact.size } };
  },
};

/** Collects the tests RuleTester declares so the test can run them and see which fail. */
function collect(): { framework: TestFramework; run(): Promise<Record<string, string | null>> } {
  const tests: Array<[string, () => void | Promise<void>]> = [];
  const stack: string[] = [];
  const framework: TestFramework = {
    describe(name, fn) {
      stack.push(name);
      fn();
      stack.pop();
    },
    it(name, fn) {
      tests.push([[...stack, name].join(' > '), fn]);
    },
  };
  return {
    framework,
    async run() {
      const out: Record<string, string | null> = {};
      for (const [name, fn] of tests) {
        try {
          await fn();
          out[name] = null;
        } catch (err) {
          out[name] = (err as Error).message;
        }
      }
      return out;
    },
  };
}

const big = { ...unknownArtifact('big.bin'), size: 100 };
const small = unknownArtifact('small.bin');

describe('RuleTester', () => {
  it('passes cases that hold and fails each kind of mismatch', async () => {
    const c = collect();
    new RuleTester(c.framework).run('test/big-file', rule, {
      valid: [{ name: 'small', artifact: small }, { name: 'big as valid', artifact: big }],
      invalid: [
        { name: 'big', artifact: big, findings: [{ severity: 'medium', message: 'big.bin is big', evidence: { size: 100 } }] },
        { name: 'wrong severity', artifact: big, findings: [{ severity: 'high' }] },
        { name: 'wrong message', artifact: big, findings: [{ message: /tiny/ }] },
        { name: 'wrong evidence', artifact: big, findings: [{ evidence: { size: 1 } }] },
        { name: 'wrong count', artifact: small, findings: [{ severity: 'medium' }] },
      ],
    });
    const results = await c.run();
    expect(results['test/big-file > valid > small']).to.equal(null);
    expect(results['test/big-file > valid > big as valid']).to.match(/expected no findings, got 1/);
    expect(results['test/big-file > invalid > big']).to.equal(null);
    expect(results['test/big-file > invalid > wrong severity']).to.match(/severity differs/);
    expect(results['test/big-file > invalid > wrong message']).to.match(/message differs/);
    expect(results['test/big-file > invalid > wrong evidence']).to.match(/evidence\.size differs/);
    expect(results['test/big-file > invalid > wrong count']).to.match(/expected 1 finding\(s\), got 0/);
  });

  it('reports a rule that throws as a failure, not as a finding', async () => {
    const c = collect();
    const broken: Rule = { ...rule, *check() { throw new Error('boom'); } };
    new RuleTester(c.framework).run('broken', broken, { valid: [{ name: 'any', artifact: small }], invalid: [{ name: 'any', artifact: small, findings: [{}] }] });
    const results = await c.run();
    expect(results['broken > valid > any']).to.match(/rule test\/big-file failed.*boom/);
  });

  it('refuses a suite with no invalid case', () => {
    expect(() => new RuleTester(collect().framework).run('x', rule, { valid: [], invalid: [] })).to.throw(/at least one invalid case/);
  });
});
