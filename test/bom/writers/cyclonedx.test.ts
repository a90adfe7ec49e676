import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBom } from '../../../src/bom/write.js';
import type { BomFacts } from '../../../src/bom/types.js';
import { bomDigests } from '../../../src/integrity/bom-digests.js';
import { BASE_COMMIT, COMMIT, FILE_SHA, fullFacts, minimalFacts, TEMPLATE_TEXT } from './facts.js';
import { cyclonedxSchema, schemaErrors } from './schemas.js';
import { createHash } from 'node:crypto';

type Json = Record<string, any>;
const VERSIONS = ['1.6', '1.7'] as const;
const PURL = `pkg:huggingface/acme/tiny-chat@${COMMIT}`;

function write(facts: BomFacts, version: '1.6' | '1.7'): { text: string; doc: Json } {
  const result = writeBom(facts, `cyclonedx-${version}`);
  if (!result.ok) throw new Error(`writeBom failed:\n${result.errors.join('\n')}`);
  return { text: result.text, doc: JSON.parse(result.text) as Json };
}

const prop = (c: Json, name: string): string[] => (c.properties ?? []).filter((p: Json) => p.name === name).map((p: Json) => p.value);
const byName = (components: Json[], name: string): Json => {
  const found = components.find((c) => c.name === name);
  if (!found) throw new Error(`no component ${name} among ${components.map((c) => c.name).join(', ')}`);
  return found;
};

for (const version of VERSIONS) {
  describe(`bom writers: CycloneDX ${version}`, () => {
    describe('full facts', () => {
      let doc: Json;
      let model: Json;
      before(() => {
        doc = write(fullFacts(), version).doc;
        model = doc.metadata.component;
      });

      it('is valid against the official schema', () => {
        expect(schemaErrors(cyclonedxSchema(version), doc)).to.deep.equal([]);
        expect(doc).to.include({ bomFormat: 'CycloneDX', specVersion: version, version: 1 });
        expect(doc).to.not.have.property('serialNumber');
      });

      it('describes the model as metadata.component, pinned by purl and full commit', () => {
        expect(model).to.include({ type: 'machine-learning-model', 'bom-ref': PURL, purl: PURL, group: 'acme', name: 'tiny-chat', version: COMMIT });
        expect(model.supplier).to.deep.equal({ name: 'acme', url: ['https://huggingface.co/acme'] });
        expect(model.licenses).to.deep.equal([{ license: { id: 'Apache-2.0', acknowledgement: 'declared' } }]);
        const refs = Object.fromEntries(model.externalReferences.filter((r: Json) => r.type !== 'documentation' && r.type !== 'citation').map((r: Json) => [r.type, r.url]));
        expect(refs).to.deep.equal({
          distribution: `https://huggingface.co/acme/tiny-chat/tree/${COMMIT}`,
          vcs: 'https://huggingface.co/acme/tiny-chat',
          'model-card': `https://huggingface.co/acme/tiny-chat/blob/${COMMIT}/README.md`,
        });
      });

      it('names modelvet and its version in metadata.tools (components form)', () => {
        expect(doc.metadata.tools).to.deep.equal({ components: [{ type: 'application', name: 'modelvet', version: '0.1.0' }] });
      });

      it('nests every file with its SHA-256, path, role and hash source', () => {
        const files = model.components.filter((c: Json) => c.type === 'file');
        expect(files.map((c: Json) => c.name).sort()).to.deep.equal(fullFacts().files.map((f) => f.path).sort());
        for (const f of fullFacts().files) {
          const c = byName(files, f.path);
          expect(c.hashes).to.deep.equal([{ alg: 'SHA-256', content: f.sha256 }]);
          expect(prop(c, 'modelvet:path')).to.deep.equal([f.path]);
          expect(prop(c, 'modelvet:role')).to.deep.equal([f.role]);
          expect(prop(c, 'modelvet:sha256-source')).to.deep.equal([f.sha256Source]);
        }
      });

      it('flags the files whose loading runs code', () => {
        const files = model.components.filter((c: Json) => c.type === 'file');
        const flagged = files.filter((c: Json) => prop(c, 'modelvet:executes-code')[0] === 'true').map((c: Json) => c.name);
        expect(flagged.sort()).to.deep.equal(['modeling_tiny.py', 'training_args.bin']);
      });

      it('keeps training datasets (model card refs) apart from evaluation datasets', () => {
        const data = doc.components.filter((c: Json) => c.type === 'data');
        expect(data.map((c: Json) => c.name).sort()).to.deep.equal(['acme/chat-corpus', 'acme/eval-suite', 'wikitext']);
        const refOf = (name: string): string => byName(data, name)['bom-ref'];
        expect(model.modelCard.modelParameters.datasets).to.deep.equal([{ ref: refOf('acme/chat-corpus') }, { ref: refOf('wikitext') }]);
        expect(prop(byName(data, 'acme/eval-suite'), 'modelvet:dataset-role')).to.deep.equal(['evaluation']);
        expect(byName(data, 'wikitext').data).to.deep.equal([{ type: 'dataset', name: 'wikitext', contents: { url: 'https://huggingface.co/datasets/wikitext' } }]);
        const modelDeps = doc.dependencies.find((d: Json) => d.ref === PURL);
        expect(modelDeps.dependsOn).to.include.members([refOf('acme/chat-corpus'), refOf('acme/eval-suite'), refOf('wikitext'), 'pkg:pypi/transformers']);
      });

      it('writes the model-index metrics with their evaluation slice', () => {
        expect(model.modelCard.quantitativeAnalysis.performanceMetrics).to.deep.equal([
          { type: 'accuracy', value: '0.71', slice: 'acme/eval-suite/main/test' },
          { type: 'perplexity', value: '12.5', slice: 'acme/eval-suite/validation' },
        ]);
      });

      it('carries task, architecture and the official cdx:ai-ml properties', () => {
        expect(model.modelCard.modelParameters).to.include({ task: 'text-generation', architectureFamily: 'gpt2', modelArchitecture: 'GPT2LMHeadModel' });
        const card = model.modelCard;
        expect(prop(card, 'cdx:ai-ml:model:parameter:count')).to.deep.equal(['124M']);
        expect(prop(card, 'modelvet:parameter-count')).to.deep.equal(['124439808']);
        expect(prop(card, 'cdx:ai-ml:model:hyperparameter:context_length')).to.deep.equal(['1024']);
        expect(prop(card, 'cdx:ai-ml:model:hyperparameter:vocab_size')).to.deep.equal(['50257']);
        expect(prop(card, 'cdx:ai-ml:model:languages')).to.deep.equal(['en,fr']);
      });

      it('lists base models as pedigree ancestors, with purls only when pinned, and their relation', () => {
        const { ancestors, notes } = model.pedigree;
        const gpt2 = byName(ancestors, 'gpt2');
        expect(gpt2).to.include({ type: 'machine-learning-model', group: 'openai-community', version: BASE_COMMIT, purl: `pkg:huggingface/openai-community/gpt2@${BASE_COMMIT}` });
        expect(prop(gpt2, 'modelvet:base-model-relation')).to.deep.equal(['finetune']);
        const base = byName(ancestors, 'tiny-base');
        expect(base).to.not.have.property('version');
        expect(base.purl).to.equal('pkg:huggingface/acme/tiny-base');
        expect(prop(base, 'modelvet:base-model-relation')).to.deep.equal(['adapter']);
        expect(notes).to.contain('acme/tiny-base (adapter').and.to.contain(`openai-community/gpt2@${BASE_COMMIT} (finetune`);
      });

      it('hashes the chat template as its own component', () => {
        const template = model.components.find((c: Json) => prop(c, 'cdx:ai-ml:model:template:chat').length);
        expect(template.hashes).to.deep.equal([{ alg: 'SHA-256', content: createHash('sha256').update(TEMPLATE_TEXT).digest('hex') }]);
        expect(prop(template, 'modelvet:template-file')).to.deep.equal(['tokenizer_config.json']);
        expect(prop(template, 'modelvet:path')).to.deep.equal([]);
      });

      it('puts findings at low and above in vulnerabilities, affecting their file', () => {
        const vulns = doc.vulnerabilities as Json[];
        expect(vulns.map((v) => [v.id.split('#')[0], v.ratings[0].severity, v.affects[0].ref])).to.deep.equal([
          ['pickle/dangerous-global', 'critical', 'modelvet:file:training_args.bin'],
          ['code/trust-remote-code', 'high', 'modelvet:file:modeling_tiny.py'],
        ]);
        expect(vulns[0]).to.deep.include({ source: { name: 'modelvet' }, description: 'loading calls os.system' });
        expect(vulns[0]!.ratings[0].method).to.equal('other');
        expect(vulns[0]!.id).to.match(/^pickle\/dangerous-global#[0-9a-f]{12}$/);
        expect(prop(vulns[0]!, 'modelvet:finding-path')).to.deep.equal(['training_args.bin!archive/data.pkl']);
      });

      it('keeps info findings as modelvet:finding properties, not vulnerabilities', () => {
        expect(prop(model, 'modelvet:finding')).to.deep.equal(['hub/stats: scanned 6 files']);
      });

      it('marks the output reproducible and has no timestamp without one', () => {
        expect(doc.metadata).to.not.have.property('timestamp');
        expect(doc.metadata.properties).to.deep.equal([{ name: 'cdx:reproducible', value: 'true' }]);
      });

      it('gives modelvet scan the digest of every file it lists, and none a file could be mistaken for', () => {
        const dir = mkdtempSync(join(tmpdir(), 'modelvet-bomw-'));
        try {
          writeFileSync(join(dir, 'bom.cdx.json'), write(fullFacts(), version).text);
          const digests = bomDigests(join(dir, 'bom.cdx.json'), 1 << 20);
          // The chat template is a hashed `data` component too; its name can never be a listed file's path.
          const template = `tokenizer_config.json#chat_template`;
          expect(Object.fromEntries(digests)).to.deep.equal({
            ...Object.fromEntries(fullFacts().files.map((f) => [f.path, [f.sha256]])),
            [template]: [createHash('sha256').update(TEMPLATE_TEXT).digest('hex')],
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });

    describe('minimal facts (a folder, no card, a file without a hash)', () => {
      let doc: Json;
      before(() => {
        doc = write(minimalFacts(), version).doc;
      });

      it('is valid against the official schema', () => {
        expect(schemaErrors(cyclonedxSchema(version), doc)).to.deep.equal([]);
      });

      it('invents nothing: no version, purl, licence, supplier, card, datasets or links', () => {
        const model = doc.metadata.component;
        expect(model).to.include({ type: 'machine-learning-model', name: 'my-model', 'bom-ref': 'modelvet:model:my-model' });
        for (const key of ['version', 'purl', 'group', 'licenses', 'supplier', 'modelCard', 'pedigree', 'externalReferences', 'description']) {
          expect(model, key).to.not.have.property(key);
        }
        expect(doc).to.not.have.property('components');
        expect(doc).to.not.have.property('vulnerabilities');
        expect(doc.dependencies).to.deep.equal([{ ref: 'modelvet:model:my-model' }]);
      });

      it('lists the unhashed file without a hash or a hash source', () => {
        const files = doc.metadata.component.components;
        expect(byName(files, 'model.safetensors').hashes).to.deep.equal([{ alg: 'SHA-256', content: FILE_SHA.weights }]);
        const bare = byName(files, 'notes/extra.bin');
        expect(bare).to.not.have.property('hashes');
        expect(prop(bare, 'modelvet:sha256-source')).to.deep.equal([]);
      });
    });

    it('adds exactly the timestamp when one is given (normalised to UTC seconds)', () => {
      const plain = write(fullFacts(), version).doc;
      const stamped = write({ ...fullFacts(), timestamp: '2026-05-01T12:34:56.789+02:00' }, version).doc;
      expect(stamped.metadata.timestamp).to.equal('2026-05-01T10:34:56Z');
      const { timestamp, properties, ...rest } = stamped.metadata;
      const { properties: plainProperties, ...plainRest } = plain.metadata;
      expect(rest).to.deep.equal(plainRest);
      expect(plainProperties).to.deep.equal([{ name: 'cdx:reproducible', value: 'true' }]);
      expect(properties).to.equal(undefined);
      expect({ ...stamped, metadata: undefined, citations: undefined }).to.deep.equal({ ...plain, metadata: undefined, citations: undefined });
    });

    it('writes named licences by name and URL, never as an id', () => {
      const facts: BomFacts = { ...fullFacts(), licenses: [{ kind: 'named', name: 'llama3.2', url: 'https://example.com/llama3.2/LICENSE', declared: 'llama3.2' }] };
      const { doc } = write(facts, version);
      expect(schemaErrors(cyclonedxSchema(version), doc)).to.deep.equal([]);
      expect(doc.metadata.component.licenses).to.deep.equal([{ license: { name: 'llama3.2', url: 'https://example.com/llama3.2/LICENSE', acknowledgement: 'declared' } }]);
      expect(doc.metadata.component.externalReferences).to.deep.include({ type: 'license', url: 'https://example.com/llama3.2/LICENSE' });
    });

    it('writes a compound licence as one expression, and a mix as the version allows', () => {
      const compound = write({ ...fullFacts(), licenses: [{ kind: 'spdx', expression: 'MIT OR Apache-2.0', declared: 'mit or apache-2.0' }] }, version).doc;
      expect(compound.metadata.component.licenses).to.deep.equal([{ expression: 'MIT OR Apache-2.0', acknowledgement: 'declared' }]);
      const mixed = write(
        {
          ...fullFacts(),
          licenses: [
            { kind: 'spdx', expression: 'MIT OR Apache-2.0', declared: 'MIT OR Apache-2.0' },
            { kind: 'named', name: 'gemma', declared: 'gemma' },
          ],
        },
        version,
      ).doc;
      expect(schemaErrors(cyclonedxSchema(version), mixed)).to.deep.equal([]);
      if (version === '1.6') {
        expect(mixed.metadata.component.licenses).to.deep.equal([{ expression: '(MIT OR Apache-2.0) AND LicenseRef-gemma', acknowledgement: 'declared' }]);
      } else {
        expect(mixed.metadata.component.licenses).to.deep.equal([
          { expression: 'MIT OR Apache-2.0', acknowledgement: 'declared' },
          { license: { name: 'gemma', acknowledgement: 'declared' } },
        ]);
      }
    });
  });
}

describe('bom writers: CycloneDX 1.7 extras', () => {
  it('cites the file each model-card value was read from, only with a timestamp', () => {
    const plain = write(fullFacts(), '1.7').doc;
    expect(plain).to.not.have.property('citations');
    const { doc } = write({ ...fullFacts(), timestamp: '2026-05-01T10:00:00Z' }, '1.7');
    const card = doc.metadata.component.modelCard.properties as Json[];
    const resolve = (pointer: string): Json => card[Number(pointer.split('/').pop())]!;
    const cited = Object.fromEntries(
      (doc.citations as Json[]).map((c) => [c.attributedTo, c.pointers.map((p: string) => resolve(p).name).sort()]),
    );
    expect(cited).to.deep.equal({
      'modelvet:file:config.json': ['cdx:ai-ml:model:hyperparameter:context_length', 'cdx:ai-ml:model:hyperparameter:vocab_size'],
      'modelvet:file:model.safetensors': ['cdx:ai-ml:model:parameter:count', 'modelvet:parameter-count'],
      'modelvet:file:tokenizer_config.json': ['cdx:ai-ml:model:hyperparameter:tokenizer_class'],
    });
    for (const c of doc.citations) expect(c.timestamp).to.equal('2026-05-01T10:00:00Z');
  });

  it('files paper tags as citation references (1.7) and documentation (1.6)', () => {
    const urls = (doc: Json, type: string): string[] => doc.metadata.component.externalReferences.filter((r: Json) => r.type === type).map((r: Json) => r.url);
    expect(urls(write(fullFacts(), '1.7').doc, 'citation')).to.deep.equal(['https://arxiv.org/abs/2106.09685', 'https://doi.org/10.57967/hf/0001']);
    expect(urls(write(fullFacts(), '1.6').doc, 'documentation')).to.deep.equal(['https://arxiv.org/abs/2106.09685', 'https://doi.org/10.57967/hf/0001']);
  });
});
