import * as CDX from '@cyclonedx/cyclonedx-library';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { BomArtifact, BomComponent } from '../../../src/parsers/bom/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';
import { BOM_PROJECTS, cdx, COMMIT, parseDoc, SHA256_A } from './helpers.js';

const { Enums, Models, Serialize, Spec } = CDX;

const fixture = (rel: string): Uint8Array => readFileSync(join(BOM_PROJECTS, rel));
const sha = (alg: 'sha256' | 'sha1', rel: string): string => createHash(alg).update(fixture(rel)).digest('hex');
const analyse = (bytes: Uint8Array, name: string): Promise<Artifact> => analyseReader(bufferReader(bytes), `project/${name}`);
const asBom = (a: Artifact): BomArtifact => {
  expect(a.format, `${a.path} is ${a.format}`).to.equal('ai-bom');
  return a as BomArtifact;
};
const codes = (a: Artifact): string[] => a.anomalies.map((x) => x.code);
const models = (a: BomArtifact): BomComponent[] => a.bom.components.filter((c) => c.kind === 'model');

describe('bom parser: CycloneDX', () => {
  it('reads the fixture BOM: the subject model, its nested files with SHA-256 and modelvet:path, its Hub purl as a model reference', async () => {
    const a = asBom(await analyse(fixture('cyclonedx-hub/model.cdx.json'), 'model.cdx.json'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.bom.spec).to.equal('cyclonedx');
    expect(a.bom.specVersion).to.equal('1.6');
    const [model, ...files] = a.bom.components;
    const commit = JSON.parse(new TextDecoder().decode(fixture('cyclonedx-hub/model.cdx.json'))).metadata.component.version as string;
    expect(model).to.deep.include({ pointer: '/metadata/component', kind: 'model', type: 'machine-learning-model', name: 'tiny-lm', group: 'HuggingFaceTB', version: commit, subject: true, parts: [1, 2] });
    expect(model!.supplier).to.deep.equal({ name: 'HuggingFaceTB', urls: [] });
    expect(model!.hub).to.deep.include({ repo: 'HuggingFaceTB/tiny-lm', repoType: 'model', revision: commit, pointer: '/metadata/component/purl' });
    expect(model!.location?.line).to.be.a('number');
    expect(files.map((f) => [f.pointer, f.kind, f.path, f.hashes])).to.deep.equal([
      ['/metadata/component/components/0', 'file', 'config.json', [{ algorithm: 'SHA-256', value: sha('sha256', 'cyclonedx-hub/config.json'), wellFormed: true }]],
      ['/metadata/component/components/1', 'file', 'model.safetensors', [{ algorithm: 'SHA-256', value: sha('sha256', 'cyclonedx-hub/model.safetensors'), wellFormed: true }]],
    ]);
    expect(a.modelRefs).to.deep.equal([
      { repo: 'HuggingFaceTB/tiny-lm', repoType: 'model', revision: { kind: 'literal', value: commit }, use: 'record', via: '/metadata/component/purl', location: model!.hub!.location },
    ]);
  });

  // Each spec version as @cyclonedx/cyclonedx-library writes it: before 1.5 there is no model type,
  // so the model is a library whose Hub purl makes it one.
  const SPECS = [Spec.Spec1dot2, Spec.Spec1dot3, Spec.Spec1dot4, Spec.Spec1dot5, Spec.Spec1dot6, Spec.Spec1dot7];
  for (const spec of SPECS) {
    it(`reads CycloneDX ${spec.version} as the library writes it`, async () => {
      const bom = new Models.Bom();
      const modelType = spec.supportsComponentType(Enums.ComponentType.MachineLearningModel) ? Enums.ComponentType.MachineLearningModel : Enums.ComponentType.Library;
      const model = new Models.Component(modelType, 'tiny', { bomRef: 'm', group: 'acme', version: COMMIT, purl: `pkg:huggingface/acme/tiny@${COMMIT}` });
      const file = new Models.Component(Enums.ComponentType.File, 'model.safetensors', { bomRef: 'f' });
      file.hashes.set(Enums.HashAlgorithm['SHA-256'], SHA256_A);
      file.hashes.set(Enums.HashAlgorithm['SHA-1'], 'b'.repeat(40));
      model.components.add(file);
      bom.components.add(model);
      const text = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec)).serialize(bom, { sortLists: true });
      const a = asBom(await analyse(new TextEncoder().encode(text), 'sbom.json'));
      expect(a.anomalies).to.deep.equal([]);
      expect(a.bom.specVersion).to.equal(spec.version);
      expect(a.bom.components.map((c) => [c.pointer, c.kind, c.type, c.parts])).to.deep.equal([
        ['/components/0', 'model', modelType, [1]],
        ['/components/0/components/0', 'file', 'file', []],
      ]);
      expect(a.bom.components[1]!.hashes.map((h) => h.algorithm).sort()).to.deep.equal(['SHA-1', 'SHA-256']);
      expect(a.modelRefs?.map((r) => r.repo)).to.deep.equal(['acme/tiny']);
    });
  }

  it('top-level components are parts of metadata.component; kinds follow the type; data and libraries are not models', async () => {
    const a = await parseDoc(
      cdx(
        [
          { type: 'file', name: 'w.bin', hashes: [{ alg: 'SHA-256', content: SHA256_A.toUpperCase() }] },
          { type: 'data', name: 'corpus' },
          { type: 'framework', name: 'torch', purl: 'pkg:pypi/torch@2.13.0' },
          { type: 'application', name: 'app' },
          { type: 'library', name: 'ds', purl: 'pkg:huggingface/datasets/acme/corpus@main' },
        ],
        { type: 'machine-learning-model', name: 'm' },
      ),
    );
    expect(a.bom.components.map((c) => c.kind)).to.deep.equal(['model', 'file', 'data', 'library', 'other', 'library']);
    expect(a.bom.components[0]!.parts).to.deep.equal([1, 2, 3, 4, 5]);
    expect(a.bom.components[1]!.hashes).to.deep.equal([{ algorithm: 'SHA-256', value: SHA256_A, wellFormed: true }]);
    // A dataset purl names a dataset repo: a record the publisher rules still read, but no model.
    expect(a.modelRefs).to.deep.equal([{ repo: 'acme/corpus', repoType: 'dataset', revision: { kind: 'literal', value: 'main' }, use: 'record', via: '/components/4/purl', location: a.bom.components[5]!.hub!.location }]);
  });

  it('a model without a Hub purl takes its Hub name from a huggingface.co external reference; other hosts name none', async () => {
    const a = await parseDoc(
      cdx([
        { type: 'machine-learning-model', name: 'a', externalReferences: [{ type: 'website', url: 'https://example.com/acme/a' }, { type: 'distribution', url: `https://huggingface.co/acme/a/tree/${COMMIT}` }] },
        { type: 'machine-learning-model', name: 'b', externalReferences: [{ type: 'vcs', url: 'https://github.com/acme/b/tree/main' }] },
        { type: 'library', name: 'c', externalReferences: [{ type: 'website', url: 'https://huggingface.co/acme/c' }] },
      ]),
    );
    expect(a.bom.components.map((c) => c.hub && [c.hub.repo, c.hub.revision, c.hub.pointer])).to.deep.equal([['acme/a', COMMIT, '/components/0/externalReferences/1/url'], undefined, undefined]);
  });

  it('pedigree ancestors are base models named for lineage: components (and records) of their own, not parts of the model', async () => {
    const a = await parseDoc(
      cdx([], {
        type: 'machine-learning-model',
        name: 'tuned',
        purl: `pkg:huggingface/acme/tuned@${COMMIT}`,
        pedigree: { ancestors: [{ type: 'machine-learning-model', name: 'gpt2', group: 'openai-community', purl: 'pkg:huggingface/openai-community/gpt2', components: [{ type: 'file', name: 'w' }] }] },
      }),
    );
    expect(a.bom.components.map((c) => [c.pointer, c.lineage ?? false, c.parts])).to.deep.equal([
      ['/metadata/component', false, []],
      ['/metadata/component/pedigree/ancestors/0', true, [2]],
      ['/metadata/component/pedigree/ancestors/0/components/0', true, []],
    ]);
    expect(a.modelRefs?.map((r) => [r.repo, r.revision.kind, r.via])).to.deep.equal([
      ['acme/tuned', 'literal', '/metadata/component/purl'],
      ['openai-community/gpt2', 'absent', '/metadata/component/pedigree/ancestors/0/purl'],
    ]);
  });

  it('hash values: algorithms by their CycloneDX names, hex lowercased, wrong lengths not well formed', async () => {
    const a = await parseDoc(cdx([{ type: 'file', name: 'f', hashes: [{ alg: 'SHA-256', content: 'abc' }, { alg: 'MD5', content: 'D'.repeat(32) }, { alg: 'BLAKE3', content: 'zz' }, { alg: 'X-NEW', content: 'ff' }, { alg: 'SHA-512', content: 7 }] }]));
    expect(a.bom.components[0]!.hashes).to.deep.equal([
      { algorithm: 'SHA-256', value: 'abc', wellFormed: false },
      { algorithm: 'MD5', value: 'd'.repeat(32), wellFormed: true },
      { algorithm: 'BLAKE3', value: 'zz', wellFormed: false },
      { algorithm: 'X-NEW', value: 'ff', wellFormed: true },
    ]);
  });
});

describe('bom parser: SPDX', () => {
  it('reads the SPDX 3.0.1 fixture: the ai_AIPackage with its supplier resolved, the contained file with its sha256', async () => {
    const a = asBom(await analyse(fixture('spdx3/model.spdx3.json'), 'model.spdx3.json'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.bom).to.deep.include({ spec: 'spdx', specVersion: '3.0.1' });
    const [model, file] = a.bom.components;
    expect(model).to.deep.include({ pointer: '/@graph/4', kind: 'model', type: 'ai_AIPackage', name: 'acme-ml/tiny-bert', version: 'main', subject: true, parts: [1], supplier: { name: 'acme-ml', urls: [] } });
    expect(model!.hub).to.deep.include({ repo: 'acme-ml/tiny-bert', revision: 'main', pointer: '/@graph/4/software_packageUrl' });
    expect(file).to.deep.include({ kind: 'file', type: 'software_File', path: 'model.safetensors', hashes: [{ algorithm: 'SHA-256', value: sha('sha256', 'spdx3/model.safetensors'), wellFormed: true }] });
    expect(a.modelRefs?.map((r) => [r.repo, r.revision, r.use])).to.deep.equal([['acme-ml/tiny-bert', { kind: 'literal', value: 'main' }, 'record']]);
  });

  it('SPDX 3 classes written as full IRIs and keys as @id/@type read the same; a packageUrl identifier and a download location name the repo', async () => {
    const a = await parseDoc(
      {
        '@context': ['https://spdx.org/rdf/3.0.0/spdx-context.jsonld'],
        '@graph': [
          { '@type': 'CreationInfo', '@id': '_:c', specVersion: '3.0.0' },
          { '@type': 'https://spdx.org/rdf/3.0.0/terms/AI/AIPackage', '@id': 'urn:m', name: 'm', externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: `pkg:huggingface/acme/m@${COMMIT}` }] },
          { '@type': 'https://spdx.org/rdf/3.0.0/terms/Software/Package', '@id': 'urn:n', name: 'n', software_primaryPurpose: 'model', software_downloadLocation: 'https://huggingface.co/acme/n' },
          { '@type': 'https://spdx.org/rdf/3.0.0/terms/Software/File', '@id': 'urn:f', name: './w.gguf', verifiedUsing: [{ type: 'Hash', algorithm: 'sha3_256', hashValue: SHA256_A }, { type: 'PackageVerificationCode', algorithm: 'sha1', hashValue: 'c'.repeat(40) }] },
          { '@type': 'https://spdx.org/rdf/3.0.0/terms/Core/Relationship', '@id': 'urn:r', from: 'urn:n', relationshipType: 'contains', to: ['urn:f', 'urn:missing'] },
        ],
      },
      'x.spdx3.json',
    );
    expect(a.anomalies).to.deep.equal([]);
    expect(a.bom.specVersion).to.equal('3.0.0');
    expect(a.bom.components.map((c) => [c.type, c.kind, c.hub?.repo, c.hub?.pointer, c.parts])).to.deep.equal([
      ['ai_AIPackage', 'model', 'acme/m', '/@graph/1/externalIdentifier/0/identifier', []],
      ['software_Package', 'model', 'acme/n', '/@graph/2/software_downloadLocation', [2]],
      ['software_File', 'file', undefined, undefined, []],
    ]);
    expect(a.bom.components[2]).to.deep.include({ path: 'w.gguf', hashes: [{ algorithm: 'SHA3-256', value: SHA256_A, wellFormed: true }] });
  });

  it('SPDX 3 ancestorOf / descendantOf and SPDX 2 ANCESTOR_OF / DESCENDANT_OF mark base models as lineage; the described model never is', async () => {
    const spdx3 = await parseDoc(
      {
        '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
        '@graph': [
          { type: 'SpdxDocument', spdxId: 'd', rootElement: ['m'] },
          { type: 'ai_AIPackage', spdxId: 'm', name: 'm', creationInfo: { specVersion: '3.0.1' } },
          { type: 'ai_AIPackage', spdxId: 'b1', name: 'b1' },
          { type: 'ai_AIPackage', spdxId: 'b2', name: 'b2' },
          { type: 'Relationship', spdxId: 'r1', from: 'm', relationshipType: 'descendantOf', to: ['b1'] },
          { type: 'Relationship', spdxId: 'r2', from: 'b2', relationshipType: 'ancestorOf', to: ['m'] },
          { type: 'Relationship', spdxId: 'r3', from: 'b1', relationshipType: 'descendantOf', to: ['m'] },
        ],
      },
      'x.spdx3.json',
    );
    expect(spdx3.anomalies).to.deep.equal([]);
    expect(spdx3.bom.components.map((c) => [c.name, c.subject, c.lineage ?? false])).to.deep.equal([
      ['m', true, false],
      ['b1', false, true],
      ['b2', false, true],
    ]);
    const spdx2 = await parseDoc(
      {
        spdxVersion: 'SPDX-2.3',
        documentDescribes: ['m'],
        packages: [{ SPDXID: 'm', name: 'm' }, { SPDXID: 'a', name: 'a' }, { SPDXID: 'b', name: 'b' }],
        relationships: [
          { spdxElementId: 'a', relationshipType: 'ANCESTOR_OF', relatedSpdxElement: 'm' },
          { spdxElementId: 'm', relationshipType: 'DESCENDANT_OF', relatedSpdxElement: 'b' },
        ],
      },
      'x.spdx.json',
    );
    expect(spdx2.bom.components.map((c) => [c.name, c.lineage ?? false])).to.deep.equal([
      ['m', false],
      ['a', true],
      ['b', true],
    ]);
  });

  it('reads the SPDX 2.3 fixture: the package with a Hub purl is the model, its files (./ dropped) its parts; SHA1/SHA256 by name', async () => {
    const a = asBom(await analyse(fixture('spdx2/model.spdx.json'), 'model.spdx.json'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.bom).to.deep.include({ spec: 'spdx', specVersion: '2.3' });
    const [model, weights, vocab] = a.bom.components;
    expect(model).to.deep.include({ pointer: '/packages/0', kind: 'model', name: 'tiny-spdx', subject: true, parts: [1, 2], supplier: { name: 'HuggingFaceTB', urls: [] } });
    expect(model!.hub?.pointer).to.equal('/packages/0/externalRefs/0/referenceLocator');
    expect(weights).to.deep.include({ pointer: '/files/0', kind: 'file', path: 'model.safetensors' });
    expect(weights!.hashes.map((h) => h.algorithm)).to.deep.equal(['SHA-1', 'SHA-256']);
    expect(vocab!.hashes).to.deep.equal([{ algorithm: 'SHA-1', value: sha('sha1', 'spdx2/vocab.txt'), wellFormed: true }]);
  });

  it('SPDX 2.2: CONTAINS / CONTAINED_BY relationships and DESCRIBES give parts and subject; NOASSERTION is no value; supplier prefixes dropped', async () => {
    const a = await parseDoc(
      {
        spdxVersion: 'SPDX-2.2',
        SPDXID: 'SPDXRef-DOCUMENT',
        packages: [{ SPDXID: 'SPDXRef-p', name: 'p', versionInfo: 'NOASSERTION', supplier: 'Person: Jane Doe (jane@example.com)', downloadLocation: 'https://huggingface.co/jane/p', primaryPackagePurpose: 'OTHER' }],
        files: [{ SPDXID: 'SPDXRef-a', fileName: './a.bin' }, { SPDXID: 'SPDXRef-b', fileName: 'b.bin' }],
        relationships: [
          { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-p' },
          { spdxElementId: 'SPDXRef-p', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-a' },
          { spdxElementId: 'SPDXRef-b', relationshipType: 'CONTAINED_BY', relatedSpdxElement: 'SPDXRef-p' },
        ],
      },
      'x.spdx.json',
    );
    expect(a.anomalies).to.deep.equal([]);
    const [p] = a.bom.components;
    // No Hub purl and no model purpose in SPDX 2: not a model, so the download location is not read as a Hub name.
    expect(p).to.deep.include({ kind: 'other', subject: true, parts: [1, 2], supplier: { name: 'Jane Doe', urls: [] } });
    expect(p!.version).to.equal(undefined);
    expect(a.modelRefs).to.equal(undefined);
  });
});

describe('bom parser: recognition', () => {
  const CDX_DOC = JSON.stringify(cdx([{ type: 'machine-learning-model', name: 'm' }]));
  const SPDX2_SORTED = JSON.stringify({ SPDXID: 'SPDXRef-DOCUMENT', files: [], packages: [], spdxVersion: 'SPDX-2.3' });
  const ORDINARY = JSON.stringify({ name: 'parts list', items: [{ bomFormat: 'CycloneDX' }] });
  const cases: Array<[name: string, text: string, format: string]> = [
    ['model.cdx.json', CDX_DOC, 'ai-bom'],
    ['bom.json', CDX_DOC, 'ai-bom'],
    ['sbom.json', CDX_DOC, 'ai-bom'],
    ['release.bom.json', CDX_DOC, 'ai-bom'],
    ['model.cdx', CDX_DOC, 'ai-bom'],
    ['anything.json', CDX_DOC, 'ai-bom'],
    ['x.spdx.json', SPDX2_SORTED, 'ai-bom'],
    ['sbom.json', SPDX2_SORTED, 'ai-bom'],
    ['x.spdx3.json', readFileSync(join(BOM_PROJECTS, 'spdx3/model.spdx3.json'), 'utf8'), 'ai-bom'],
    // An ordinary JSON file, whatever its name, stays with the generic config reading; a BOM marker nested deeper is no BOM.
    ['bom.json', ORDINARY, 'model-config'],
    ['sbom.json', ORDINARY, 'model-config'],
    ['config.yaml', 'bomFormat: CycloneDX\n', 'model-config'],
    ['notes.txt', CDX_DOC, 'unknown'],
    // Families ahead of this one keep their own names: a tokenizer config is never a BOM.
    ['tokenizer_config.json', CDX_DOC, 'tokenizer-config'],
    ['modelvet.lock.json', CDX_DOC, 'modelvet-lock'],
  ];
  for (const [name, text, format] of cases) {
    it(`${name} holding ${text === ORDINARY ? 'ordinary JSON' : text.slice(0, 24)}… → ${format}`, async () => {
      expect((await analyse(new TextEncoder().encode(text), name)).format).to.equal(format);
    });
  }

  it('a name the specs recommend is taken whatever it holds: no BOM inside is bom/malformed', async () => {
    const a = await analyse(new TextEncoder().encode(ORDINARY), 'model.cdx.json');
    expect(a.format).to.equal('ai-bom');
    expect(a.anomalies.map((x) => [x.code, x.message])).to.deep.equal([
      ['bom/malformed', 'the file holds no CycloneDX or SPDX document (no bomFormat "CycloneDX", spdxVersion or SPDX 3 @context at its top level), so it vouches for nothing'],
    ]);
  });

  it('a BOM of one spec under the other spec\'s name is read as what it is, and the mismatch is an anomaly', async () => {
    const a = asBom(await analyse(fixture('broken/mislabelled.cdx.json'), 'mislabelled.cdx.json'));
    expect(a.bom.spec).to.equal('spdx');
    expect(a.anomalies.map((x) => x.code)).to.deep.equal(['bom/kind-mismatch']);
    expect(a.anomalies[0]!.message).to.equal('the file is named as CycloneDX but holds an SPDX document; tools that go by the name will not read it');
    expect(models(a)).to.have.length(1);
  });

  it('a UTF-8 byte-order mark before the JSON is read through', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(CDX_DOC)]);
    const a = asBom(await analyse(bytes, 'bom.json'));
    expect(a.anomalies).to.deep.equal([]);
    expect(models(a)).to.have.length(1);
  });
});

describe('bom parser: bad and hostile input (never an exception)', () => {
  it('truncated JSON, invalid UTF-8, a top-level array and an over-cap file are bom/* anomalies with a guessed spec', async () => {
    const truncated = asBom(await analyse(fixture('broken/truncated.cdx.json'), 'truncated.cdx.json'));
    expect(codes(truncated)).to.deep.equal(['bom/malformed']);
    expect(truncated.anomalies[0]!.message).to.match(/^the BOM is not valid JSON \(.+\), so it vouches for nothing$/);
    expect(truncated.bom).to.deep.equal({ spec: 'cyclonedx', components: [] });

    const utf8 = asBom(await analyse(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'x.spdx.json'));
    expect(utf8.anomalies.map((x) => x.message)).to.deep.equal(['the BOM is not valid UTF-8 text, so it was not read and vouches for nothing']);
    expect(utf8.bom.spec).to.equal('spdx');

    expect(codes(await parseDoc([cdx([])]))).to.deep.equal(['bom/malformed']);

    const big = await parseDoc(cdx([]), 'model.cdx.json', undefined, { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 20 });
    expect(big.anomalies.map((x) => [x.code, x.detail])).to.deep.equal([['bom/limit', { size: big.size, limit: 20 }]]);
    expect(big.bom.spec).to.equal('cyclonedx');
  });

  it('an unknown or missing spec version is read as the nearest known one, and said', async () => {
    expect((await parseDoc(cdx([], undefined, '1.9'))).anomalies.map((x) => x.message)).to.deep.equal(['the CycloneDX BOM says specVersion "1.9", not one of 1.2–1.7; it was read as 1.7, and anything a newer version adds was not checked']);
    expect(codes(await parseDoc({ bomFormat: 'CycloneDX', components: [] }))).to.deep.equal(['bom/unsupported-version']);
    expect(codes(await parseDoc({ spdxVersion: 'SPDX-2.1', packages: [] }, 'x.spdx.json'))).to.deep.equal(['bom/unsupported-version']);
    expect(codes(await parseDoc({ '@context': 'https://spdx.org/rdf/3.1/spdx-context.jsonld', '@graph': [] }, 'x.spdx.json'))).to.deep.equal(['bom/unsupported-version']);
    expect(codes(await parseDoc({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', name: 'no graph' }, 'x.spdx.json'))).to.deep.equal(['bom/malformed']);
  });

  it('entries that are not objects and lists that are not lists are malformed, counted once', async () => {
    const a = await parseDoc({ ...cdx([1, 'x', null, { type: 'file', name: 'ok', components: { not: 'a list' } }]) });
    expect(a.anomalies.map((x) => x.message)).to.deep.equal([
      '`components` at /components/3 is not a list, so what it holds was not read',
      '3 entries in the BOM\'s lists of components or elements are not a JSON object; a consumer would reject or skip them',
    ]);
    expect(a.bom.components.map((c) => c.name)).to.deep.equal(['ok']);
  });

  it('__proto__ and constructor keys are data: no prototype is touched and no missing field is read from one', async () => {
    const text = `{"bomFormat":"CycloneDX","specVersion":"1.6","__proto__":{"components":[{"type":"machine-learning-model","name":"ghost"}]},
      "components":[{"__proto__":{"type":"machine-learning-model","purl":"pkg:huggingface/evil/x@main"},"name":"__proto__","constructor":{"name":"c"},
      "hashes":[{"__proto__":{"alg":"SHA-256"},"content":"${SHA256_A}"}],"properties":[{"name":"modelvet:path","value":"__proto__"}]}]}`;
    const a = await parseDoc(text);
    expect(a.anomalies).to.deep.equal([]);
    expect(a.bom.components).to.have.length(1);
    expect(a.bom.components[0]).to.deep.include({ kind: 'other', type: '', name: '__proto__', path: '__proto__', hashes: [] });
    expect(a.modelRefs).to.equal(undefined);
    expect(({} as Record<string, unknown>).type).to.equal(undefined);
    expect(({} as Record<string, unknown>).components).to.equal(undefined);
  });

  it('100k components are read in a few seconds; past the element budget the rest is not read and a limit anomaly says so', async function () {
    this.timeout(20_000);
    const many = Array.from({ length: 100_000 }, (_, i) => ({ type: 'file', name: `f${i}.bin`, hashes: [{ alg: 'SHA-256', content: SHA256_A }] }));
    const started = Date.now();
    const a = await parseDoc(cdx(many, { type: 'machine-learning-model', name: 'm' }), 'bom.cdx.json');
    expect(Date.now() - started).to.be.below(10_000);
    expect(a.anomalies).to.deep.equal([]);
    expect(a.bom.components).to.have.length(100_001);
    expect(a.bom.components[0]!.parts).to.have.length(100_000);
    expect(a.bom.components[100_000]!.location?.line).to.be.a('number');

    const capped = await parseDoc(cdx(many.slice(0, 50)), 'bom.cdx.json', { maxElements: 10, maxDepth: 32 });
    expect(capped.bom.components).to.have.length(10);
    expect(capped.anomalies.map((x) => [x.code, x.message])).to.deep.equal([['bom/limit', 'the BOM lists more than 10 components, elements and relationships; the rest were not read, so what they say was not checked']]);
  });

  it('deep nesting: components past the depth limit are not read; a million-deep JSON array is parsed without a stack overflow', async () => {
    // Written as text: JSON.stringify itself cannot write this many levels. Reading stays linear in the text.
    const levels = 100_000;
    const head = '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[';
    const level = '{"type":"library","name":"n","components":[';
    const started = Date.now();
    const a = await parseDoc(`${head}${level.repeat(levels)}{"type":"file","name":"leaf"}${']}'.repeat(levels)}]}`);
    expect(Date.now() - started).to.be.below(3000);
    expect(a.bom.components).to.have.length(33);
    // The deepest component read is still located: its name's value, 32 levels in.
    expect(a.bom.components[32]!.location).to.deep.equal({ line: 1, column: head.length + 32 * level.length + '{"type":"library","name":'.length + 1 });
    expect(codes(a)).to.deep.equal(['bom/limit']);
    expect(a.anomalies[0]!.message).to.match(/^components are nested more than 32 levels deep \(at \/components\/0(\/components\/0){33}\); the deeper ones were not read$/);

    const deep = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"file","name":"x","x":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}]}`;
    const b = await parseDoc(deep);
    expect(b.anomalies).to.deep.equal([]);
    expect(b.bom.components.map((c) => c.name)).to.deep.equal(['x']);
  });

  it('SPDX relationship cycles and self-containment add no part twice and no component to itself', async () => {
    const a = await parseDoc(
      {
        spdxVersion: 'SPDX-2.3',
        packages: [{ SPDXID: 'p', name: 'p', hasFiles: ['f', 'f', 'p'] }],
        files: [{ SPDXID: 'f', fileName: 'f' }],
        relationships: [
          { spdxElementId: 'p', relationshipType: 'CONTAINS', relatedSpdxElement: 'f' },
          { spdxElementId: 'f', relationshipType: 'CONTAINS', relatedSpdxElement: 'p' },
        ],
      },
      'x.spdx.json',
    );
    expect(a.bom.components.map((c) => c.parts)).to.deep.equal([[1], [0]]);
  });
});
