import { expect } from 'chai';
import { readBomText } from '../../src/parsers/bom/read.js';
import { modelRefsOf } from '../../src/parsers/bom/refs.js';
import type { BomArtifact } from '../../src/parsers/bom/types.js';
import malformed from '../../src/rules/bom/malformed.js';
import modelWithoutHash from '../../src/rules/bom/model-without-hash.js';
import unpinnedModel from '../../src/rules/bom/unpinned-model.js';
import weakHash from '../../src/rules/bom/weak-hash.js';
import { RULES } from '../../src/rules/bom/index.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import lookalike from '../../src/rules/provenance/lookalike-publisher.js';
import unknown from '../../src/rules/provenance/unknown-publisher.js';
import unpinnedRevision from '../../src/rules/provenance/unpinned-revision.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import { parseDoc } from '../parsers/bom/helpers.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const SHA = (c: string): string => c.repeat(64);
const sha256 = (c: string) => ({ alg: 'SHA-256', content: SHA(c) });

/** A BOM artifact, read by the parser's own (synchronous) reading, so RuleTester cases stay plain data. */
function bom(doc: unknown, path = 'model.cdx.json'): BomArtifact {
  const reading = readBomText(JSON.stringify(doc, null, 2));
  if (!reading.ok) throw new Error(reading.anomaly.message);
  const refs = modelRefsOf(reading.components);
  return { path, format: 'ai-bom', size: 1, anomalies: reading.anomalies, children: [], ...(refs.length ? { modelRefs: refs } : {}), bom: { spec: reading.spec, components: reading.components } };
}

const cdx = (components: unknown[], subject?: unknown) => bom({ bomFormat: 'CycloneDX', specVersion: '1.6', ...(subject ? { metadata: { component: subject } } : {}), components });
const model = (extra: Record<string, unknown> = {}) => ({ type: 'machine-learning-model', name: 'tiny-bert', group: 'acme', ...extra });
const file = (name: string, hashes: unknown[] = [sha256('a')]) => ({ type: 'file', name, hashes });
const spdx3 = (graph: unknown[]) => bom({ '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [{ type: 'CreationInfo', '@id': '_:c', specVersion: '3.0.1' }, ...graph] }, 'model.spdx3.json');

const tester = new RuleTester();

tester.run('bom/model-without-hash', modelWithoutHash, {
  valid: [
    { name: 'a single-file model with its own SHA-256', artifact: cdx([model({ hashes: [sha256('a')] })]) },
    { name: 'every nested file has a SHA-256', artifact: cdx([model({ components: [file('model.safetensors'), file('config.json')] })]) },
    { name: "the subject's top-level files all have a SHA-256", artifact: cdx([file('w.bin'), { type: 'library', name: 'torch' }], model()) },
    { name: 'files and libraries without hashes are not models', artifact: cdx([file('w.bin', []), { type: 'library', name: 'torch' }]) },
    { name: 'a base model named in pedigree needs no hash', artifact: cdx([], model({ hashes: [sha256('a')], pedigree: { ancestors: [model({ name: 'base', purl: 'pkg:huggingface/acme/base' })] } })) },
    {
      name: 'SPDX 3: the AIPackage contains a file with a sha256',
      artifact: spdx3([
        { type: 'ai_AIPackage', spdxId: 'm', name: 'm' },
        { type: 'software_File', spdxId: 'f', name: 'w.bin', verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: SHA('b') }] },
        { type: 'Relationship', spdxId: 'r', from: 'm', relationshipType: 'contains', to: ['f'] },
      ]),
    },
  ],
  invalid: [
    {
      name: 'no hash at all and no files',
      artifact: cdx([model()]),
      findings: [{ severity: 'medium', message: "model component 'acme/tiny-bert' records no SHA-256, for itself or for any file it consists of: the BOM cannot prove which weights it describes", evidence: { component: '/components/0', files: 0 } }],
    },
    {
      name: 'only a SHA-1 and a malformed SHA-256 on the model',
      artifact: cdx([model({ hashes: [{ alg: 'SHA-1', content: 'c'.repeat(40) }, { alg: 'SHA-256', content: 'not-hex' }] })]),
      findings: [{ message: "model component 'acme/tiny-bert' records no SHA-256 (only SHA-1), for itself or for any file it consists of: the BOM cannot prove which weights it describes", evidence: { otherAlgorithms: ['SHA-1'] } }],
    },
    {
      name: 'some files of the model have no SHA-256: they are named',
      artifact: cdx([model({ components: [file('model.safetensors'), file('tokenizer.json', []), file('a.bin', [{ alg: 'MD5', content: 'd'.repeat(32) }]), file('b.bin', []), file('c.bin', [])] })]),
      findings: [
        {
          message: "model component 'acme/tiny-bert' has no SHA-256 of its own, and 4 of its 5 files have none (tokenizer.json, a.bin, b.bin, …): the BOM cannot prove which weights it describes",
          evidence: { files: 5, unhashedFiles: ['tokenizer.json', 'a.bin', 'b.bin', 'c.bin'] },
        },
      ],
    },
    {
      name: 'a model named only by its Hub purl in a 1.4 BOM, and an unnamed model',
      artifact: cdx([{ type: 'library', name: 'tiny', group: 'acme', purl: `pkg:huggingface/acme/tiny@${COMMIT}` }, { type: 'machine-learning-model' }]),
      findings: [{ message: /^model component 'acme\/tiny' records no SHA-256/ }, { message: /^model component at \/components\/1 records no SHA-256/ }],
    },
  ],
});

tester.run('bom/unpinned-model', unpinnedModel, {
  valid: [
    { name: 'a Hub purl at a full commit', artifact: cdx([model({ purl: `pkg:huggingface/acme/tiny-bert@${COMMIT}` })]) },
    { name: 'the purl pins the commit; the version is only a label', artifact: cdx([model({ version: '1.0', purl: `pkg:huggingface/acme/tiny-bert@${COMMIT}` })]) },
    { name: 'no purl revision, the version is the commit', artifact: cdx([model({ version: COMMIT, purl: 'pkg:huggingface/acme/tiny-bert' })]) },
    { name: 'not from the Hub: any version is the publisher\'s own', artifact: cdx([model({ version: '2024.06' })]) },
    { name: 'not a model', artifact: cdx([{ type: 'library', name: 'torch', purl: 'pkg:pypi/torch' }]) },
    { name: 'a base model named in pedigree at no revision', artifact: cdx([], model({ version: '1', pedigree: { ancestors: [model({ name: 'base', purl: 'pkg:huggingface/acme/base' })] } })) },
    {
      name: 'an SPDX 3 base model (descendantOf) without a version',
      artifact: spdx3([
        { type: 'ai_AIPackage', spdxId: 'm', name: 'm', software_packageUrl: `pkg:huggingface/acme/m@${COMMIT}` },
        { type: 'ai_AIPackage', spdxId: 'b', name: 'b', software_packageUrl: 'pkg:huggingface/acme/b' },
        { type: 'Relationship', spdxId: 'r', from: 'm', relationshipType: 'descendantOf', to: ['b'] },
      ]),
    },
    { name: 'an SPDX 3 file that is a model has no version to give', artifact: spdx3([{ type: 'software_File', spdxId: 'f', name: 'model.gguf', software_primaryPurpose: 'model' }]) },
    { name: 'SPDX 2 package with a Hub purl at a commit', artifact: bom({ spdxVersion: 'SPDX-2.3', packages: [{ SPDXID: 'p', name: 'p', externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:huggingface/acme/p@${COMMIT}` }] }] }, 'x.spdx.json') },
  ],
  invalid: [
    {
      name: 'a Hub purl at main',
      artifact: cdx([model({ purl: 'pkg:huggingface/acme/tiny-bert@main' })]),
      findings: [
        {
          severity: 'medium',
          message: `model component 'acme/tiny-bert' names the Hub repo acme/tiny-bert at "main", a branch, tag or label the publisher can move: it does not pin which commit's weights it describes`,
          evidence: { component: '/components/0', repo: 'acme/tiny-bert', revision: 'main', pin: 'branch-or-tag', via: '/components/0/purl' },
        },
      ],
    },
    {
      name: 'a Hub purl with no revision and no version; latest; a date; a PR ref',
      artifact: cdx([
        model({ purl: 'pkg:huggingface/acme/a' }),
        model({ purl: 'pkg:huggingface/acme/b@latest' }),
        model({ version: '2024-06-01', purl: 'pkg:huggingface/acme/c' }),
        model({ purl: 'pkg:huggingface/acme/d@refs%2Fpr%2F3' }),
      ]),
      findings: [
        { severity: 'medium', message: "model component 'acme/tiny-bert' names the Hub repo acme/a with no revision or version: it does not pin which commit's weights it describes", evidence: { pin: 'absent' } },
        { severity: 'medium', evidence: { revision: 'latest', pin: 'branch-or-tag' } },
        { severity: 'medium', evidence: { revision: '2024-06-01', pin: 'branch-or-tag' } },
        { severity: 'medium', message: /at the pull-request ref "refs\/pr\/3"/, evidence: { pin: 'pr-ref' } },
      ],
    },
    {
      name: 'a short commit hash is low',
      artifact: cdx([model({ purl: 'pkg:huggingface/acme/tiny-bert@0123456' })]),
      findings: [{ severity: 'low', message: `model component 'acme/tiny-bert' names the Hub repo acme/tiny-bert at "0123456", a short commit hash: a weaker pin than the full 40-character commit` }],
    },
    {
      name: 'a huggingface.co download location at a branch (SPDX 3)',
      artifact: spdx3([{ type: 'ai_AIPackage', spdxId: 'm', name: 'm', software_packageVersion: 'v1.0', software_downloadLocation: 'https://huggingface.co/acme/m/tree/v1.0' }]),
      findings: [{ severity: 'medium', evidence: { repo: 'acme/m', revision: 'v1.0', via: '/@graph/1/software_downloadLocation' } }],
    },
    {
      name: 'not from the Hub and no version: medium, low when SHA-256s pin the bytes',
      artifact: cdx([model(), model({ name: 'pinned', hashes: [sha256('a')] })]),
      findings: [
        { severity: 'medium', message: "model component 'acme/tiny-bert' records no version and no SHA-256 pins it, so the BOM does not say which release of the model it describes" },
        { severity: 'low', message: "model component 'acme/pinned' records no version; its SHA-256s still pin the bytes, but the BOM does not say which release of the model it describes" },
      ],
    },
  ],
});

tester.run('bom/weak-hash', weakHash, {
  valid: [
    { name: 'SHA-256 beside SHA-1', artifact: cdx([file('w.bin', [sha256('a'), { alg: 'SHA-1', content: 'c'.repeat(40) }])]) },
    { name: 'SHA-512 only', artifact: cdx([file('w.bin', [{ alg: 'SHA-512', content: 'e'.repeat(128) }])]) },
    { name: 'no hash at all (the hash rule speaks for models)', artifact: cdx([file('w.bin', [])]) },
    { name: 'MD5 on a library is out of scope', artifact: cdx([{ type: 'library', name: 'torch', hashes: [{ alg: 'MD5', content: 'd'.repeat(32) }] }]) },
  ],
  invalid: [
    {
      name: 'SHA-1 and MD5 on a file, MD5 on a model, SHA1 in SPDX 2',
      artifact: cdx([file('w.bin', [{ alg: 'SHA-1', content: 'c'.repeat(40) }, { alg: 'MD5', content: 'd'.repeat(32) }, { alg: 'SHA-256', content: 'short' }]), model({ hashes: [{ alg: 'MD5', content: 'd'.repeat(32) }] })]),
      findings: [
        { severity: 'low', message: "file component 'w.bin' is hashed only with SHA-1 and MD5, for which collisions can be made: a swapped file with the same hash would pass", evidence: { algorithms: ['SHA-1', 'MD5'] } },
        { severity: 'low', message: "model component 'acme/tiny-bert' is hashed only with MD5, for which collisions can be made: a swapped file with the same hash would pass" },
      ],
    },
    {
      name: 'an SPDX 2 file with a SHA1 checksum is named by its path',
      artifact: bom({ spdxVersion: 'SPDX-2.3', files: [{ SPDXID: 'f', fileName: './vocab.txt', checksums: [{ algorithm: 'SHA1', checksumValue: 'c'.repeat(40) }] }] }, 'x.spdx.json'),
      findings: [{ message: /^file component 'vocab\.txt' is hashed only with SHA-1/, evidence: { component: '/files/0', name: './vocab.txt' } }],
    },
  ],
});

tester.run('bom/malformed', malformed, {
  valid: [{ name: 'a readable BOM', artifact: cdx([model({ hashes: [sha256('a')] })]) }],
  invalid: [
    {
      name: 'every bom/* anomaly, in order',
      artifact: {
        ...cdx([]),
        anomalies: [
          { code: 'bom/malformed', message: 'the BOM is not valid JSON (x), so it vouches for nothing' },
          { code: 'bom/limit', message: 'over', detail: { limit: 1 } },
          { code: 'bom/unsupported-version', message: 'v' },
          { code: 'bom/kind-mismatch', message: 'k' },
          { code: 'model-config/malformed', message: 'not ours' },
        ],
      },
      findings: [
        { severity: 'medium', message: 'the BOM is not valid JSON (x), so it vouches for nothing', evidence: { code: 'bom/malformed' } },
        // A limit is high and says so, whatever rule takes it (src/engine/limits.ts).
        { severity: 'high', message: 'not fully analysed: over', evidence: { code: 'bom/limit', limit: 1 } },
        { severity: 'medium', evidence: { code: 'bom/unsupported-version' } },
        { severity: 'medium', evidence: { code: 'bom/kind-mismatch' } },
      ],
    },
  ],
});

// Suppliers: the Hub publishers a BOM records reach the provenance rules through modelRefs.
tester.run('provenance/lookalike-publisher on a BOM', lookalike, {
  valid: [{ name: 'the genuine publisher in a purl', artifact: cdx([model({ purl: `pkg:huggingface/meta-llama/Llama-3.2-1B@${COMMIT}` })]) }],
  invalid: [
    {
      name: 'a look-alike base model in pedigree',
      artifact: cdx([], model({ purl: `pkg:huggingface/acme/tuned@${COMMIT}`, pedigree: { ancestors: [{ type: 'machine-learning-model', name: 'Llama-3.1-8B', purl: 'pkg:huggingface/meta-llarna/Llama-3.1-8B' }] } })),
      findings: [{ severity: 'high', evidence: { publisher: 'meta-llarna', resembles: 'meta-llama', via: '/metadata/component/pedigree/ancestors/0/purl' } }],
    },
    {
      name: 'a look-alike publisher in a purl, at the purl\'s line',
      artifact: cdx([model({ purl: `pkg:huggingface/meta-1lama/Llama-3.2-1B@${COMMIT}` })]),
      findings: [{ severity: 'high', message: "records meta-1lama/Llama-3.2-1B, whose publisher 'meta-1lama' imitates 'meta-llama' (only characters that read alike differ)", evidence: { via: '/components/0/purl' } }],
    },
    {
      name: 'a look-alike in an SPDX 3 download location',
      artifact: spdx3([{ type: 'ai_AIPackage', spdxId: 'm', name: 'm', software_downloadLocation: 'https://huggingface.co/rnistralai/Mistral-7B' }]),
      findings: [{ severity: 'high', evidence: { publisher: 'rnistralai', resembles: 'mistralai', via: '/@graph/1/software_downloadLocation' } }],
    },
  ],
});

tester.run('provenance/unknown-publisher on a BOM', unknown, {
  valid: [{ name: 'a trusted publisher', artifact: cdx([model({ purl: `pkg:huggingface/acme/x@${COMMIT}` })]), settings: { trustedPublishers: ['acme'] } }],
  invalid: [
    {
      name: 'an untrusted publisher; the supplier name is not a Hub namespace and is not judged',
      artifact: cdx([model({ supplier: { name: 'meta-1lama' }, purl: `pkg:huggingface/someone/x@${COMMIT}` })]),
      settings: { trustedPublishers: ['acme'] },
      findings: [{ severity: 'medium', message: "records someone/x, from publisher 'someone', who is not in trustedPublishers" }],
    },
  ],
});

describe('bom rules: registration and interplay', () => {
  it('the family lists its four rules, all in the built-ins, each with docs', () => {
    expect(RULES.map((r) => r.meta.id)).to.deep.equal(['bom/malformed', 'bom/model-without-hash', 'bom/unpinned-model', 'bom/weak-hash']);
    for (const rule of RULES) {
      expect(BUILTIN_RULES).to.include(rule);
      expect(rule.meta.appliesTo).to.deep.equal(['ai-bom']);
      expect(rule.meta.docs.description && rule.meta.docs.example && rule.meta.docs.fix, rule.meta.id).to.be.a('string');
    }
  });

  it('BOM records are not downloads: provenance/unpinned-revision leaves them to bom/unpinned-model', async () => {
    const a = await parseDoc({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [model({ purl: 'pkg:huggingface/acme/x@main' })] });
    expect(a.modelRefs?.map((r) => r.use)).to.deep.equal(['record']);
    expect([...unpinnedRevision.check({ artifact: a, root: a, ancestors: [], settings: { allowedGlobals: [], trustedPublishers: [] } })]).to.deep.equal([]);
  });
});
