import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { runRules } from '../../../src/engine/run-rules.js';
import { manifestKindOf } from '../../../src/parsers/deps/names.js';
import { parseRequirementsText } from '../../../src/parsers/deps/requirements.js';
import { parseRequirement } from '../../../src/parsers/deps/pep508.js';
import { poetryToPep440 } from '../../../src/parsers/deps/poetry-constraint.js';
import { RULES } from '../../../src/rules/dependencies/index.js';
import { bufferReader } from '../../../src/sources/readers.js';

const root = fileURLToPath(new URL('../../fixtures/projects/deps/', import.meta.url));

function manifests(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? manifests(p) : manifestKindOf(n) ? [p] : [];
  });
}

const fixtures = manifests(root).map((p) => ({ name: basename(p), bytes: new Uint8Array(readFileSync(p)) }));

/** Truncates at `cut` (a fraction) and overwrites bytes at the given positions. */
function damage(bytes: Uint8Array, cut: number, edits: Array<[number, number]>): Uint8Array {
  const out = bytes.slice(0, Math.floor(bytes.length * cut));
  for (const [at, value] of edits) if (out.length) out[Math.floor(at * out.length) % out.length] = value;
  return out;
}

describe('deps: damaged manifests never throw and always give an artifact', () => {
  it('has fixtures of every manifest kind', () => {
    expect(new Set(fixtures.map((f) => manifestKindOf(f.name)))).to.have.keys('requirements', 'constraints', 'pyproject-pep621', 'poetry-lock', 'uv-lock', 'pipfile-lock', 'package-json', 'package-lock');
  });

  it('truncated and mutated copies through analyseReader and the rules', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(fixtures.length - 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...[...'"\'[]{}=,#\\\n<>~^|@;'].map((c) => c.charCodeAt(0))))), { maxLength: 8 }),
        async (i, cut, edits) => {
          const f = fixtures[i]!;
          const bytes = damage(f.bytes, cut, edits);
          const artifact = await analyseReader(bufferReader(bytes), `p/${f.name}`, 0, DEFAULT_ANALYSE_OPTIONS);
          expect(artifact).to.have.property('path', `p/${f.name}`);
          const errors = runRules(artifact, { rules: RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } }).filter((x) => x.ruleId === 'engine/rule-error');
          expect(errors, errors.map((e) => e.message).join('\n')).to.deep.equal([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('arbitrary text through the line parsers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseRequirementsText(s);
        parseRequirement(s);
        poetryToPep440(s);
      }),
      { numRuns: 200 },
    );
  });
});
