/**
 * Hand-built `BomFacts` for the writer tests: one model with every kind of fact (a Hub repo pinned
 * to a commit, a card with licence, datasets, metrics, base models, a chat template, custom code and
 * findings), and one bare folder (no card, no identity, a file without a hash).
 */
import { createHash } from 'node:crypto';
import type { BomFacts } from '../../../src/bom/types.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

export const COMMIT = '0123456789abcdef0123456789abcdef01234567';
export const BASE_COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';
export const TEMPLATE_TEXT = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}";

export const FILE_SHA = {
  weights: sha('model.safetensors bytes'),
  config: sha('config.json bytes'),
  tokenizerConfig: sha('tokenizer_config.json bytes'),
  readme: sha('README.md bytes'),
  code: sha('modeling_tiny.py bytes'),
  pickle: sha('training_args.bin bytes'),
};

export function fullFacts(): BomFacts {
  return {
    model: {
      name: 'acme/tiny-chat',
      repo: 'acme/tiny-chat',
      commit: COMMIT,
      purl: `pkg:huggingface/acme/tiny-chat@${COMMIT}`,
      source: 'hub',
      endpoint: 'https://huggingface.co',
      supplier: 'acme',
      description: 'A tiny chat model for tests.',
    },
    licenses: [{ kind: 'spdx', expression: 'Apache-2.0', declared: 'apache-2.0' }],
    task: 'text-generation',
    architecture: 'GPT2LMHeadModel',
    architectureFamily: 'gpt2',
    libraryName: 'transformers',
    languages: ['fr', 'en'],
    tags: ['arxiv:2106.09685', 'text-generation', 'doi:10.57967/hf/0001'],
    parameterCount: { value: 124_439_808, source: 'model.safetensors' },
    hyperparameters: [
      { key: 'vocab_size', value: '50257', source: 'config.json' },
      { key: 'context_length', value: '1024', source: 'config.json' },
      { key: 'tokenizer_class', value: 'GPT2Tokenizer', source: 'tokenizer_config.json' },
    ],
    datasets: [
      { name: 'acme/chat-corpus', hubId: 'acme/chat-corpus', role: 'training' },
      { name: 'wikitext', hubId: 'wikitext', url: 'https://huggingface.co/datasets/wikitext', role: 'training' },
      { name: 'acme/eval-suite', hubId: 'acme/eval-suite', role: 'evaluation' },
    ],
    metrics: [
      { type: 'accuracy', value: '0.71', name: 'Accuracy', task: 'text-generation', dataset: { name: 'Acme Eval', hubId: 'acme/eval-suite', config: 'main', split: 'test' } },
      { type: 'perplexity', value: '12.5', dataset: { name: 'Acme Eval', hubId: 'acme/eval-suite', split: 'validation' } },
    ],
    ancestors: [
      { repo: 'openai-community/gpt2', relation: 'finetune', commit: BASE_COMMIT, source: 'card' },
      { repo: 'acme/tiny-base', relation: 'adapter', source: 'adapter_config' },
    ],
    chatTemplates: [{ name: 'default', file: 'tokenizer_config.json', sha256: sha(TEMPLATE_TEXT) }],
    files: [
      { path: 'model.safetensors', size: 4096, sha256: FILE_SHA.weights, sha256Source: 'hub-lfs', format: 'safetensors', role: 'weights' },
      { path: 'config.json', size: 812, sha256: FILE_SHA.config, sha256Source: 'local', role: 'config' },
      { path: 'tokenizer_config.json', size: 640, sha256: FILE_SHA.tokenizerConfig, sha256Source: 'local', role: 'tokenizer' },
      { path: 'README.md', size: 2048, sha256: FILE_SHA.readme, sha256Source: 'local', role: 'card' },
      { path: 'modeling_tiny.py', size: 300, sha256: FILE_SHA.code, sha256Source: 'local', role: 'code', executesCode: true },
      { path: 'training_args.bin', size: 128, sha256: FILE_SHA.pickle, sha256Source: 'hub-lfs', format: 'pytorch-zip', role: 'other', executesCode: true },
    ],
    verdicts: [
      { ruleId: 'pickle/dangerous-global', severity: 'critical', path: 'training_args.bin!archive/data.pkl', message: 'loading calls os.system' },
      { ruleId: 'code/trust-remote-code', severity: 'high', path: 'modeling_tiny.py', message: 'loading runs this file with trust_remote_code' },
      { ruleId: 'hub/stats', severity: 'info', path: '', message: 'scanned 6 files' },
    ],
    tool: { name: 'modelvet', version: '0.1.0' },
  };
}

/** A folder on disk: its name only, no card, one file without a hash. */
export function minimalFacts(): BomFacts {
  return {
    model: { name: 'my-model', source: 'folder' },
    licenses: [],
    languages: [],
    tags: [],
    hyperparameters: [],
    datasets: [],
    metrics: [],
    ancestors: [],
    chatTemplates: [],
    files: [
      { path: 'model.safetensors', size: 4096, sha256: FILE_SHA.weights, sha256Source: 'local', format: 'safetensors', role: 'weights' },
      { path: 'notes/extra.bin', size: 10, role: 'other' },
    ],
    verdicts: [],
    tool: { name: 'modelvet', version: '0.1.0' },
  };
}
