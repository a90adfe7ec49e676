/** Truncated and mutated BOMs: the engine, the parser and the digest reader always answer, never throw, never hang. */
import { expect } from 'chai';
import fc from 'fast-check';
import { applyTextMutations, textMutation } from '../../helpers/text-mutations.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { bomDigests } from '../../../src/integrity/bom-digests.js';
import { isBomCode } from '../../../src/parsers/bom/codes.js';
import { parseBom } from '../../../src/parsers/bom/parse.js';
import type { BomArtifact } from '../../../src/parsers/bom/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { BOM_PROJECTS, context } from './helpers.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const corpus = files(BOM_PROJECTS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.slice(f.lastIndexOf('/') + 1), bytes: new Uint8Array(readFileSync(f)) }));

/** Bytes JSON gives meaning to. */
const SPECIAL = [...'{}[]:,"\\ \n0'].map((c) => c.charCodeAt(0));
/** Fragments that change what a BOM says rather than whether it parses. */
const FRAGMENTS = ['"__proto__":{},', '"components":[{}],', '"hashes":[{"alg":"SHA-256","content":"', '"purl":"pkg:huggingface/', '@main', '"type":"machine-learning-model",', '{"components":[', '\uFEFF', '"to":["', '"relationshipType":"contains",', '"spdxVersion":"SPDX-9",'];

const mutation = textMutation({ special: SPECIAL, fragments: FRAGMENTS, maxRepeatLength: 60, maxTimes: 300 });


/** What every BOM artifact must look like, whatever the bytes were. */
function checkBom(a: BomArtifact): void {
  expect(a.format).to.equal('ai-bom');
  expect(a.bom.spec).to.be.oneOf(['cyclonedx', 'spdx']);
  for (const x of a.anomalies) expect(isBomCode(x.code), x.code).to.equal(true);
  a.bom.components.forEach((c, i) => {
    expect(c.pointer).to.match(/^\//);
    for (const p of c.parts) expect(p).to.be.within(0, a.bom.components.length - 1).and.not.equal(i);
    for (const h of c.hashes) expect(h.algorithm).to.be.a('string');
  });
  for (const ref of a.modelRefs ?? []) {
    expect(ref.use).to.equal('record');
    expect(ref.repo).to.match(/^[\w.-]+(?:\/[\w.-]+)?$/);
    expect(ref.via).to.match(/^\//);
  }
}

describe('bom properties', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-prop-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has a corpus of fixture BOMs of every spec', () => {
    expect(corpus.map((c) => c.name)).to.include.members(['model.cdx.json', 'bom.json', 'sbom.json', 'model.spdx3.json', 'model.spdx.json']);
  });

  it('truncated and mutated BOMs: the engine and the parser give an artifact with bom/* anomalies only; the digest reader gives a map', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (i, ms) => {
        const { name, bytes } = corpus[i]!;
        const mutated = applyTextMutations(bytes, ms);
        const started = Date.now();
        const artifact = await analyseReader(bufferReader(mutated), `b/${name}`, 0, DEFAULT_ANALYSE_OPTIONS, { name });
        expect(artifact.path).to.equal(`b/${name}`);
        if (artifact.format === 'ai-bom') checkBom(artifact);
        // Straight through the parser under a name that promises a BOM, whatever the bytes are.
        checkBom(await parseBom(bufferReader(mutated), context('x.cdx.json')));
        const file = join(dir, 'bom.json');
        writeFileSync(file, mutated);
        const digests = bomDigests(file, 1 << 20);
        for (const [key, values] of digests) {
          expect(key).to.be.a('string');
          for (const v of values) expect(v).to.match(/^[0-9a-f]{64}$/);
        }
        expect(Date.now() - started, 'time').to.be.lessThan(2000);
      }),
      { numRuns: 150 },
    );
  });
});
