import { expect } from 'chai';
import fc from 'fast-check';
import { SEVERITIES } from '../../../src/types.js';
import { BOM_SPECS, type BomFacts, type BomFile, type BomFileRole } from '../../../src/bom/types.js';
import { writeBom } from '../../../src/bom/write.js';
import { validateSpdx } from '../../../src/bom/validate/spdx.js';
import { cyclonedxSchema, schemaErrors, spdxSchema } from './schemas.js';

/**
 * Random facts within the types (mostly well-formed, some not): every spec gives either a document
 * that the official schema and the project checks accept, or a list of facts errors. Never an
 * exception, never an invalid document from facts that passed the checks.
 */

const HEX = [...'0123456789abcdef'];
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n });
/** Mostly valid, sometimes anything: the checks must catch what the types allow. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) => fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: other });
const word = fc.string({ unit: fc.constantFrom(...'abcXYZ019._-'), minLength: 1, maxLength: 8 }).filter((s) => /^[A-Za-z0-9]/.test(s));
const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
  fc.constantFrom('a b', 'naïve', '名前', '<script>', '"quoted"', '#hash', '%20', '__proto__', 'constructor'),
);
const repo = mostly(fc.oneof(word, fc.tuple(word, word).map(([a, b]) => `${a}/${b}`)), text);
const segment = fc.oneof(word, fc.constantFrom('a b', 'ü', '#x', '%41', 'x?y', 'tokenizer_config.json'));
const path = mostly(fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')), fc.string({ maxLength: 6 }));
const url = mostly(fc.webUrl(), text);
const ROLES: BomFileRole[] = ['weights', 'config', 'tokenizer', 'chat-template', 'code', 'card', 'license', 'signature', 'other'];

const file: fc.Arbitrary<BomFile> = fc
  .record(
    {
      path,
      size: mostly(fc.nat(), fc.integer({ min: -5, max: -1 })),
      hash: fc.option(fc.record({ sha256: mostly(hex(64), text), sha256Source: fc.constantFrom('local' as const, 'hub-lfs' as const) }), { nil: undefined }),
      format: fc.constantFrom('safetensors', 'gguf', 'pytorch-zip', 'onnx'),
      role: fc.constantFrom(...ROLES),
      executesCode: fc.boolean(),
    },
    { requiredKeys: ['path', 'size', 'role'] },
  )
  .map(({ hash, ...rest }) => ({ ...rest, ...hash }));

const license = fc.oneof(
  fc.record({
    kind: fc.constant('spdx' as const),
    expression: mostly(fc.constantFrom('MIT', 'Apache-2.0', 'MIT OR Apache-2.0', 'GPL-2.0+', 'Apache-2.0 WITH LLVM-exception', 'LicenseRef-x', 'CC-BY-4.0 AND MIT'), text),
    declared: fc.string(),
  }),
  fc.record(
    { kind: fc.constant('named' as const), name: mostly(fc.constantFrom('llama3.2', 'gemma', 'my licence', 'other'), text), url, declared: fc.string() },
    { requiredKeys: ['kind', 'name', 'declared'] },
  ),
);

const facts: fc.Arbitrary<BomFacts> = fc
  .record({
    identity: fc.option(fc.record({ repo, commit: fc.option(mostly(hex(40), text), { nil: undefined }) }), { nil: undefined }),
    name: mostly(text, fc.constant('')),
    source: fc.constantFrom('folder' as const, 'hf-cache' as const, 'hub' as const),
    endpoint: fc.option(mostly(fc.constantFrom('https://huggingface.co', 'http://localhost:8080/', 'https://hf-mirror.example'), text), { nil: undefined }),
    supplier: fc.option(text, { nil: undefined }),
    description: fc.option(text, { nil: undefined }),
    licenses: fc.array(license, { maxLength: 3 }),
    task: fc.option(text, { nil: undefined }),
    architecture: fc.option(text, { nil: undefined }),
    architectureFamily: fc.option(text, { nil: undefined }),
    libraryName: fc.option(fc.oneof(fc.constantFrom('transformers', 'sklearn', 'llama.cpp', 'gguf'), text), { nil: undefined }),
    languages: fc.array(mostly(fc.constantFrom('en', 'fr', 'zh'), text), { maxLength: 3 }),
    tags: fc.array(fc.oneof(text, fc.constantFrom('arxiv:2106.09685', 'doi:10.1000/xyz', 'arxiv:bad')), { maxLength: 3 }),
    parameterCount: fc.option(fc.record({ value: mostly(fc.maxSafeNat(), fc.double()), source: text }), { nil: undefined }),
    hyperparameters: fc.uniqueArray(fc.record({ key: mostly(word, text), value: text, source: text }), { maxLength: 4, selector: (h) => h.key }),
    datasets: fc.array(
      fc.record(
        { name: text, hubId: repo, url, role: mostly(fc.constantFrom('training' as const, 'evaluation' as const), fc.constant('other' as never)) },
        { requiredKeys: ['name', 'role'] },
      ),
      { maxLength: 4 },
    ),
    metrics: fc.array(
      fc.record(
        {
          type: text,
          value: text,
          name: text,
          task: text,
          dataset: fc.record({ name: text, hubId: repo, config: text, split: text }, { requiredKeys: ['name'] }),
        },
        { requiredKeys: ['type', 'value'] },
      ),
      { maxLength: 3 },
    ),
    ancestors: fc.array(
      fc.record(
        {
          repo,
          relation: fc.constantFrom('adapter' as const, 'merge' as const, 'quantized' as const, 'finetune' as const),
          commit: mostly(hex(40), text),
          source: fc.constantFrom('card' as const, 'adapter_config' as const, 'gguf' as const),
        },
        { requiredKeys: ['repo', 'source'] },
      ),
      { maxLength: 3 },
    ),
    files: fc.uniqueArray(file, { maxLength: 6, selector: (f) => f.path }),
    timestamp: fc.option(mostly(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), text), { nil: undefined }),
  })
  .chain((f) =>
    fc
      .record({
        chatTemplates: f.files.length
          ? fc.uniqueArray(
              fc.record({ name: mostly(fc.constantFrom('default', 'tool_use'), text), file: mostly(fc.constantFrom(...f.files.map((x) => x.path)), text), sha256: mostly(hex(64), text) }),
              { maxLength: 2, selector: (t) => `${t.file}\0${t.name}` },
            )
          : fc.constant([]),
        verdicts: fc.array(
          fc.record({
            ruleId: mostly(fc.constantFrom('pickle/dangerous-global', 'hub/stats', 'code/trust-remote-code'), text),
            severity: fc.constantFrom(...SEVERITIES),
            path: f.files.length ? fc.oneof(fc.constantFrom(...f.files.map((x) => x.path)), fc.constantFrom(...f.files.map((x) => `${x.path}!inner.pkl`)), fc.string()) : fc.string(),
            message: text,
          }),
          { maxLength: 4 },
        ),
      })
      .map(({ chatTemplates, verdicts }): BomFacts => {
        const { identity, name, source, endpoint, supplier, description, timestamp, ...rest } = f;
        const commit = identity?.commit;
        return {
          model: {
            name,
            source,
            ...(identity ? { repo: identity.repo } : {}),
            ...(commit !== undefined ? { commit } : {}),
            ...(identity && commit !== undefined && /^[0-9a-f]{40}$/.test(commit) && /^[\w.-]+(\/[\w.-]+)?$/.test(identity.repo)
              ? { purl: `pkg:huggingface/${identity.repo}@${commit}` }
              : {}),
            ...(endpoint !== undefined ? { endpoint } : {}),
            ...(supplier !== undefined ? { supplier } : {}),
            ...(description !== undefined ? { description } : {}),
          },
          ...rest,
          chatTemplates,
          verdicts,
          tool: { name: 'modelvet', version: '0.1.0' },
          ...(timestamp !== undefined ? { timestamp } : {}),
        } as BomFacts;
      }),
  );

describe('bom writers: property: random facts', function () {
  this.timeout(120_000);
  before(() => {
    // Compile every validator once, outside the timed property.
    cyclonedxSchema('1.6');
    cyclonedxSchema('1.7');
    spdxSchema();
  });

  for (const spec of BOM_SPECS) {
    it(`${spec}: a valid document or a list of facts errors, never an exception`, () => {
      let written = 0;
      fc.assert(
        fc.property(facts, (f) => {
          const result = writeBom(f, spec);
          if (!result.ok) {
            expect(result.errors).to.be.an('array').that.is.not.empty;
            // Facts that pass the checks always make a valid document: every error is the facts'.
            for (const e of result.errors) expect(e).to.match(/^facts: /);
            return;
          }
          written++;
          const doc: unknown = JSON.parse(result.text);
          if (spec === 'spdx-3.0.1') {
            expect(schemaErrors(spdxSchema(), doc)).to.deep.equal([]);
            expect(validateSpdx(doc)).to.deep.equal([]);
          } else {
            expect(schemaErrors(cyclonedxSchema(spec === 'cyclonedx-1.6' ? '1.6' : '1.7'), doc)).to.deep.equal([]);
          }
          expect(writeBom(f, spec)).to.deep.equal(result);
        }),
        { numRuns: 120 },
      );
      // The generator is meant to make mostly writable facts: a property that only ever saw errors proves little.
      expect(written).to.be.greaterThan(20);
    });
  }
});
