import { expect } from 'chai';
import type { BomFacts } from '../../../src/bom/types.js';
import { validateCycloneDx } from '../../../src/bom/validate/cyclonedx.js';
import { validateSpdx } from '../../../src/bom/validate/spdx.js';
import { writeBom } from '../../../src/bom/write.js';
import { BOM_SPECS } from '../../../src/bom/types.js';
import { fullFacts, minimalFacts } from './facts.js';

type Json = Record<string, any>;

function written(facts: BomFacts, spec: (typeof BOM_SPECS)[number]): Json {
  const result = writeBom(facts, spec);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return JSON.parse(result.text) as Json;
}

describe('bom writers: validation', () => {
  describe('CycloneDX reference checks', () => {
    for (const version of ['1.6', '1.7'] as const) {
      it(`${version}: a written BOM passes; an injected dangling ref is caught wherever it is`, () => {
        const doc = written(fullFacts(), `cyclonedx-${version}`);
        expect(validateCycloneDx(doc, version)).to.deep.equal([]);

        const broken = structuredClone(doc);
        broken.dependencies[0].dependsOn = ['modelvet:dataset:nowhere'];
        broken.vulnerabilities[0].affects[0].ref = 'modelvet:file:gone.bin';
        broken.metadata.component.modelCard.modelParameters.datasets.push({ ref: 'modelvet:dataset:also-nowhere' });
        const errors = validateCycloneDx(broken, version);
        expect(errors).to.include.members([
          'reference: /dependencies/0/dependsOn/0: "modelvet:dataset:nowhere" names no bom-ref in this BOM',
          'reference: /vulnerabilities/0/affects/0/ref: "modelvet:file:gone.bin" names no bom-ref in this BOM',
          'reference: /metadata/component/modelCard/modelParameters/datasets/2/ref: "modelvet:dataset:also-nowhere" names no bom-ref in this BOM',
        ]);
      });
    }

    it('catches a duplicate bom-ref and a hash that is not a SHA-256', () => {
      const doc = written(fullFacts(), 'cyclonedx-1.6');
      const files = doc.metadata.component.components as Json[];
      files[1]!['bom-ref'] = files[0]!['bom-ref'];
      files[2]!.hashes = [{ alg: 'SHA-1', content: 'a'.repeat(40) }];
      const errors = validateCycloneDx(doc, '1.6');
      expect(errors.some((e) => e.startsWith('reference: /metadata/component/components/1: bom-ref') && e.includes('is also used at /metadata/component/components/0'))).to.equal(true);
      expect(errors).to.include('reference: /metadata/component/components/2/hashes/0: algorithm "SHA-1" is not SHA-256');
    });

    it('lists every schema error, not only the first', () => {
      const doc = written(fullFacts(), 'cyclonedx-1.6');
      doc.metadata.component.type = 'model';
      doc.components[0].data[0].type = 'corpus';
      const errors = validateCycloneDx(doc, '1.6').filter((e) => e.startsWith('schema:'));
      expect(errors.some((e) => e.includes('/metadata/component/type'))).to.equal(true);
      expect(errors.some((e) => e.includes('/components/0/data/0/type'))).to.equal(true);
    });

    it('never throws on documents that are not BOMs', () => {
      for (const junk of [null, 42, 'bom', [], { bomFormat: 'CycloneDX' }, { dependencies: 'x', vulnerabilities: [null, { affects: 3 }] }]) {
        expect(validateCycloneDx(junk, '1.6')).to.be.an('array').that.is.not.empty;
      }
    });
  });

  describe('SPDX project checks', () => {
    it('a written document passes; dangling from/to/subject and a duplicate spdxId are caught', () => {
      const doc = written(fullFacts(), 'spdx-3.0.1');
      expect(validateSpdx(doc)).to.deep.equal([]);
      const graph = doc['@graph'] as Json[];
      const contains = graph.find((n) => n.relationshipType === 'contains')!;
      contains.to.push('https://modelvet.invalid/spdx/nowhere');
      graph.find((n) => n.type === 'Annotation')!.subject = 'https://modelvet.invalid/spdx/gone';
      const files = graph.filter((n) => n.type === 'software_File');
      files[1]!.spdxId = files[0]!.spdxId;
      const errors = validateSpdx(doc);
      expect(errors).to.include(`Relationship ${contains.spdxId}: to https://modelvet.invalid/spdx/nowhere names no element in the document`);
      expect(errors.some((e) => e.includes('subject https://modelvet.invalid/spdx/gone names no element'))).to.equal(true);
      expect(errors.some((e) => e.includes(`spdxId ${files[0]!.spdxId} used twice`))).to.equal(true);
    });

    it('requires exactly one declared and one concluded licence per AI package', () => {
      const doc = written(minimalFacts(), 'spdx-3.0.1');
      const graph = doc['@graph'] as Json[];
      const declared = graph.find((n) => n.relationshipType === 'hasDeclaredLicense')!;
      graph.push({ ...declared, spdxId: `${declared.spdxId}/again` });
      const concludedAt = graph.findIndex((n) => n.relationshipType === 'hasConcludedLicense');
      graph.splice(concludedAt, 1);
      const model = graph.find((n) => n.type === 'ai_AIPackage')!;
      expect(validateSpdx(doc)).to.include.members([
        `ai_AIPackage ${model.spdxId}: has 2 hasDeclaredLicense relationships (the AI profile requires exactly one)`,
        `ai_AIPackage ${model.spdxId}: has 0 hasConcludedLicense relationships (the AI profile requires exactly one)`,
      ]);
    });

    it('catches the mistakes generators make: AI_AIPackage, {name, value} hyperparameters, missing required fields', () => {
      const doc = written(fullFacts(), 'spdx-3.0.1');
      const graph = doc['@graph'] as Json[];
      const model = graph.find((n) => n.type === 'ai_AIPackage' && n.ai_hyperparameter)!;
      model.ai_hyperparameter = [{ type: 'DictionaryEntry', name: 'vocab_size', value: '50257' }];
      delete model.software_packageVersion;
      delete model.suppliedBy;
      model.ai_autonomyType = 'assistive';
      const dataset = graph.find((n) => n.type === 'dataset_DatasetPackage')!;
      delete dataset.dataset_datasetType;
      const other = graph.find((n) => n.type === 'ai_AIPackage' && n !== model)!;
      other.type = 'AI_AIPackage';
      const errors = validateSpdx(doc);
      expect(errors).to.include.members([
        `ai_AIPackage ${model.spdxId}: ai_hyperparameter[0] has no key (written as name: SPDX 3 uses key)`,
        `ai_AIPackage ${model.spdxId}: missing software_packageVersion (a version, or NOASSERTION)`,
        `ai_AIPackage ${model.spdxId}: missing suppliedBy (an Agent, or NoAssertionElement)`,
        `ai_AIPackage ${model.spdxId}: ai_autonomyType assistive is not yes, no or noAssertion`,
        `dataset_DatasetPackage ${dataset.spdxId}: dataset_datasetType must be a non-empty list`,
      ]);
      expect(errors.some((e) => e.includes('AI_AIPackage is not an SPDX 3.0.1 element class'))).to.equal(true);
    });

    it('never throws on documents that are not SPDX', () => {
      for (const junk of [null, 'x', { '@graph': 'x' }, { '@graph': [null, { type: 'Relationship', spdxId: 7 }, { type: 'CreationInfo' }] }]) {
        expect(validateSpdx(junk)).to.be.an('array').that.is.not.empty;
      }
    });
  });

  describe('invalid facts', () => {
    it('give ok: false with every error listed, and no text', () => {
      const facts = fullFacts();
      facts.files[0]!.sha256 = 'not-a-sha256';
      facts.files[1]!.path = facts.files[2]!.path;
      facts.model.commit = 'ABC';
      facts.licenses = [{ kind: 'spdx', expression: 'MIT OR OR', declared: 'mit or or' }];
      facts.chatTemplates[0]!.file = 'missing.json';
      facts.timestamp = 'yesterday';
      for (const spec of BOM_SPECS) {
        const result = writeBom(facts, spec);
        expect(result.ok, spec).to.equal(false);
        if (result.ok) continue;
        expect(result).to.not.have.property('text');
        expect(result.errors).to.include.members([
          'facts: files[0] (model.safetensors).sha256: "not-a-sha256" is not a 64-hex SHA-256',
          'facts: files[2] (tokenizer_config.json).path: listed twice',
          'facts: model.commit: "ABC" is not a 40-hex lowercase commit',
          'facts: model.purl: given without a valid repo and commit',
          'facts: licenses[0].expression: "MIT OR OR" is not a valid SPDX expression',
          'facts: chatTemplates[0].file: missing.json is not among the files',
          'facts: timestamp: "yesterday" is not an ISO 8601 date-time',
        ]);
      }
    });

    it('reject a purl that does not match the repo and commit, and an unknown spec', () => {
      const facts = fullFacts();
      facts.model.purl = 'pkg:huggingface/other/model@0123456789abcdef0123456789abcdef01234567';
      const result = writeBom(facts, 'cyclonedx-1.6');
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.errors[0]).to.match(/^facts: model\.purl: .* is not pkg:huggingface\/acme\/tiny-chat@/);
      const spec = writeBom(fullFacts(), 'spdx-2.3' as never);
      expect(spec).to.deep.equal({ ok: false, errors: ['spec: "spdx-2.3" is not one of cyclonedx-1.6, cyclonedx-1.7, spdx-3.0.1'] });
    });
  });

  describe('reproducibility', () => {
    for (const spec of BOM_SPECS) {
      it(`${spec}: the same facts give byte-identical text, whatever order their lists come in`, () => {
        // Two sources declaring the same licence differently, and a named one: kept once each, whatever the order.
        const facts = (): BomFacts => ({
          ...fullFacts(),
          licenses: [
            { kind: 'spdx', expression: 'MIT', declared: 'mit' },
            { kind: 'named', name: 'acme-license', url: 'https://example.com/l', declared: 'other' },
            { kind: 'spdx', expression: 'MIT', declared: 'MIT' },
          ],
        });
        const a = writeBom(facts(), spec);
        const b = writeBom(facts(), spec);
        const shuffled = facts();
        for (const key of ['files', 'datasets', 'metrics', 'ancestors', 'verdicts', 'hyperparameters', 'languages', 'tags', 'licenses'] as const) {
          (shuffled[key] as unknown[]).reverse();
        }
        const c = writeBom(shuffled, spec);
        expect(a.ok && b.ok && c.ok).to.equal(true);
        if (!a.ok || !b.ok || !c.ok) return;
        expect(b.text).to.equal(a.text);
        expect(c.text).to.equal(a.text);
        expect(a.text.endsWith('}\n')).to.equal(true);
        expect(a.text).to.equal(`${JSON.stringify(JSON.parse(a.text), null, 2)}\n`);
      });
    }
  });
});
