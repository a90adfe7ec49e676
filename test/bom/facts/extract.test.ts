import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extractFacts } from '../../../src/bom/facts/index.js';
import { frontMatter } from '../../../src/bom/facts/card.js';
import { memorySource, safetensorsBytes, sha256 } from './memory-source.js';

const GGUF_FILE = fileURLToPath(new URL('../../fixtures/bom/gguf/tiny-llama-Q8_0.gguf', import.meta.url));
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const card = (yaml: string, body = '# model\n'): string => `---\n${yaml}\n---\n${body}`;

/** The fixture GGUF with `general.file_type` set to another value (a second quantisation of the same model). */
function ggufWithFileType(fileType: number): Buffer {
  const bytes = Buffer.from(readFileSync(GGUF_FILE));
  const at = bytes.indexOf('general.file_type') + 'general.file_type'.length;
  expect(bytes.readUInt32LE(at), 'value type u32').to.equal(4);
  bytes.writeUInt32LE(fileType, at + 4);
  return bytes;
}

describe('BOM facts: extraction from a FactSource', () => {
  describe('the model card', () => {
    it('no front matter, broken YAML, an alias bomb or a non-map document give no card facts, and no error', async () => {
      const bomb = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\nlicense: mit';
      for (const readme of ['# just a title\nlicense: mit\n', card('license: [mit'), card(bomb), card('- license\n- mit'), '---\nlicense: mit\n', card('license: mit\nlicense: apache-2.0\n  bad: indent')]) {
        const f = await extractFacts(memorySource({ files: { 'README.md': readme } }));
        expect(f.licenses, readme).to.deep.equal([]);
        expect(f.files.map((x) => x.role)).to.deep.equal(['card']);
      }
    });

    it('reads front matter with CRLF line ends and a byte order mark', async () => {
      const f = await extractFacts(memorySource({ files: { 'README.md': '\uFEFF---\r\nlicense: mit\r\npipeline_tag: fill-mask\r\n---\r\nbody' } }));
      expect(f.licenses).to.deep.equal([{ kind: 'spdx', expression: 'MIT', declared: 'mit' }]);
      expect(f.task).to.equal('fill-mask');
    });

    it('hostile keys stay data: no prototype is touched', async () => {
      const f = await extractFacts(memorySource({ files: { 'README.md': card('__proto__:\n  polluted: yes\nconstructor: {prototype: {polluted: yes}}\nlicense: mit\ntags: [a]') } }));
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(f.tags).to.deep.equal(['a']);
      expect(frontMatter(card('__proto__: 1'))?.get('__proto__')).to.equal(1);
    });

    it('a card larger than the cap is not read', async () => {
      const f = await extractFacts(memorySource({ files: { 'README.md': card('license: mit', 'x'.repeat(1024 * 1024 + 1)) } }));
      expect(f.licenses).to.deep.equal([]);
    });

    it('languages and tags: a single string or a list, sorted without repeats; non-strings dropped', async () => {
      const f = await extractFacts(memorySource({ files: { 'README.md': card('language: de\ntags: [zeta, alpha, zeta, 3, {x: 1}, "  "]') } }));
      expect(f.languages).to.deep.equal(['de']);
      expect(f.tags).to.deep.equal(['alpha', 'zeta']);
    });

    it('free-text dataset names carry no Hub id or URL; Hub ids do', async () => {
      const f = await extractFacts(memorySource({ files: { 'README.md': card('datasets:\n- Common Crawl\n- squad\n- org/set') }, identity: { endpoint: 'https://hub.example.org/' } }));
      expect(f.datasets).to.deep.equal([
        { name: 'Common Crawl', role: 'training' },
        { name: 'org/set', hubId: 'org/set', url: 'https://hub.example.org/datasets/org/set', role: 'training' },
        { name: 'squad', hubId: 'squad', url: 'https://hub.example.org/datasets/squad', role: 'training' },
      ]);
    });

    it('model-index: metrics without a type or a scalar value are skipped; odd shapes do not throw', async () => {
      const yaml = [
        'model-index:',
        '- name: m',
        '  results:',
        '  - task: {type: question-answering}',
        '    dataset: {type: rajpurkar/squad, split: validation}',
        '    metrics:',
        '    - {type: f1, value: 88.5}',
        '    - {type: exact_match}',
        '    - {value: 1}',
        '    - {type: em, value: [1, 2]}',
        '    - {type: em, value: "80.1%"}',
        '    - {type: f1, value: 88.5}',
        '  - results-not-a-list: 1',
        '- just a string',
        '- results: {task: 3}',
      ].join('\n');
      const f = await extractFacts(memorySource({ files: { 'README.md': card(yaml) } }));
      expect(f.metrics).to.deep.equal([
        { type: 'em', value: '80.1%', task: 'question-answering', dataset: { name: 'rajpurkar/squad', hubId: 'rajpurkar/squad', split: 'validation' } },
        { type: 'f1', value: '88.5', task: 'question-answering', dataset: { name: 'rajpurkar/squad', hubId: 'rajpurkar/squad', split: 'validation' } },
      ]);
      expect(f.datasets).to.deep.equal([{ name: 'rajpurkar/squad', hubId: 'rajpurkar/squad', url: 'https://huggingface.co/datasets/rajpurkar/squad', role: 'evaluation' }]);
    });

    it('base_model_relation outside the Hub\'s four is not a relation; invalid ids are not ancestors', async () => {
      const f = await extractFacts(memorySource({ files: { 'README.md': card('base_model: [org/a, ./local/path, "https://x.example/y", org/b]\nbase_model_relation: distilled') } }));
      expect(f.ancestors).to.deep.equal([
        { repo: 'org/a', source: 'card' },
        { repo: 'org/b', source: 'card' },
      ]);
    });
  });

  describe('adapters', () => {
    it('adapter_config.json names the base model the adapter needs, pinned when it gives a commit', async () => {
      const f = await extractFacts(memorySource({ files: { 'adapter_config.json': JSON.stringify({ peft_type: 'LORA', base_model_name_or_path: 'meta-llama/Llama-3.2-1B', revision: COMMIT.toUpperCase() }) } }));
      expect(f.ancestors).to.deep.equal([{ repo: 'meta-llama/Llama-3.2-1B', relation: 'adapter', commit: COMMIT, source: 'adapter_config' }]);
    });

    it('one ancestor per repo: the card\'s entry, with the adapter_config\'s relation and commit filled in', async () => {
      const f = await extractFacts(
        memorySource({
          files: {
            'README.md': card('base_model: org/base'),
            'adapter_config.json': JSON.stringify({ base_model_name_or_path: 'org/base', revision: COMMIT }),
          },
        }),
      );
      expect(f.ancestors).to.deep.equal([{ repo: 'org/base', relation: 'adapter', commit: COMMIT, source: 'card' }]);
    });

    it('a local path or a branch name is not a Hub ancestor or a commit', async () => {
      const local = await extractFacts(memorySource({ files: { 'adapter_config.json': JSON.stringify({ base_model_name_or_path: '/home/me/base' }) } }));
      expect(local.ancestors).to.deep.equal([]);
      const branch = await extractFacts(memorySource({ files: { 'adapter_config.json': JSON.stringify({ base_model_name_or_path: 'org/base', revision: 'main' }) } }));
      expect(branch.ancestors).to.deep.equal([{ repo: 'org/base', relation: 'adapter', source: 'adapter_config' }]);
    });
  });

  describe('chat templates in tokenizer configs', () => {
    it('a single template string is the default one', async () => {
      const text = "{{ messages[0]['content'] }}";
      const f = await extractFacts(memorySource({ files: { 'tokenizer_config.json': JSON.stringify({ chat_template: text, tokenizer_class: 'LlamaTokenizer' }) } }));
      expect(f.chatTemplates).to.deep.equal([{ name: 'default', file: 'tokenizer_config.json', sha256: sha256(text) }]);
      expect(f.hyperparameters).to.deep.equal([{ key: 'tokenizer_class', value: 'LlamaTokenizer', source: 'tokenizer_config.json' }]);
    });

    it('a named list gives each template with its name, hashed over its UTF-8 text', async () => {
      const list = [
        { name: 'default', template: '{{ "héllo" }}' },
        { name: 'rag', template: '{% for d in documents %}{{ d }}{% endfor %}' },
      ];
      const f = await extractFacts(memorySource({ files: { 'tokenizer_config.json': JSON.stringify({ chat_template: list }) } }));
      expect(f.chatTemplates).to.deep.equal(list.map((t) => ({ name: t.name, file: 'tokenizer_config.json', sha256: sha256(Buffer.from(t.template, 'utf8')) })));
    });

    it('the legacy chat_template.json counts; .jinja files elsewhere are not chat templates', async () => {
      const f = await extractFacts(
        memorySource({
          files: {
            'chat_template.json': JSON.stringify({ chat_template: '{{ x }}' }),
            'templates/page.jinja': '<html>{{ x }}</html>',
          },
        }),
      );
      expect(f.chatTemplates).to.deep.equal([{ name: 'default', file: 'chat_template.json', sha256: sha256('{{ x }}') }]);
      expect(f.files.map((x) => [x.path, x.role])).to.deep.equal([
        ['chat_template.json', 'chat-template'],
        ['templates/page.jinja', 'chat-template'],
      ]);
    });
  });

  describe('hyperparameters', () => {
    it('config.json keys by their transformers names, quant_method as the quantisation; junk values ignored', async () => {
      const config = { architectures: ['LlamaForCausalLM'], model_type: 'llama', max_position_embeddings: 8192, hidden_size: 2048, num_hidden_layers: '16', num_attention_heads: 32.5, num_key_value_heads: 8, vocab_size: -1, quantization_config: { quant_method: 'gptq', bits: 4 } };
      const f = await extractFacts(memorySource({ files: { 'config.json': JSON.stringify(config) } }));
      expect(f.architecture).to.equal('LlamaForCausalLM');
      expect(f.architectureFamily).to.equal('llama');
      expect(f.hyperparameters).to.deep.equal([
        { key: 'context_length', value: '8192', source: 'config.json' },
        { key: 'hidden_size', value: '2048', source: 'config.json' },
        { key: 'num_key_value_heads', value: '8', source: 'config.json' },
        { key: 'quantization', value: 'gptq', source: 'config.json' },
      ]);
    });

    it('a config.json that is not a JSON object gives nothing', async () => {
      for (const text of ['[1,2]', '{"architectures": ', 'null']) {
        const f = await extractFacts(memorySource({ files: { 'config.json': text } }));
        expect(f.hyperparameters).to.deep.equal([]);
        expect(f).not.to.have.property('architecture');
      }
    });

    it('GGUF quantisations of one model: the dimensions they agree on are kept, the quantisation they differ in is not', async () => {
      const q8 = readFileSync(GGUF_FILE);
      const q4 = ggufWithFileType(15);
      const both = await extractFacts(memorySource({ files: { 'model-Q8_0.gguf': q8, 'model-Q4_K_M.gguf': q4 } }));
      expect(both.hyperparameters.map((h) => h.key)).to.deep.equal(['context_length', 'hidden_size', 'num_attention_heads', 'num_hidden_layers', 'num_key_value_heads']);
      expect(both.hyperparameters.every((h) => h.source === 'model-Q4_K_M.gguf')).to.equal(true);
      // Quantisations count the same tensors: the parameter count is theirs.
      const one = await extractFacts(memorySource({ files: { 'model-Q4_K_M.gguf': q4 } }));
      expect(one.hyperparameters.find((h) => h.key === 'quantization')).to.deep.equal({ key: 'quantization', value: 'Q4_K_M', source: 'model-Q4_K_M.gguf' });
      expect(both.parameterCount?.value).to.equal(one.parameterCount?.value);
    });

    it('a vision projector beside the model is not one of its quantisations', async () => {
      const f = await extractFacts(memorySource({ files: { 'model-Q8_0.gguf': readFileSync(GGUF_FILE), 'mmproj-model-f16.gguf': ggufWithFileType(1) } }));
      expect(f.hyperparameters.find((h) => h.key === 'quantization')?.value).to.equal('Q8_0');
    });
  });

  describe('parameter count', () => {
    const shard1 = safetensorsBytes({ 'a.weight': [4, 8], 'a.bias': [4] });
    const shard2 = safetensorsBytes({ 'b.weight': [2, 3] });
    const index = JSON.stringify({ metadata: { total_size: 0 }, weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'a.bias': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } });

    it('sums the shards an index names, and does not count a consolidated copy beside them', async () => {
      const f = await extractFacts(
        memorySource({
          files: {
            'model.safetensors.index.json': index,
            'model-00001-of-00002.safetensors': shard1,
            'model-00002-of-00002.safetensors': shard2,
            'consolidated.safetensors': safetensorsBytes({ 'a.weight': [4, 8], 'a.bias': [4], 'b.weight': [2, 3] }),
          },
        }),
      );
      expect(f.parameterCount).to.deep.equal({ value: 32 + 4 + 6, source: 'model-00001-of-00002.safetensors, model-00002-of-00002.safetensors' });
    });

    it('a shard the index names that is missing or unreadable leaves the count out', async () => {
      const missing = await extractFacts(memorySource({ files: { 'model.safetensors.index.json': index, 'model-00001-of-00002.safetensors': shard1 } }));
      expect(missing).not.to.have.property('parameterCount');
      const broken = await extractFacts(memorySource({ files: { 'model.safetensors.index.json': index, 'model-00001-of-00002.safetensors': shard1, 'model-00002-of-00002.safetensors': shard2.subarray(0, 20) } }));
      expect(broken).not.to.have.property('parameterCount');
    });

    it('variants of the same weights count once; two different models in one folder count as nothing', async () => {
      const variants = await extractFacts(memorySource({ files: { 'model.safetensors': shard1, 'model.fp16.safetensors': safetensorsBytes({ 'a.weight': [4, 8], 'a.bias': [4] }, 'F16') } }));
      expect(variants.parameterCount?.value).to.equal(36);
      const different = await extractFacts(memorySource({ files: { 'model.safetensors': shard1, 'other.safetensors': shard2 } }));
      expect(different).not.to.have.property('parameterCount');
    });

    it('a pipeline\'s components in subfolders add up; deeper copies (checkpoints) do not count', async () => {
      const f = await extractFacts(
        memorySource({
          files: {
            'unet/diffusion_pytorch_model.safetensors': shard1,
            'vae/diffusion_pytorch_model.safetensors': shard2,
            'unet/checkpoint-1/diffusion_pytorch_model.safetensors': shard1,
          },
        }),
      );
      expect(f.parameterCount).to.deep.equal({ value: 42, source: 'unet/diffusion_pytorch_model.safetensors, vae/diffusion_pytorch_model.safetensors' });
      const rooted = await extractFacts(memorySource({ files: { 'model.safetensors': shard2, 'checkpoint-500/model.safetensors': shard1 } }));
      expect(rooted.parameterCount).to.deep.equal({ value: 6, source: 'model.safetensors' });
    });

    it('safetensors weights are preferred to a GGUF conversion beside them; pickles give no count', async () => {
      const f = await extractFacts(memorySource({ files: { 'model.safetensors': shard2, 'model.gguf': readFileSync(GGUF_FILE) } }));
      expect(f.parameterCount).to.deep.equal({ value: 6, source: 'model.safetensors' });
      const pickle = await extractFacts(memorySource({ files: { 'pytorch_model.bin': Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]) } }));
      expect(pickle).not.to.have.property('parameterCount');
    });
  });

  describe('files', () => {
    it('hashes only what the source hashed (a Hub file without an LFS SHA-256 has none)', async () => {
      const f = await extractFacts(memorySource({ files: { 'config.json': '{}', 'model.safetensors': safetensorsBytes({ w: [1] }) }, unhashed: ['config.json'] }));
      expect(f.files[0]).to.deep.equal({ path: 'config.json', size: 2, format: 'model-config', role: 'config' });
      expect(f.files[1]!.sha256).to.equal(sha256(safetensorsBytes({ w: [1] })));
    });

    it('roles and code flags by content: a pickle under any name, a .py file nothing imports', async () => {
      const pickle = Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);
      const f = await extractFacts(memorySource({ files: { 'weights.safetensors.bak': pickle, 'run.py': 'print(1)\n', 'vocab.txt': 'a\nb\n', 'LICENSE.md': 'MIT', 'model.sig': '{}', 'notes.txt': 'hi' } }));
      const view = Object.fromEntries(f.files.map((x) => [x.path, [x.role, x.format ?? null, x.executesCode ?? false]]));
      expect(view).to.deep.equal({
        'LICENSE.md': ['license', null, false],
        'model.sig': ['signature', 'model-signature', false],
        'notes.txt': ['other', null, false],
        'run.py': ['code', 'python-source', false],
        'vocab.txt': ['tokenizer', null, false],
        'weights.safetensors.bak': ['weights', 'pickle', true],
      });
    });
  });

  describe('identity', () => {
    it('repo and commit give the purl (commit lower-cased), the supplier and commit-pinned licence links', async () => {
      const f = await extractFacts(memorySource({ kind: 'hub', files: { 'README.md': card('license: other\nlicense_name: custom\nlicense_link: LICENSE') }, identity: { repo: 'Org/Model', commit: COMMIT.toUpperCase() } }));
      expect(f.model).to.deep.equal({ name: 'Org/Model', source: 'hub', repo: 'Org/Model', commit: COMMIT, purl: `pkg:huggingface/Org/Model@${COMMIT}`, supplier: 'Org' });
      expect(f.licenses).to.deep.equal([{ kind: 'named', name: 'custom', url: `https://huggingface.co/Org/Model/blob/${COMMIT}/LICENSE`, declared: 'other' }]);
    });

    it('no purl without a 40-hex commit; an invalid repo id is not a repo', async () => {
      const branch = await extractFacts(memorySource({ identity: { repo: 'org/model', commit: 'main' }, files: {} }));
      expect(branch.model).to.deep.equal({ name: 'org/model', source: 'folder', repo: 'org/model', supplier: 'org' });
      const bad = await extractFacts(memorySource({ identity: { repo: '../../etc', commit: COMMIT }, root: '/data/models/bert/', files: {} }));
      expect(bad.model).to.deep.equal({ name: 'bert', source: 'folder', commit: COMMIT });
    });

    it('verdicts come sorted by path, severity and rule; the timestamp only when asked for', async () => {
      const verdicts = [
        { ruleId: 'b/rule', severity: 'low' as const, path: 'b.bin', message: 'm' },
        { ruleId: 'a/rule', severity: 'critical' as const, path: 'b.bin', message: 'm' },
        { ruleId: 'z/rule', severity: 'high' as const, path: 'a.bin', message: 'm' },
      ];
      const f = await extractFacts(memorySource({ files: {}, verdicts }), { timestamp: '2026-01-02T03:04:05Z' });
      expect(f.verdicts.map((v) => v.ruleId)).to.deep.equal(['z/rule', 'a/rule', 'b/rule']);
      expect(f.timestamp).to.equal('2026-01-02T03:04:05Z');
    });
  });
});
