import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader } from '../../src/engine/analyse.js';
import { runRules } from '../../src/engine/run-rules.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { bufferReader } from '../../src/sources/readers.js';
import type { Finding } from '../../src/types.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const load = (rel: string): Uint8Array => new Uint8Array(readFileSync(fixtures + rel));

async function findingsFor(bytes: Uint8Array, path = 'x'): Promise<Finding[]> {
  const artifact = await analyseReader(bufferReader(bytes), path);
  return runRules(artifact, { rules: BUILTIN_RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });
}

const samples = [
  'benign/torch-state-dict.pt',
  'benign/torch-legacy.pt',
  'benign/torchscript-scripted.pt',
  'benign/numpy-array-p2.pkl',
  'malicious/a01-memo-desync.pkl',
  ...readdirSync(fixtures + 'malicious').filter((f) => f.startsWith('c4')).map((f) => `malicious/${f}`),
].filter((f) => {
  try {
    readFileSync(fixtures + f);
    return true;
  } catch {
    return false;
  }
});

describe('hostile input through the whole pipeline', function () {
  this.timeout(120_000);

  it('has samples to mutate', () => expect(samples.length).to.be.greaterThan(5));

  it('truncated, bit-flipped and spliced real artifacts never crash the scan', async () => {
    const corpus = samples.map(load);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (which, flips, cut) => {
          const bytes = Uint8Array.from(corpus[which]);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const mutated = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          const findings = await findingsFor(mutated);
          expect(findings.every((f) => f.ruleId !== 'engine/rule-error')).to.equal(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a malicious checkpoint cut anywhere after its payload still reports the callable', async () => {
    const bytes = load('malicious/a06-broken-after-reduce.pkl');
    const full = await findingsFor(bytes);
    expect(full.some((f) => f.severity === 'critical')).to.equal(true);
    // Cut at every byte after the REDUCE that calls the payload.
    const name = Buffer.from(bytes).indexOf('getcwd');
    const reduce = bytes.indexOf(0x52, name);
    expect(name).to.be.greaterThan(0);
    expect(reduce).to.be.greaterThan(name);
    expect(bytes.length - reduce).to.be.greaterThan(3);
    for (let cut = reduce + 1; cut <= bytes.length; cut++) {
      const findings = await findingsFor(bytes.subarray(0, cut));
      expect(findings.some((f) => f.severity === 'critical' && f.message.includes('os.getcwd')), `cut at ${cut}`).to.equal(true);
    }
  });

  it('random bytes are never a silent pass when they look like a pickle', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const artifact = await analyseReader(bufferReader(bytes), 'r');
        const findings = runRules(artifact, { rules: BUILTIN_RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });
        // Whatever it is, it is either listed as unrecognised or judged by a rule: never dropped.
        expect(findings.length).to.be.greaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
