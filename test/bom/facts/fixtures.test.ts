import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gguf } from '@huggingface/gguf';
import { extractFacts } from '../../../src/bom/facts/index.js';
import { localFactSource } from '../../../src/bom/sources/local.js';
import type { BomFacts } from '../../../src/bom/types.js';
import { prepare, scan, type Prepared } from '../../../src/engine/scan.js';
import { sha256 } from './memory-source.js';

const BOM = fileURLToPath(new URL('../../fixtures/bom/', import.meta.url));
const FOLDER = join(BOM, 'tiny-gpt2');
const CACHE_REPO = join(BOM, 'hf-cache', 'models--modelvet-test--tiny-gpt2');
const COMMIT = '5e0a7b3c9d1f2e4a6b8c0d2e4f6a8b0c1d3e5f7a';
const SNAPSHOT = join(CACHE_REPO, 'snapshots', COMMIT);
const GGUF = join(BOM, 'gguf');
const BARE = join(BOM, 'bare');
const MALICIOUS_PICKLE = fileURLToPath(new URL('../../fixtures/malicious/a03-stack-global-string-operands.pkl', import.meta.url));

/** Parameters the way the test reads them: the safetensors header's shapes, multiplied and summed. */
function safetensorsParameters(file: string): number {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<string, { shape: number[] }>;
  return Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .reduce((sum, [, t]) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}

describe('BOM facts from the fixtures (local sources)', function () {
  this.timeout(60_000);
  let cwd: string;
  let prepared: Prepared;
  const facts = async (target: string): Promise<BomFacts> => extractFacts(await localFactSource(target, { cwd, prepared, threads: 1 }));

  before(async () => {
    // An empty working folder: no config or lockfile of this repository changes the verdicts.
    cwd = mkdtempSync(join(tmpdir(), 'modelvet-bom-facts-'));
    prepared = await prepare({ cwd });
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  describe('a folder written by transformers save_pretrained, with a model card', () => {
    let f: BomFacts;
    before(async () => {
      f = await facts(FOLDER);
    });

    it('names the model by its folder and claims no repo, commit or purl', () => {
      expect(f.model).to.deep.equal({ name: 'tiny-gpt2', source: 'folder' });
    });

    it('reads the licence as an SPDX id, case-corrected from the Hub id', () => {
      expect(f.licenses).to.deep.equal([{ kind: 'spdx', expression: 'Apache-2.0', declared: 'apache-2.0' }]);
    });

    it('reads task, library, languages and tags from the card, sorted', () => {
      expect(f.task).to.equal('text-generation');
      expect(f.libraryName).to.equal('transformers');
      expect(f.languages).to.deep.equal(['en', 'fr']);
      expect(f.tags).to.deep.equal(['modelvet-fixture', 'text-generation', 'tiny']);
    });

    it('keeps training datasets (card datasets) apart from evaluation datasets (model-index), even for the same dataset', () => {
      const training = f.datasets.filter((d) => d.role === 'training');
      const evaluation = f.datasets.filter((d) => d.role === 'evaluation');
      expect(training).to.deep.equal([
        { name: 'Salesforce/wikitext', hubId: 'Salesforce/wikitext', url: 'https://huggingface.co/datasets/Salesforce/wikitext', role: 'training' },
        { name: 'modelvet-test/tiny-instructions', hubId: 'modelvet-test/tiny-instructions', url: 'https://huggingface.co/datasets/modelvet-test/tiny-instructions', role: 'training' },
      ]);
      expect(evaluation.map((d) => [d.name, d.hubId])).to.have.deep.members([
        ['WikiText-2', 'Salesforce/wikitext'],
        ['GSM8K', 'openai/gsm8k'],
      ]);
      expect(f.datasets).to.have.length(4);
    });

    it('reads every model-index metric with its value as written, task and evaluation dataset', () => {
      expect(f.metrics).to.have.deep.members([
        { type: 'perplexity', value: '812.5', name: 'Perplexity', task: 'text-generation', dataset: { name: 'WikiText-2', hubId: 'Salesforce/wikitext', config: 'wikitext-2-raw-v1', split: 'test' } },
        { type: 'accuracy', value: '0', name: 'Accuracy', task: 'text-generation', dataset: { name: 'GSM8K', hubId: 'openai/gsm8k', config: 'main', split: 'test' } },
        { type: 'exact_match', value: '0', task: 'text-generation', dataset: { name: 'GSM8K', hubId: 'openai/gsm8k', config: 'main', split: 'test' } },
      ]);
      expect(f.metrics).to.have.length(3);
    });

    it('lists the base model with the card\'s relation', () => {
      expect(f.ancestors).to.deep.equal([{ repo: 'openai-community/gpt2', relation: 'finetune', source: 'card' }]);
    });

    it('reads architecture and hyperparameters from config.json under the official names', () => {
      const config = JSON.parse(readFileSync(join(FOLDER, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(f.architecture).to.equal((config.architectures as string[])[0]);
      expect(f.architectureFamily).to.equal(config.model_type);
      const tokenizerConfig = JSON.parse(readFileSync(join(FOLDER, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
      expect(f.hyperparameters).to.deep.equal([
        { key: 'context_length', value: String(config.n_positions), source: 'config.json' },
        { key: 'hidden_size', value: String(config.n_embd), source: 'config.json' },
        { key: 'num_attention_heads', value: String(config.n_head), source: 'config.json' },
        { key: 'num_hidden_layers', value: String(config.n_layer), source: 'config.json' },
        { key: 'tokenizer_class', value: tokenizerConfig.tokenizer_class, source: 'tokenizer_config.json' },
        { key: 'vocab_size', value: String(config.vocab_size), source: 'config.json' },
      ]);
    });

    it('counts parameters from the safetensors header', () => {
      expect(f.parameterCount).to.deep.equal({ value: safetensorsParameters(join(FOLDER, 'model.safetensors')), source: 'model.safetensors' });
    });

    it('hashes the chat templates (the default and the named one transformers saved as files)', () => {
      const text = (p: string): string => readFileSync(join(FOLDER, p), 'utf8');
      expect(f.chatTemplates).to.deep.equal([
        { name: 'tool_use', file: 'additional_chat_templates/tool_use.jinja', sha256: sha256(Buffer.from(text('additional_chat_templates/tool_use.jinja'), 'utf8')) },
        { name: 'default', file: 'chat_template.jinja', sha256: sha256(Buffer.from(text('chat_template.jinja'), 'utf8')) },
      ]);
    });

    it('lists every file with its size, its SHA-256 hashed locally, and its role', () => {
      const expected = ['LICENSE', 'README.md', 'additional_chat_templates/tool_use.jinja', 'chat_template.jinja', 'config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
      expect(f.files.map((x) => x.path)).to.deep.equal(expected);
      for (const file of f.files) {
        const bytes = readFileSync(join(FOLDER, file.path));
        expect(file.size, file.path).to.equal(bytes.length);
        expect(file.sha256, file.path).to.equal(sha256(bytes));
        expect(file.sha256Source, file.path).to.equal('local');
        expect(file.executesCode, file.path).to.equal(undefined);
      }
      const role = Object.fromEntries(f.files.map((x) => [x.path, x.role]));
      expect(role).to.deep.equal({
        LICENSE: 'license',
        'README.md': 'card',
        'additional_chat_templates/tool_use.jinja': 'chat-template',
        'chat_template.jinja': 'chat-template',
        'config.json': 'config',
        'generation_config.json': 'config',
        'model.safetensors': 'weights',
        'tokenizer.json': 'tokenizer',
        'tokenizer_config.json': 'tokenizer',
      });
      expect(f.files.find((x) => x.path === 'model.safetensors')!.format).to.equal('safetensors');
    });

    it('carries the scan\'s verdicts with paths relative to the model folder, and the tool', () => {
      expect(f.verdicts.length).to.be.greaterThan(0);
      for (const v of f.verdicts) expect(f.files.map((x) => x.path)).to.include(v.path.split('!')[0]);
      expect(f.verdicts.map((v) => `${v.ruleId} ${v.severity} ${v.path}`)).to.include('format/unrecognized info README.md');
      // The BOM is itself the record of every file's digest: "no recorded digest" is not carried.
      expect(f.verdicts.some((v) => v.ruleId === 'integrity/missing-checksum')).to.equal(false);
      expect(f.tool.name).to.equal('modelvet');
      expect(f.timestamp).to.equal(undefined);
    });

    it('gives the same facts on a second run', async () => {
      expect(JSON.stringify(await facts(FOLDER))).to.equal(JSON.stringify(f));
    });
  });

  describe('the same files as a Hugging Face cache snapshot', () => {
    let folder: BomFacts;
    let cache: BomFacts;
    before(async () => {
      folder = await facts(FOLDER);
      cache = await facts(SNAPSHOT);
    });

    it('recovers repo and commit offline and builds the purl from them', () => {
      expect(cache.model).to.deep.equal({
        name: 'modelvet-test/tiny-gpt2',
        source: 'hf-cache',
        repo: 'modelvet-test/tiny-gpt2',
        commit: COMMIT,
        purl: `pkg:huggingface/modelvet-test/tiny-gpt2@${COMMIT}`,
        supplier: 'modelvet-test',
      });
    });

    it('states the same facts as the folder, files and hashes included (links are read through to their blobs)', () => {
      const { model: _a, verdicts: _b, ...fromCache } = cache;
      const { model: _c, verdicts: _d, ...fromFolder } = folder;
      expect(fromCache).to.deep.equal(fromFolder);
    });

    it('the folder and the cache copy carry the same verdicts (a BOM never carries missing-checksum, which it settles itself)', () => {
      expect(cache.verdicts).to.deep.equal(folder.verdicts);
    });

    it('the repo folder stands for the snapshot refs/main names', async () => {
      const viaRepo = await facts(CACHE_REPO);
      expect(JSON.stringify(viaRepo)).to.equal(JSON.stringify(cache));
    });
  });

  describe('a GGUF model', () => {
    let f: BomFacts;
    const file = join(GGUF, 'tiny-llama-Q8_0.gguf');
    before(async () => {
      f = await facts(GGUF);
    });

    it('reads the architecture, hyperparameters and quantisation from the header', async () => {
      const { metadata } = await gguf(file, { allowLocalFile: true });
      const m = metadata as unknown as Record<string, unknown>;
      expect(f.architectureFamily).to.equal(m['general.architecture']);
      expect(f.architecture).to.equal(undefined);
      const source = 'tiny-llama-Q8_0.gguf';
      expect(f.hyperparameters).to.deep.equal([
        { key: 'context_length', value: String(m['llama.context_length']), source },
        { key: 'hidden_size', value: String(m['llama.embedding_length']), source },
        { key: 'num_attention_heads', value: String(m['llama.attention.head_count']), source },
        { key: 'num_hidden_layers', value: String(m['llama.block_count']), source },
        { key: 'num_key_value_heads', value: String(m['llama.attention.head_count_kv']), source },
        { key: 'quantization', value: 'Q8_0', source },
      ]);
      expect(m['general.file_type']).to.equal(7);
    });

    it('counts parameters from the tensor infos', async () => {
      const { tensorInfos } = await gguf(file, { allowLocalFile: true });
      const expected = tensorInfos.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * Number(b), 1), 0);
      expect(f.parameterCount).to.deep.equal({ value: expected, source: 'tiny-llama-Q8_0.gguf' });
    });

    it('hashes both chat templates in the header', async () => {
      const { metadata } = await gguf(file, { allowLocalFile: true });
      const m = metadata as unknown as Record<string, string>;
      expect(f.chatTemplates).to.deep.equal([
        { name: 'default', file: 'tiny-llama-Q8_0.gguf', sha256: sha256(Buffer.from(m['tokenizer.chat_template']!, 'utf8')) },
        { name: 'tool_use', file: 'tiny-llama-Q8_0.gguf', sha256: sha256(Buffer.from(m['tokenizer.chat_template.tool_use']!, 'utf8')) },
      ]);
    });

    it('names the base model general.base_model.0.repo_url points at, with no relation it does not state', () => {
      expect(f.ancestors).to.deep.equal([{ repo: 'modelvet-test/tiny-gpt2', source: 'gguf' }]);
    });

    it('a single GGUF file given directly is described alone', async () => {
      const single = await facts(file);
      expect(single.model).to.deep.equal({ name: 'tiny-llama-Q8_0.gguf', source: 'folder' });
      expect(single.files.map((x) => x.path)).to.deep.equal(['tiny-llama-Q8_0.gguf']);
      expect(single.parameterCount).to.deep.equal(f.parameterCount);
    });
  });

  describe('a bare folder (one safetensors file)', () => {
    it('states what the file says and nothing else', async () => {
      const f = await facts(BARE);
      expect(f.model).to.deep.equal({ name: 'bare', source: 'folder' });
      expect(f.parameterCount).to.deep.equal({ value: safetensorsParameters(join(BARE, 'model.safetensors')), source: 'model.safetensors' });
      for (const key of ['task', 'architecture', 'architectureFamily', 'libraryName', 'timestamp'] as const) expect(f, key).not.to.have.property(key);
      expect(f.licenses).to.deep.equal([]);
      expect(f.languages).to.deep.equal([]);
      expect(f.tags).to.deep.equal([]);
      expect(f.hyperparameters).to.deep.equal([]);
      expect(f.datasets).to.deep.equal([]);
      expect(f.metrics).to.deep.equal([]);
      expect(f.ancestors).to.deep.equal([]);
      expect(f.chatTemplates).to.deep.equal([]);
      expect(f.files).to.deep.equal([{ path: 'model.safetensors', size: 208, sha256: sha256(readFileSync(join(BARE, 'model.safetensors'))), sha256Source: 'local', format: 'safetensors', role: 'weights' }]);
    });
  });

  describe('code that loading runs', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-code-'));
      cpSync(FOLDER, join(dir, 'model'), { recursive: true });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('flags a pickle as executing code and carries its critical verdict under its own path', async () => {
      mkdirSync(join(dir, 'model', 'extra'));
      cpSync(MALICIOUS_PICKLE, join(dir, 'model', 'extra', 'optimizer.pkl'));
      const f = await facts(join(dir, 'model'));
      expect(f.files.find((x) => x.path === 'extra/optimizer.pkl')).to.include({ format: 'pickle', role: 'weights', executesCode: true });
      const critical = f.verdicts.filter((v) => v.severity === 'critical');
      expect(critical.length).to.be.greaterThan(0);
      for (const v of critical) expect(v.path).to.equal('extra/optimizer.pkl');
      expect(critical.map((v) => v.message).join(' ')).to.include('os.getcwd');
    });

    it('flags the auto_map modules and their relative imports, not other .py files', async () => {
      const config = JSON.parse(readFileSync(join(dir, 'model', 'config.json'), 'utf8')) as Record<string, unknown>;
      config.auto_map = { AutoConfig: 'configuration_tiny.TinyConfig', AutoModelForCausalLM: 'modeling_tiny.TinyModel', AutoModel: 'other/repo--modeling_x.X' };
      writeFileSync(join(dir, 'model', 'config.json'), JSON.stringify(config, null, 2));
      writeFileSync(join(dir, 'model', 'configuration_tiny.py'), 'class TinyConfig:\n    pass\n');
      writeFileSync(join(dir, 'model', 'modeling_tiny.py'), 'from .layers_tiny import Block\n\nclass TinyModel:\n    pass\n');
      writeFileSync(join(dir, 'model', 'layers_tiny.py'), 'class Block:\n    pass\n');
      writeFileSync(join(dir, 'model', 'train.py'), 'print("modelvet")\n');
      const f = await facts(join(dir, 'model'));
      const code = f.files.filter((x) => x.role === 'code').map((x) => [x.path, x.executesCode ?? false]);
      expect(code).to.deep.equal([
        ['configuration_tiny.py', true],
        ['layers_tiny.py', true],
        ['modeling_tiny.py', true],
        ['train.py', false],
      ]);
    });

    it('leaves out findings about files outside the model folder (an expired suppression in the config)', async () => {
      const configFile = join(cwd, 'modelvet.config.json');
      writeFileSync(configFile, JSON.stringify({ rules: { 'format/unrecognized': 'low' }, suppressions: [{ rule: 'format/unrecognized', path: 'nothing-here', reason: 'expired on purpose', until: '2000-01-01' }] }));
      try {
        const local = await prepare({ cwd });
        const source = await localFactSource(join(dir, 'model'), { cwd, prepared: local, threads: 1 });
        const report = await scan({ cwd, paths: [join(dir, 'model')], prepared: local });
        // The scan itself reports the expired suppression, on the config file.
        expect(report.findings.some((x) => x.ruleId === 'config/suppression-expired' && x.path === configFile)).to.equal(true);
        const f = await extractFacts(source);
        expect(f.verdicts.filter((v) => v.ruleId === 'format/unrecognized').map((v) => v.severity)).to.include('low');
        expect(f.verdicts.some((v) => v.ruleId === 'config/suppression-expired')).to.equal(false);
        for (const v of f.verdicts) expect(f.files.map((x) => x.path)).to.include(v.path.split('!')[0]);
      } finally {
        rmSync(configFile);
      }
    });
  });

  it('a BOM being written into the model folder is not part of the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-out-'));
    try {
      cpSync(BARE, join(dir, 'model'), { recursive: true });
      writeFileSync(join(dir, 'model', 'bom.cdx.json'), '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [');
      const f = await extractFacts(await localFactSource(join(dir, 'model'), { cwd, prepared, threads: 1, exclude: [join(dir, 'model', 'bom.cdx.json')] }));
      expect(f.files.map((x) => x.path)).to.deep.equal(['model.safetensors']);
      expect(f.verdicts.filter((v) => v.path === 'bom.cdx.json')).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a cache folder of several repos is a usage error: one snapshot is one model', async () => {
    let error: Error | undefined;
    await localFactSource(join(BOM, 'hf-cache'), { cwd, prepared }).catch((e: Error) => (error = e));
    expect(error?.name).to.equal('UsageError');
    expect(error?.message).to.match(/is a Hugging Face cache of several repos/);
  });

  it('a missing path is a usage error', async () => {
    let error: Error | undefined;
    await localFactSource(join(cwd, 'no-such-model'), { cwd, prepared }).catch((e: Error) => (error = e));
    expect(error?.name).to.equal('UsageError');
    expect(error?.message).to.match(/^no such file or folder: /);
  });
});
