import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFacts } from '../../../src/bom/facts/index.js';
import type { BomFacts } from '../../../src/bom/types.js';
import { memorySource } from './memory-source.js';

const BOM = fileURLToPath(new URL('../../fixtures/bom/', import.meta.url));

function filesOf(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

const MODELS = [filesOf(join(BOM, 'tiny-gpt2')), filesOf(join(BOM, 'gguf')), filesOf(join(BOM, 'bare'))];

/** What every BOM's facts must satisfy, whatever the input. */
function checkWellFormed(f: BomFacts): void {
  for (const file of f.files) if (file.sha256 !== undefined) expect(file.sha256).to.match(/^[0-9a-f]{64}$/);
  for (const t of f.chatTemplates) expect(t.sha256).to.match(/^[0-9a-f]{64}$/);
  expect(new Set(f.hyperparameters.map((h) => h.key)).size).to.equal(f.hyperparameters.length);
  for (const l of f.licenses) {
    const text = l.kind === 'spdx' ? l.expression : l.name;
    expect(['unknown', 'noassertion', 'none']).not.to.include(text.toLowerCase());
  }
  if (f.parameterCount) expect(Number.isSafeInteger(f.parameterCount.value) && f.parameterCount.value >= 0).to.equal(true);
  expect(new Set(f.ancestors.map((a) => a.repo)).size).to.equal(f.ancestors.length);
  expect(f.datasets.every((d) => d.role === 'training' || d.role === 'evaluation')).to.equal(true);
  // Nothing undefined is carried as a key (a writer would otherwise emit it, or not, by accident).
  expect(JSON.stringify(f)).to.equal(JSON.stringify(JSON.parse(JSON.stringify(f))));
  expect(Object.values(f).every((v) => v !== undefined)).to.equal(true);
}

/** One file of a model cut short or with bytes overwritten. */
const damaged = fc
  .record({
    model: fc.integer({ min: 0, max: MODELS.length - 1 }),
    file: fc.nat(),
    cut: fc.option(fc.nat(), { nil: undefined }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  })
  .map(({ model, file, cut, flips }) => {
    const files = { ...MODELS[model]! };
    const names = Object.keys(files);
    const name = names[file % names.length]!;
    let bytes = Buffer.from(files[name]!);
    if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
    files[name] = bytes;
    return files;
  });

describe('BOM facts: damaged and random input (property)', function () {
  this.timeout(30_000);

  it('truncated and mutated model files: extraction never throws and its facts stay well-formed and reproducible', async () => {
    await fc.assert(
      fc.asyncProperty(damaged, async (files) => {
        const first = await extractFacts(memorySource({ files }));
        checkWellFormed(first);
        const again = await extractFacts(memorySource({ files }));
        expect(JSON.stringify(again)).to.equal(JSON.stringify(first));
      }),
      { numRuns: 120 },
    );
  });

  it('random card front matter and configs: never throws, never invents a licence', async () => {
    const yamlish = fc.array(fc.constantFrom('license: ', 'mit', 'other', 'unknown', '[', ']', '{', '}', ':', '- ', '\n', '  ', '&a ', '*a ', 'model-index', 'datasets', 'base_model', '"', "'", '__proto__', ',', 'llama3.2', 'NOASSERTION', 'value: ', 'type: ', '0.5'), { maxLength: 60 }).map((parts) => `---\n${parts.join('')}\n---\n`);
    const json = fc.oneof(fc.json(), fc.string());
    await fc.assert(
      fc.asyncProperty(yamlish, json, json, async (readme, config, adapter) => {
        const f = await extractFacts(memorySource({ files: { 'README.md': readme, 'config.json': config, 'adapter_config.json': adapter, 'tokenizer_config.json': config } }));
        checkWellFormed(f);
      }),
      { numRuns: 150 },
    );
  });
});
