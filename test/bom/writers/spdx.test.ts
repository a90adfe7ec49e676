import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { SPDX_EPOCH } from '../../../src/bom/spdx/build.js';
import type { BomFacts } from '../../../src/bom/types.js';
import { validateSpdx } from '../../../src/bom/validate/spdx.js';
import { writeBom } from '../../../src/bom/write.js';
import { BASE_COMMIT, COMMIT, fullFacts, minimalFacts, TEMPLATE_TEXT } from './facts.js';
import { schemaErrors, spdxSchema } from './schemas.js';

type Json = Record<string, any>;
const NO_ASSERTION_ELEMENT = 'https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement';

function write(facts: BomFacts): Json {
  const result = writeBom(facts, 'spdx-3.0.1');
  if (!result.ok) throw new Error(`writeBom failed:\n${result.errors.join('\n')}`);
  return JSON.parse(result.text) as Json;
}

class Graph {
  readonly nodes: Json[];
  constructor(readonly doc: Json) {
    this.nodes = doc['@graph'];
  }
  ofType(type: string): Json[] {
    return this.nodes.filter((n) => n.type === type);
  }
  byId(id: string): Json {
    const found = this.nodes.find((n) => n.spdxId === id);
    if (!found) throw new Error(`no element ${id}`);
    return found;
  }
  named(type: string, name: string): Json {
    const found = this.ofType(type).find((n) => n.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
  }
  get model(): Json {
    const root = this.ofType('SpdxDocument')[0]!.rootElement[0];
    return this.byId(root);
  }
  relationships(from: string, type: string): Json[] {
    return this.ofType('Relationship').filter((r) => r.from === from && r.relationshipType === type);
  }
  targets(from: string, type: string): Json[] {
    return this.relationships(from, type).flatMap((r) => r.to.map((to: string) => (to.includes('://') ? this.byId(to) : { individual: to })));
  }
  cdx(element: Json, name: string): string[] {
    return (element.extension ?? []).flatMap((e: Json) => e.extension_cdxProperty).filter((p: Json) => p.extension_cdxPropName === name).map((p: Json) => p.extension_cdxPropValue);
  }
}

describe('bom writers: SPDX 3.0.1', () => {
  describe('full facts', () => {
    let g: Graph;
    before(() => {
      g = new Graph(write(fullFacts()));
    });

    it('is valid against the official SPDX 3.0.1 schema and the project checks', () => {
      expect(schemaErrors(spdxSchema(), g.doc)).to.deep.equal([]);
      expect(validateSpdx(g.doc)).to.deep.equal([]);
      expect(g.doc['@context']).to.equal('https://spdx.org/rdf/3.0.1/spdx-context.jsonld');
    });

    it('has one CreationInfo (3.0.1, the epoch when no timestamp), created by modelvet', () => {
      const [ci, ...more] = g.ofType('CreationInfo');
      expect(more).to.have.length(0);
      expect(ci).to.include({ specVersion: '3.0.1', created: SPDX_EPOCH });
      expect(ci!['@id']).to.match(/^_:/);
      expect(g.byId(ci!.createdBy[0])).to.include({ type: 'SoftwareAgent', name: 'modelvet' });
      expect(g.byId(ci!.createdUsing[0])).to.include({ type: 'Tool', name: 'modelvet 0.1.0' });
    });

    it('describes the model as the root ai_AIPackage with its required fields', () => {
      const m = g.model;
      expect(m).to.include({
        type: 'ai_AIPackage',
        name: 'acme/tiny-chat',
        software_primaryPurpose: 'model',
        software_packageVersion: COMMIT,
        software_packageUrl: `pkg:huggingface/acme/tiny-chat@${COMMIT}`,
        software_downloadLocation: `https://huggingface.co/acme/tiny-chat/tree/${COMMIT}`,
      });
      expect(g.byId(m.suppliedBy)).to.include({ type: 'Organization', name: 'acme' });
      expect(m.ai_typeOfModel).to.deep.equal(['GPT2LMHeadModel', 'gpt2']);
      expect(g.cdx(m, 'cdx:ai-ml:model:parameter:count')).to.deep.equal(['124M']);
    });

    it('writes hyperparameters and metrics as DictionaryEntry {key, value}', () => {
      const m = g.model;
      expect(m.ai_hyperparameter).to.deep.equal([
        { type: 'DictionaryEntry', key: 'context_length', value: '1024' },
        { type: 'DictionaryEntry', key: 'tokenizer_class', value: 'GPT2Tokenizer' },
        { type: 'DictionaryEntry', key: 'vocab_size', value: '50257' },
      ]);
      expect(m.ai_metric).to.deep.equal([
        { type: 'DictionaryEntry', key: 'accuracy (acme/eval-suite/main/test)', value: '0.71' },
        { type: 'DictionaryEntry', key: 'perplexity (acme/eval-suite/validation)', value: '12.5' },
      ]);
    });

    it('has exactly one declared and one concluded licence relationship per AI package', () => {
      for (const pkg of g.ofType('ai_AIPackage')) {
        expect(g.relationships(pkg.spdxId, 'hasDeclaredLicense'), pkg.name).to.have.length(1);
        expect(g.relationships(pkg.spdxId, 'hasConcludedLicense'), pkg.name).to.have.length(1);
      }
      const [declared] = g.targets(g.model.spdxId, 'hasDeclaredLicense');
      expect(declared).to.include({ type: 'simplelicensing_LicenseExpression', simplelicensing_licenseExpression: 'Apache-2.0' });
      expect(g.targets(g.model.spdxId, 'hasConcludedLicense')).to.deep.equal([{ individual: 'expandedlicensing_NoAssertionLicense' }]);
    });

    it('contains every file, each with its SHA-256', () => {
      const files = g.targets(g.model.spdxId, 'contains');
      expect(files.map((f) => f.name).sort()).to.deep.equal(fullFacts().files.map((f) => f.path).sort());
      for (const f of fullFacts().files) {
        const file = g.named('software_File', f.path);
        expect(file.verifiedUsing).to.deep.equal([{ type: 'Hash', algorithm: 'sha256', hashValue: f.sha256 }]);
        expect(g.cdx(file, 'modelvet:path')).to.deep.equal([f.path]);
      }
      expect(g.targets(g.model.spdxId, 'hasDataFile').map((f) => f.name)).to.deep.equal(['config.json', 'model.safetensors', 'tokenizer_config.json']);
      expect(g.cdx(g.named('software_File', 'modeling_tiny.py'), 'modelvet:executes-code')).to.deep.equal(['true']);
      expect(g.cdx(g.named('software_File', 'training_args.bin'), 'modelvet:executes-code')).to.deep.equal(['true']);
    });

    it('keeps trainedOn and testedOn datasets apart, each a DatasetPackage with its required fields', () => {
      expect(g.targets(g.model.spdxId, 'trainedOn').map((d) => d.name)).to.deep.equal(['acme/chat-corpus', 'wikitext']);
      expect(g.targets(g.model.spdxId, 'testedOn').map((d) => d.name)).to.deep.equal(['acme/eval-suite']);
      for (const d of g.ofType('dataset_DatasetPackage')) {
        expect(d.software_primaryPurpose).to.equal('data');
        expect(d.dataset_datasetType).to.deep.equal(['noAssertion']);
        expect(d.originatedBy).to.deep.equal([NO_ASSERTION_ELEMENT]);
        expect(d.software_downloadLocation).to.match(/^https:\/\/huggingface\.co\/datasets\//);
      }
    });

    it('links base models with descendantOf, the relation in the comment', () => {
      const rels = g.relationships(g.model.spdxId, 'descendantOf');
      const byTarget = Object.fromEntries(rels.map((r) => [g.byId(r.to[0]).name, r.comment]));
      expect(byTarget).to.deep.equal({
        'acme/tiny-base': 'base_model_relation: adapter (from adapter_config)',
        'openai-community/gpt2': 'base_model_relation: finetune (from card)',
      });
      const gpt2 = g.named('ai_AIPackage', 'openai-community/gpt2');
      expect(gpt2).to.include({ software_packageVersion: BASE_COMMIT, software_packageUrl: `pkg:huggingface/openai-community/gpt2@${BASE_COMMIT}` });
      expect(g.named('ai_AIPackage', 'acme/tiny-base')).to.include({ software_packageVersion: 'NOASSERTION', software_packageUrl: 'pkg:huggingface/acme/tiny-base' });
    });

    it('hashes the chat template as a snippet of its file', () => {
      const [snippet] = g.ofType('software_Snippet');
      expect(snippet!.software_snippetFromFile).to.equal(g.named('software_File', 'tokenizer_config.json').spdxId);
      expect(snippet!.verifiedUsing[0]).to.include({ algorithm: 'sha256', hashValue: createHash('sha256').update(TEMPLATE_TEXT).digest('hex') });
    });

    it('records every finding as a review annotation on its file (else the model)', () => {
      const notes = g.ofType('Annotation').map((a) => [g.byId(a.subject).name, a.annotationType, a.statement]);
      expect(notes).to.have.deep.members([
        ['modeling_tiny.py', 'review', 'modelvet high code/trust-remote-code: loading runs this file with trust_remote_code'],
        ['training_args.bin', 'review', 'modelvet critical pickle/dangerous-global: loading calls os.system (at training_args.bin!archive/data.pkl)'],
        ['acme/tiny-chat', 'review', 'modelvet info hub/stats: scanned 6 files'],
      ]);
    });

    it('depends on the framework package, with its PyPI purl', () => {
      expect(g.targets(g.model.spdxId, 'dependsOn')).to.deep.equal([g.named('software_Package', 'transformers')]);
      expect(g.named('software_Package', 'transformers').software_packageUrl).to.equal('pkg:pypi/transformers');
    });

    it('derives every spdxId from the purl, and lists every element in the document', () => {
      const ids = g.nodes.filter((n) => n.spdxId).map((n) => n.spdxId as string);
      expect(new Set(ids).size).to.equal(ids.length);
      for (const id of ids) expect(id.startsWith(`https://modelvet.invalid/spdx/huggingface/acme/tiny-chat@${COMMIT}/`), id).to.equal(true);
      const [doc] = g.ofType('SpdxDocument');
      expect(doc!.element.length).to.equal(ids.length - 1);
      expect(doc!.profileConformance).to.deep.equal(['ai', 'core', 'dataset', 'software']);
    });
  });

  describe('minimal facts (a folder, no card, a file without a hash)', () => {
    let g: Graph;
    before(() => {
      g = new Graph(write(minimalFacts()));
    });

    it('is valid against the official schema and the project checks', () => {
      expect(schemaErrors(spdxSchema(), g.doc)).to.deep.equal([]);
      expect(validateSpdx(g.doc)).to.deep.equal([]);
    });

    it('uses the SPDX no-assertion forms for what no source gives, and invents nothing', () => {
      const m = g.model;
      expect(m).to.include({ name: 'my-model', suppliedBy: NO_ASSERTION_ELEMENT, software_downloadLocation: 'NOASSERTION', software_packageVersion: 'NOASSERTION' });
      for (const key of ['software_packageUrl', 'releaseTime', 'ai_hyperparameter', 'ai_metric', 'ai_typeOfModel', 'description']) expect(m, key).to.not.have.property(key);
      expect(g.targets(m.spdxId, 'hasDeclaredLicense')).to.deep.equal([{ individual: 'expandedlicensing_NoAssertionLicense' }]);
      expect(g.ofType('dataset_DatasetPackage')).to.have.length(0);
      expect(g.ofType('Annotation')).to.have.length(0);
      expect(m.spdxId).to.equal('https://modelvet.invalid/spdx/local/my-model/model');
    });

    it('lists the unhashed file without verifiedUsing', () => {
      expect(g.named('software_File', 'notes/extra.bin')).to.not.have.property('verifiedUsing');
      expect(g.named('software_File', 'model.safetensors').verifiedUsing).to.have.length(1);
    });
  });

  it('uses the timestamp for created when one is given', () => {
    const g = new Graph(write({ ...fullFacts(), timestamp: '2026-05-01T10:00:00.5Z' }));
    expect(g.ofType('CreationInfo')[0]).to.include({ created: '2026-05-01T10:00:00Z' }).and.not.have.property('comment');
    expect(schemaErrors(spdxSchema(), g.doc)).to.deep.equal([]);
  });

  it('writes named licences as LicenseRefs mapped to their URL', () => {
    const g = new Graph(write({ ...fullFacts(), licenses: [{ kind: 'named', name: 'llama3.2', url: 'https://example.com/l', declared: 'llama3.2' }] }));
    const [lic] = g.targets(g.model.spdxId, 'hasDeclaredLicense');
    expect(lic).to.deep.include({
      simplelicensing_licenseExpression: 'LicenseRef-llama3.2',
      simplelicensing_customIdToUri: [{ type: 'DictionaryEntry', key: 'LicenseRef-llama3.2', value: 'https://example.com/l' }],
    });
    expect(schemaErrors(spdxSchema(), g.doc)).to.deep.equal([]);
  });
});
