import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader } from '../../../src/engine/analyse.js';
import { chatTemplateArtifact } from '../../../src/parsers/template/analyse.js';
import { TEMPLATE_CODES as C } from '../../../src/parsers/template/codes.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix) && statSync(dir + f).isFile())
    .sort()
    .map((f) => dir + f);
}

// Small templates keep the runs fast; the large ones are covered whole by the corpus test.
const templates = [...filesUnder(`${fixtures}benign/template/`, '.jinja'), ...filesUnder(`${fixtures}malicious/template/`, '.jinja')]
  .map((f) => readFileSync(f, 'utf8'))
  .filter((t) => t.length < 4000);
const configs = [...filesUnder(`${fixtures}benign/template/`, 'tokenizer_config.json'), ...filesUnder(`${fixtures}malicious/template/`, 'tokenizer_config.json')].map((f) => new Uint8Array(readFileSync(f)));

const FRAGMENTS = ['{{', '}}', '{%', '%}', '{#', '#}', '{{-', '-}}', '(', ')', '[', ']', '{', '}', "'", '"', '\\', '~', '|', '.', ',', ':', '=', '*', '**', '-', '+', ' ', '\n', 'x', '1', '9999999', '__class__', '_', 'attr', 'format', 'join', 'for', 'in', 'endfor', 'if', 'else', 'endif', 'set', 'endset', 'macro', 'endmacro', 'include', 'import', 'with', 'raw', 'not', 'range', 'cycler', 'namespace', 'loop', 'messages', 'is', 'defined'];
const templateText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(''));

const FAIL_CLOSED = new Set([C.dunderAttribute, C.gadgetToken, C.unparsed, C.resourceLimit]);

/** A chat template artifact, whatever the input: well-formed, anomalies with messages, never a throw. */
function checkTemplate(text: string): void {
  const started = Date.now();
  const a = chatTemplateArtifact(text, 'p!chat_template', 'tokenizer-config');
  expect(a.format).to.equal('chat-template');
  expect(a.template.sha256).to.match(/^[0-9a-f]{64}$/);
  for (const x of a.anomalies) {
    expect(x.code).to.match(/^template\//);
    expect(x.message).to.be.a('string').and.not.equal('');
  }
  expect(Date.now() - started, 'bounded time').to.be.lessThan(1500);
}

function mutate(text: string, edits: Array<[number, number, string]>): string {
  let t = text;
  for (const [at, remove, insert] of edits) {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    t = t.slice(0, i) + insert + t.slice(i + remove);
  }
  return t;
}

async function checkArtifact(bytes: Uint8Array, name: string): Promise<Artifact> {
  const a = await analyseReader(bufferReader(bytes), `repo/${name}`);
  expect(a).to.have.property('format');
  expect(a.anomalies).to.be.an('array');
  return a;
}

describe('chat template analysis never throws (property tests)', () => {
  it('random Jinja-like text', () => {
    fc.assert(fc.property(templateText, checkTemplate), { numRuns: 200 });
  });

  it('random strings, including lone surrogates and control characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkTemplate), { numRuns: 150 });
  });

  it('fixture templates with random edits', () => {
    const edit = fc.tuple(fc.nat(), fc.nat(20), fc.constantFrom('', ...FRAGMENTS));
    fc.assert(fc.property(fc.constantFrom(...templates), fc.array(edit, { minLength: 1, maxLength: 6 }), (t, edits) => checkTemplate(mutate(t, edits))), { numRuns: 150 });
  });

  it('a payload at the end of any text is never passed silently', () => {
    fc.assert(
      fc.property(templateText, (prefix) => {
        const codes = chatTemplateArtifact(`${prefix}{{ x.__class__ }}`, 'p', 'jinja-file').anomalies.map((a) => a.code);
        expect(codes.some((c) => FAIL_CLOSED.has(c as never)), `${prefix} → ${codes.join(', ')}`).to.equal(true);
      }),
      { numRuns: 200 },
    );
  });

  it('truncated and byte-mutated tokenizer configs and .jinja files through analyseReader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...configs), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), async (config, cut, flips) => {
        const bytes = config.slice(0, cut % (config.length + 1));
        for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
        const a = await checkArtifact(bytes, 'tokenizer_config.json');
        if (a.format === 'tokenizer-config') for (const c of a.children) expect(c.format).to.equal('chat-template');
        const j = await checkArtifact(bytes, 'chat_template.jinja');
        expect(['chat-template', 'unknown', 'pickle', 'zip', 'compressed', 'numpy']).to.include(j.format);
      }),
      { numRuns: 150 },
    );
  });
});
