import { RuleTester } from '../../src/rules/rule-tester.js';
import lookalike from '../../src/rules/provenance/lookalike-publisher.js';
import unknown from '../../src/rules/provenance/unknown-publisher.js';
import type { Artifact, ModelRef } from '../../src/types.js';

const ref = (repo: string, extra: Partial<ModelRef> = {}): ModelRef => ({
  repo,
  repoType: 'model',
  revision: { kind: 'absent' },
  use: 'download',
  via: 'transformers.AutoModel.from_pretrained',
  location: { line: 3, column: 9 },
  ...extra,
});

const source = (...refs: ModelRef[]): Artifact => ({ path: 'train.py', format: 'unknown', size: 10, anomalies: [], children: [], modelRefs: refs });

const tester = new RuleTester();

tester.run('provenance/lookalike-publisher', lookalike, {
  valid: [
    { name: 'the genuine publisher', artifact: source(ref('meta-llama/Llama-3.1-8B')) },
    { name: 'a bare legacy name has no publisher', artifact: source(ref('gpt2')) },
    { name: 'torch.hub names a GitHub owner, not a Hub publisher', artifact: source(ref('pytorch/vision', { via: 'torch.hub.load' })) },
    { name: 'an unrelated publisher', artifact: source(ref('someuser/finetune')) },
    { name: 'a trusted publisher that happens to resemble a known one', artifact: source(ref('googl/model')), settings: { trustedPublishers: ['googl'] } },
  ],
  invalid: [
    {
      name: 'a confusable of meta-llama in code',
      artifact: source(ref('meta-1lama/Llama-3.1-8B')),
      findings: [{ severity: 'high', message: "loads meta-1lama/Llama-3.1-8B, whose publisher 'meta-1lama' imitates 'meta-llama' (only characters that read alike differ)", evidence: { resembles: 'meta-llama', kind: 'confusable' } }],
    },
    {
      name: 'one edit from a trusted publisher, in a lockfile record',
      artifact: source(ref('acme-labz/model', { use: 'record', via: 'modelvet.lock.json', location: undefined })),
      settings: { trustedPublishers: ['acme-labs'] },
      findings: [{ severity: 'high', message: "records acme-labz/model, whose publisher 'acme-labz' imitates 'acme-labs' (one edit away)" }],
    },
    {
      name: 'brand plus suffix is medium',
      artifact: source(ref('mistralai-official/Mistral-7B')),
      findings: [{ severity: 'medium', evidence: { resembles: 'mistralai', kind: 'brand-suffix' } }],
    },
    {
      name: 'each place is reported once, two places twice',
      artifact: source(ref('Qwem/Qwen2-7B'), ref('Qwem/Qwen2-7B'), ref('Qwem/Qwen2-1.5B', { location: { line: 9, column: 1 } })),
      findings: [{ severity: 'high' }, { severity: 'high' }],
    },
  ],
});

tester.run('provenance/unknown-publisher', unknown, {
  valid: [
    { name: 'a trusted publisher, compared without regard to case', artifact: source(ref('Meta-Llama/Llama-3.1-8B')), settings: { trustedPublishers: ['meta-llama'] } },
    { name: 'a look-alike is left to provenance/lookalike-publisher', artifact: source(ref('meta-1lama/x')), settings: { trustedPublishers: ['meta-llama'] } },
    { name: 'no publisher in a bare name', artifact: source(ref('bert-base-uncased')) },
  ],
  invalid: [
    {
      name: 'an untrusted publisher when a list is configured',
      artifact: source(ref('someuser/llama-finetune')),
      settings: { trustedPublishers: ['meta-llama', 'mistralai'] },
      findings: [{ severity: 'medium', message: "loads someuser/llama-finetune, from publisher 'someuser', who is not in trustedPublishers", evidence: { publisher: 'someuser' } }],
    },
    {
      name: 'info when no list is configured, even for a widely used publisher',
      artifact: source(ref('mistralai/Mistral-7B-v0.1', { repoType: 'model' })),
      findings: [{ severity: 'info', message: /no trustedPublishers are configured/ }],
    },
  ],
});
