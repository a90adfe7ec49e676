import { readFileSync } from 'node:fs';
import { DEFAULT_ANALYSE_OPTIONS } from '../../src/engine/analyse.js';
import { analyseGguf } from '../../src/parsers/gguf/analyse.js';
import type { GgufArtifact } from '../../src/parsers/gguf/types.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import hubDivergence from '../../src/rules/gguf/hub-divergence.js';
import malformed from '../../src/rules/gguf/malformed.js';
import resourceLimit from '../../src/rules/gguf/resource-limit.js';
import { bufferReader } from '../../src/sources/readers.js';
import type { Anomaly } from '../../src/types.js';
import { buildGguf, soundSpec, V } from '../parsers/gguf/build.js';

const tester = new RuleTester();

/** Artifacts as the parser makes them: rules are tested on what users will see. */
const analysed = (bytes: Uint8Array, maxJsonBytes = DEFAULT_ANALYSE_OPTIONS.maxJsonBytes): Promise<GgufArtifact> =>
  analyseGguf(bufferReader(bytes), { path: 'm.gguf', options: { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes } });
const fixture = (kind: string, name: string): Promise<GgufArtifact> =>
  analysed(new Uint8Array(readFileSync(new URL(`../fixtures/${kind}/gguf/${name}`, import.meta.url))));

const sound = await fixture('benign', 'tiny-llama.gguf');
const bigEndian = await fixture('benign', 'tiny-llama-big-endian.gguf');
const withAnomalies = (anomalies: Anomaly[]): GgufArtifact => ({ ...sound, anomalies });
const headerCapped = await analysed(buildGguf(soundSpec()), 100);
const protoKey = await analysed(buildGguf(soundSpec({ kvs: [...soundSpec().kvs!, { key: '__proto__', type: V.STRING, value: 'hidden' }] })));

tester.run('gguf/malformed', malformed, {
  valid: [
    { name: 'a model written by gguf-py', artifact: sound },
    { name: 'the same model big-endian', artifact: bigEndian },
    { name: 'a resource limit is the other rule', artifact: headerCapped },
    { name: 'a divergence is the other rule', artifact: protoKey },
  ],
  invalid: [
    {
      name: 'n_dims 9',
      artifact: await fixture('malicious', 'tensor-ndims-9.gguf'),
      findings: [{ severity: 'high', message: /tensor token_embd\.weight has n_dims 9, above GGML_MAX_DIMS \(4\)/, evidence: { code: 'gguf/bad-n-dims', nDims: 9 } }],
    },
    {
      name: 'a string length past the end names the key and the length',
      artifact: await fixture('malicious', 'string-length-past-eof.gguf'),
      findings: [{ severity: 'high', message: /general\.name \(a string\) needs 2147483647 bytes/, evidence: { code: 'gguf/truncated' } }],
    },
    {
      name: 'a huge key-value count',
      artifact: await fixture('malicious', 'huge-kv-count.gguf'),
      findings: [{ severity: 'high', message: /declares 1099511627776 key-value pairs/, evidence: { code: 'gguf/bad-count', count: '1099511627776' } }],
    },
    {
      name: 'duplicate tensor names',
      artifact: await fixture('malicious', 'duplicate-tensor-names.gguf'),
      findings: [{ severity: 'high', message: /the tensor name blk\.0\.attn_q\.weight is duplicated/, evidence: { tensor: 'blk.0.attn_q.weight' } }],
    },
    {
      name: 'a tensor offset past the end',
      artifact: await fixture('malicious', 'tensor-offset-past-eof.gguf'),
      findings: [{ severity: 'high', message: /output_norm\.weight's 128 bytes at data offset 1099511627776 run past the end/ }],
    },
    {
      name: 'a misaligned offset (which also overlaps the next tensor)',
      artifact: await fixture('malicious', 'misaligned-tensor-offset.gguf'),
      findings: [
        { severity: 'high', message: /data offset 1025 is not aligned/, evidence: { code: 'gguf/misaligned-offset' } },
        { severity: 'high', message: /overlaps tensor blk\.0\.attn_norm\.weight's/, evidence: { code: 'gguf/overlapping-tensors' } },
      ],
    },
    {
      name: 'a chat template that is not a string',
      artifact: withAnomalies([{ code: 'gguf/template-not-string', message: 'the chat template tokenizer.chat_template is a u32, not a string' }]),
      findings: [{ severity: 'high', message: /is a u32, not a string/ }],
    },
  ],
});

tester.run('gguf/resource-limit', resourceLimit, {
  valid: [
    { name: 'a sound model', artifact: sound },
    { name: 'malformed is the other rule', artifact: await fixture('malicious', 'huge-kv-count.gguf') },
  ],
  invalid: [
    {
      name: 'a header past maxJsonBytes',
      artifact: headerCapped,
      findings: [{ severity: 'high', message: /past the first 100 bytes of header that modelvet reads/, evidence: { code: 'gguf/header-limit', limit: 100 } }],
    },
    {
      name: 'more tensors than maxArchiveMembers',
      artifact: withAnomalies([{ code: 'gguf/count-limit', message: 'the header declares 20000 tensors; modelvet reads at most 10000, so the rest of the file was not analysed' }]),
      findings: [{ severity: 'high', message: /declares 20000 tensors/ }],
    },
  ],
});

tester.run('gguf/hub-divergence', hubDivergence, {
  valid: [
    { name: 'a sound model', artifact: sound },
    { name: 'malformed files are not cross-read', artifact: await fixture('malicious', 'duplicate-kv-key.gguf') },
  ],
  invalid: [
    {
      name: 'a __proto__ key that a plain-object reader drops',
      artifact: protoKey,
      findings: [{ severity: 'high', message: /@huggingface\/gguf does not see the key "__proto__"/, evidence: { code: 'gguf/hub-divergence', key: '__proto__' } }],
    },
    {
      name: 'a header only the JavaScript reader rejects is advice',
      artifact: withAnomalies([{ code: 'gguf/hub-unreadable', message: '@huggingface/gguf rejects a header llama.cpp accepts (Metadata array length 2000000 exceeds maximum allowed (1000000))' }]),
      findings: [{ severity: 'low', message: /rejects a header llama\.cpp accepts/ }],
    },
  ],
});
