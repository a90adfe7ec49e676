import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { analyseReader } from '../../src/engine/analyse.js';
import { analyseOptionsFrom, FILE_BYTE_LIMIT_CODE, fileByteBudget, isLimitCode, limitMessage, LIMITS } from '../../src/engine/limits.js';
import { runRules } from '../../src/engine/run-rules.js';
import { anomalyRule } from '../../src/rules/anomaly-rule.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import resourceLimit from '../../src/rules/engine/resource-limit.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import type { Rule } from '../../src/rules/types.js';
import { bufferReader } from '../../src/sources/readers.js';
import type { ByteReader } from '../../src/types.js';
import { unknownArtifact } from '../helpers/artifacts.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

/** Every built-in rule, and engine/resource-limit whether or not it is registered yet. */
const RULES: readonly Rule[] = BUILTIN_RULES.some((r) => r.meta.id === 'engine/resource-limit') ? BUILTIN_RULES : [...BUILTIN_RULES, resourceLimit];
const ruleOptions = { rules: RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } };

describe('limits: the per-file byte budget (maxFileBytes)', () => {
  it('passes reads through within the budget and records nothing', async () => {
    const budget = fileByteBudget(bufferReader(bytes(100)), { maxFileBytes: 105 });
    expect(Array.from(await budget.reader.read(10, 5))).to.deep.equal([10, 11, 12, 13, 14]);
    // Asking for more than the file holds is not asking past the budget.
    expect((await budget.reader.read(0, 1000)).length).to.equal(100);
    // Reads at or past the end were never going to return bytes: they are not cut by the budget.
    expect((await budget.reader.read(100, 10)).length).to.equal(0);
    expect(budget.bytesRead).to.equal(105);
    expect(budget.exceeded).to.equal(false);
    expect(budget.finish(unknownArtifact('small.bin')).anomalies).to.deep.equal([]);
  });

  it('counts re-reads, shortens the read that crosses the budget, and returns nothing after it', async () => {
    const budget = fileByteBudget(bufferReader(bytes(1000)), { maxFileBytes: 30 });
    expect((await budget.reader.read(0, 20)).length).to.equal(20);
    expect(budget.exceeded).to.equal(false);
    const crossing = await budget.reader.read(0, 20);
    expect(Array.from(crossing)).to.deep.equal(Array.from(bytes(10)));
    expect((await budget.reader.read(500, 1)).length).to.equal(0);
    expect(budget.bytesRead).to.equal(30);
    expect(budget.exceeded).to.equal(true);
    expect(budget.reader.size).to.equal(1000);
  });

  it('finish() records where reading stopped on the root artifact, and only when a read was cut', async () => {
    const cut = fileByteBudget(bufferReader(bytes(1000)), { maxFileBytes: 30 });
    await cut.reader.read(0, 20);
    await cut.reader.read(20, 20);
    const root = cut.finish(unknownArtifact('big.bin'));
    expect(root.anomalies).to.have.length(1);
    expect(root.anomalies[0]).to.deep.include({ code: FILE_BYTE_LIMIT_CODE, offset: 30 });
    expect(root.anomalies[0]!.detail).to.deep.equal({ limit: 30, bytesRead: 30, key: 'maxFileBytes' });
    expect(root.anomalies[0]!.message).to.match(/^not fully analysed: modelvet reads at most 30 bytes of a file \(limits\.maxFileBytes\) and stopped at offset 30/);

    const whole = fileByteBudget(bufferReader(bytes(1000)), { maxFileBytes: 1000 });
    await whole.reader.read(0, 1000);
    expect(whole.finish(unknownArtifact('ok.bin')).anomalies).to.deep.equal([]);
  });

  it('forwards prefetch hints until the budget is spent', async () => {
    const hints: Array<ReadonlyArray<readonly [number, number]>> = [];
    const base = bufferReader(bytes(100));
    const remote: ByteReader = { size: base.size, read: base.read, prefetch: async (ranges) => void hints.push(ranges) };
    const budget = fileByteBudget(remote, { maxFileBytes: 10 });
    await budget.reader.prefetch!([[0, 5]]);
    await budget.reader.read(0, 10);
    await budget.reader.prefetch!([[50, 60]]);
    expect(hints).to.deep.equal([[[0, 5]]]);
    expect(fileByteBudget(bufferReader(bytes(1)), { maxFileBytes: 1 }).reader.prefetch).to.equal(undefined);
  });

  it('a checkpoint cut by the budget is a high engine/resource-limit finding; the default reads it whole', async () => {
    const pt = fixture('benign/torch-full-model.pt');
    const small = analyseOptionsFrom({ limits: { maxFileBytes: 2000 } });
    const budget = fileByteBudget(bufferReader(pt), small);
    const root = budget.finish(await analyseReader(budget.reader, 'torch-full-model.pt', 0, small));
    const findings = runRules(root, ruleOptions).filter((f) => f.ruleId === 'engine/resource-limit');
    expect(findings).to.have.length(1);
    expect(findings[0]).to.deep.include({ severity: 'high', path: 'torch-full-model.pt' });
    expect(findings[0]!.message).to.include('not fully analysed');
    expect(budget.bytesRead).to.be.at.most(2000);

    const defaults = analyseOptionsFrom({});
    const whole = fileByteBudget(bufferReader(pt), defaults);
    const clean = whole.finish(await analyseReader(whole.reader, 'torch-full-model.pt', 0, defaults));
    expect(whole.exceeded).to.equal(false);
    expect(runRules(clean, ruleOptions).filter((f) => f.severity === 'high' || f.severity === 'critical')).to.deep.equal([]);
  });

  it('truncated and mutated fixtures under any budget: always an artifact, never more bytes than the budget, and a finding iff a read was cut', async function () {
    this.timeout(60_000);
    const seeds = ['benign/torch-full-model.pt', 'benign/sklearn-pipeline.pkl', 'benign/archive/model.tar.gz', 'benign/safetensors/numpy.safetensors', 'benign/gguf/tiny-llama.gguf', 'benign/onnx/tiny-mlp.onnx', 'benign/archive/arrays.npz'].map((name) => [name, fixture(name)] as const);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(seeds.length - 1),
        fc.integer({ min: 1, max: 8192 }),
        fc.oneof(fc.record({ cut: fc.nat() }), fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) })),
        async (seed, maxFileBytes, change) => {
          const [name, original] = seeds[seed]!;
          let data = original;
          if ('cut' in change) data = original.subarray(0, change.cut % (original.length + 1));
          else {
            data = original.slice();
            if (data.length > 0) data[change.at % data.length] = change.byte;
          }
          const options = analyseOptionsFrom({ limits: { maxFileBytes } });
          const budget = fileByteBudget(bufferReader(data), options);
          const root = budget.finish(await analyseReader(budget.reader, name.slice(name.lastIndexOf('/') + 1), 0, options));
          expect(root.path).to.be.a('string');
          expect(budget.bytesRead).to.be.at.most(maxFileBytes);
          const limitFindings = runRules(root, ruleOptions).filter((f) => f.ruleId === 'engine/resource-limit');
          expect(limitFindings.length).to.equal(budget.exceeded ? 1 : 0);
          for (const f of limitFindings) expect(f.severity).to.equal('high');
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('limits: findings say "not fully analysed" and are at least high', () => {
  it('limitMessage adds the words once', () => {
    expect(limitMessage('more than 10 opcodes: the rest is not analysed')).to.equal('not fully analysed: more than 10 opcodes: the rest is not analysed');
    expect(limitMessage('not fully analysed: the message structure exceeds the budget')).to.equal('not fully analysed: the message structure exceeds the budget');
    expect(limitMessage('Not fully analysed: x')).to.equal('Not fully analysed: x');
  });

  it('every code the table lists is a limit code', () => {
    for (const l of LIMITS) for (const code of l.codes) expect(isLimitCode(code), code).to.equal(true);
    expect(isLimitCode('pickle/truncated')).to.equal(false);
    expect(isLimitCode('keras/h5-unreadable')).to.equal(false);
  });

  const medium = anomalyRule(
    { id: 'test/medium', description: 'a medium rule', severity: 'medium', category: 'test', appliesTo: ['*'], docs: { description: 'd', example: 'e', fix: 'f' } },
    () => true,
  );
  new RuleTester().run('a medium anomaly rule taking a limit code', medium, {
    valid: [{ name: 'no anomalies', artifact: unknownArtifact('a') }],
    invalid: [
      {
        name: 'a limit anomaly becomes high and says so; another stays as the rule says',
        artifact: unknownArtifact('a', [
          { code: 'code/too-large', message: 'the file is 9 bytes, over the 1-byte limit' },
          { code: 'code/not-utf8', message: 'the file is not UTF-8' },
        ]),
        findings: [
          { severity: 'high', message: 'not fully analysed: the file is 9 bytes, over the 1-byte limit', evidence: { code: 'code/too-large' } },
          { severity: 'medium', message: 'the file is not UTF-8' },
        ],
      },
    ],
  });

  new RuleTester().run('engine/resource-limit', resourceLimit, {
    valid: [{ name: 'an artifact read whole', artifact: unknownArtifact('m.pt', [{ code: 'archive/member-limit', message: 'x' }]) }],
    invalid: [
      {
        name: 'a file cut at maxFileBytes',
        artifact: unknownArtifact('m.pt', [{ code: FILE_BYTE_LIMIT_CODE, message: 'not fully analysed: modelvet reads at most 10 bytes of a file', offset: 10, detail: { limit: 10 } }]),
        findings: [{ severity: 'high', message: 'not fully analysed: modelvet reads at most 10 bytes of a file', evidence: { code: FILE_BYTE_LIMIT_CODE, limit: 10 } }],
      },
    ],
  });

  it('engine/resource-limit documents itself', () => {
    const { meta } = resourceLimit;
    expect(meta).to.deep.include({ id: 'engine/resource-limit', severity: 'high', category: 'engine' });
    expect(meta.appliesTo).to.deep.equal(['*']);
    expect(meta.docs.fix).to.include('limits.maxFileBytes');
  });
});
