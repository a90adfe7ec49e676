import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader } from '../../../src/engine/analyse.js';
import type { CodeArtifact } from '../../../src/parsers/code/types.js';
import { bufferReader } from '../../../src/sources/readers.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../fixtures/code-parser/${name}`, import.meta.url)), 'utf8');

const PYTHON = `import torch as t
from transformers import AutoModel as AM, pipeline
from .local import thing
REV = "v1"
KW = {"revision": "abc1234"}
def load(path, **kw):
    global REV
    m = AM.from_pretrained("org/name", revision=REV, trust_remote_code=True, **kw)
    p = pipeline("t", model=f"org/{path}", **KW)
    return t.load(path, weights_only=False), [t.load(x) for x in path]
class C:
    x = lambda self: AM.from_pretrained(*a)
`;

const JAVASCRIPT = `import { pipeline, AutoModel as AM } from '@huggingface/transformers';
const T = require("@xenova/transformers");
const ID = 'org/' + 'name';
export async function run(opts) {
  const { AutoTokenizer } = await import('@huggingface/transformers');
  await pipeline('t', ID, { revision: \`v\${1}\`, ...opts });
  return AM.from_pretrained(ID as string, { revision: 'main' })!.then(() => T.pipeline('x', 'o/n'));
}
const el = <div onClick={() => AutoTokenizer.from_pretrained(ID)} />;
`;

const SOURCES: Array<[string, string]> = [
  ['s.py', PYTHON],
  ['s.ts', JAVASCRIPT],
  ['s.tsx', JAVASCRIPT],
  ['s.mjs', JAVASCRIPT],
  ['n.ipynb', fixture('analysis.ipynb')],
  ['v3.ipynb', fixture('legacy-v3.ipynb')],
];

const NAMES = ['x.py', 'x.pyi', 'x.ipynb', 'x.js', 'x.cjs', 'x.jsx', 'x.ts', 'x.mts', 'x.tsx'];

/** Whatever the bytes, a code artifact: well-formed calls, locations and refs, anomalies with messages; never a throw. */
async function check(bytes: Uint8Array, name: string): Promise<void> {
  const a = (await analyseReader(bufferReader(bytes), `p/${name}`)) as CodeArtifact;
  expect(['python-source', 'notebook', 'javascript-source', 'pickle', 'unknown']).to.include(a.format);
  for (const x of a.anomalies) expect(x.message).to.be.a('string').and.not.equal('');
  if (!('code' in a)) return;
  expect(a.code.syntaxErrors).to.be.at.least(0);
  for (const call of a.code.calls) {
    expect(call.callee).to.be.a('string').and.not.equal('');
    expect(call.location.line).to.be.at.least(1);
    expect(call.location.column).to.be.at.least(1);
    if (a.format === 'notebook') expect(call.location.cell).to.be.at.least(1);
    expect(call.kwargs).to.be.instanceOf(Map);
  }
  for (const ref of a.modelRefs ?? []) {
    expect(ref.repo).to.match(/^[\w\-.]+(\/[\w\-.]+)?$/);
    expect(ref.use).to.equal('download');
  }
  for (const x of a.anomalies) expect(x.code).to.match(/^code\//);
}

function mutate(text: string, edits: Array<[number, number, string]>): string {
  let t = text;
  for (const [at, remove, insert] of edits) {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    t = t.slice(0, i) + insert + t.slice(i + remove);
  }
  return t;
}

const FRAGMENTS = ['(', ')', '[', ']', '{', '}', '"', "'", '`', '${', '\\', ':', ',', '=', '**', '*', '...', '.', '\n', '    ', '#', '//', '/*', '%', '!', '?', 'import ', 'from ', 'def ', 'lambda ', 'global ', 'const ', 'await ', 'require(', 'from_pretrained', 'torch.load', 'revision=', '__proto__', '\u0000', '\ud83d', 'é'];

describe('source-code parser never throws (property tests)', () => {
  it('random bytes under every source name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...NAMES), (bytes, name) => check(bytes, name)),
      { numRuns: 150 },
    );
  });

  it('truncated sources and notebooks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SOURCES), fc.nat(), async ([name, text], cut) => {
        const bytes = new TextEncoder().encode(text);
        await check(bytes.subarray(0, cut % (bytes.length + 1)), name);
      }),
      { numRuns: 150 },
    );
  });

  it('randomly edited sources and notebooks', async () => {
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SOURCES), fc.array(edit, { minLength: 1, maxLength: 6 }), async ([name, text], edits) => {
        await check(new TextEncoder().encode(mutate(text, edits)), name);
      }),
      { numRuns: 200 },
    );
  });
});
