/** Truncated and mutated configs: the engine and the parser always return an artifact, never throw, never hang. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { applyTextMutations, textMutation } from '../../helpers/text-mutations.js';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { AnalyseContext } from '../../../src/engine/format-handler.js';
import { analyseModelConfig } from '../../../src/parsers/model-config/handler.js';
import { bufferReader } from '../../../src/sources/readers.js';

const root = fileURLToPath(new URL('../../fixtures/projects/code/configs/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const corpus = files(root)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => ({ name: f.slice(f.lastIndexOf('/') + 1), bytes: new Uint8Array(readFileSync(f)) }));

/** Bytes that YAML and JSON give meaning to: structure, anchors, aliases, merges, quotes, escapes. */
const SPECIAL = [...'{}[]:,&*<>|-?!%@`"\'\\#\n\t '].map((c) => c.charCodeAt(0));

const mutation = textMutation({
  special: SPECIAL,
  fragments: ['*a ', '&a ', '<<: *a\n', '- ', '{', '[', '"', '\\u', '${x}', 'model: org/x\n', 'revision: ', '\uFEFF', '---\n', '!!python/object:os.system '],
  maxRepeatLength: 40,
  maxTimes: 200,
});


describe('model-config properties', () => {
  it('has a corpus of fixture configs', () => {
    expect(corpus.length).to.be.greaterThan(8);
  });

  it('mutated and truncated configs always give an artifact, model-config anomalies only, every reference well formed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (i, ms) => {
        const { name, bytes } = corpus[i]!;
        const mutated = applyTextMutations(bytes, ms);
        const started = Date.now();
        const artifact = await analyseReader(bufferReader(mutated), `c/${name}`, 0, DEFAULT_ANALYSE_OPTIONS, { name });
        expect(Date.now() - started, 'analysis time').to.be.lessThan(2000);
        expect(artifact.path).to.equal(`c/${name}`);
        if (artifact.format !== 'model-config') return;
        for (const a of artifact.anomalies) expect(a.code).to.match(/^model-config\//);
        for (const ref of artifact.modelRefs ?? []) {
          expect(ref.repo).to.match(/^[\w.-]+\/[\w.-]+$/);
          expect(ref.use).to.equal('download');
          if (ref.location) expect(ref.location.line).to.be.greaterThan(0);
        }
        // Straight through the parser too, whatever the name says.
        const context = { path: 'x', name: name.endsWith('.json') ? 'x.yaml' : 'x.json', depth: 0, options: DEFAULT_ANALYSE_OPTIONS } as AnalyseContext;
        const direct = await analyseModelConfig(bufferReader(mutated), context);
        expect(direct.format).to.be.oneOf(['model-config', 'unknown']);
      }),
      { numRuns: 150 },
    );
  });
});
