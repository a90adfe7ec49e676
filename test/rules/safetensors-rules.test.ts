import { expect } from 'chai';
import { CODES } from '../../src/parsers/safetensors/codes.js';
import type { SafetensorsArtifact, SafetensorsIndexArtifact } from '../../src/parsers/safetensors/types.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import { RULES } from '../../src/rules/safetensors/index.js';
import indexMismatch from '../../src/rules/safetensors/index-mismatch.js';
import malformed from '../../src/rules/safetensors/malformed.js';
import prototypeTensorName from '../../src/rules/safetensors/prototype-tensor-name.js';
import shardPathEscape from '../../src/rules/safetensors/shard-path-escape.js';
import type { Anomaly } from '../../src/types.js';

const tester = new RuleTester();

function st(anomalies: Anomaly[] = []): SafetensorsArtifact {
  return {
    path: 'model.safetensors',
    format: 'safetensors',
    size: 100,
    anomalies,
    children: [],
    safetensors: { headerLength: 64, tensorCount: 1, dtypes: ['F32'], metadata: Object.create(null) as Record<string, string>, tensors: [], dataLength: 28 },
  };
}

function idx(anomalies: Anomaly[] = []): SafetensorsIndexArtifact {
  return {
    path: 'model.safetensors.index.json',
    format: 'safetensors-index',
    size: 300,
    anomalies,
    children: [],
    safetensorsIndex: { shards: ['model-00001-of-00002.safetensors'], tensorCount: 3, shardCheck: 'checked' },
  };
}

const a = (code: string, message: string, offset?: number): Anomaly => ({ code, message, ...(offset !== undefined ? { offset } : {}) });

tester.run('safetensors/malformed', malformed, {
  valid: [
    { name: 'a clean file', artifact: st() },
    { name: 'the __proto__ advice is another rule', artifact: st([a(CODES.prototypeName, 'a tensor is named "__proto__"')]) },
    { name: 'index mismatches are another rule', artifact: idx([a(CODES.shardMissing, 'missing'), a(CODES.shardPathEscape, 'escape'), a(CODES.totalSizeMismatch, 'size')]) },
    { name: "other families' anomalies", artifact: st([a('zip/truncated', 'x')]) },
  ],
  invalid: [
    {
      name: 'a size mismatch, located',
      artifact: st([a(CODES.sizeMismatch, 'tensor "w" has F32 shape [2, 3], which needs 24 bytes, but its data_offsets [0, 16] span 16, so safetensors refuses to load the file', 94)]),
      findings: [{ severity: 'high', message: /tensor "w" has F32 shape \[2, 3\], which needs 24 bytes/, evidence: { code: CODES.sizeMismatch } }],
    },
    {
      name: 'a duplicate key and an over-limit header',
      artifact: st([a(CODES.duplicateKey, 'tensor "a" appears twice'), a(CODES.headerOverLimit, 'not analysed')]),
      findings: [{ severity: 'high', message: /appears twice/ }, { severity: 'high', message: 'not fully analysed: not analysed' }],
    },
    {
      name: 'an index that is not JSON',
      artifact: idx([a(CODES.indexInvalid, 'the index is not valid JSON')]),
      findings: [{ severity: 'high', message: /not valid JSON/ }],
    },
  ],
});

tester.run('safetensors/shard-path-escape', shardPathEscape, {
  valid: [{ name: 'a clean index', artifact: idx() }, { name: 'a missing shard is not an escape', artifact: idx([a(CODES.shardMissing, 'missing')]) }],
  invalid: [
    {
      name: 'a ../ shard',
      artifact: idx([a(CODES.shardPathEscape, 'the index maps 2 tensors to "../x.safetensors" … (path escapes the model folder)', 177)]),
      findings: [{ severity: 'critical', message: /path escapes the model folder/, evidence: { code: CODES.shardPathEscape } }],
    },
  ],
});

tester.run('safetensors/index-mismatch', indexMismatch, {
  valid: [{ name: 'a clean index', artifact: idx() }, { name: 'malformed index JSON is the malformed rule', artifact: idx([a(CODES.indexInvalid, 'x')]) }],
  invalid: [
    {
      name: 'missing shard and missing tensor are high; unlisted tensors and total_size are medium',
      artifact: idx([
        a(CODES.shardMissing, 'the index maps 1 tensor to shard "b", which is not in the folder'),
        a(CODES.tensorNotInShard, 'does not hold ("lm_head.weight")'),
        a(CODES.tensorInTwoShards, 'also holds 1 tensor the index maps to other shards'),
        a(CODES.unmappedTensor, 'holds 1 tensor the index does not list'),
        a(CODES.totalSizeMismatch, "the index's total_size is 1000 bytes"),
        a(CODES.shardPathUnusual, 'contains a backslash'),
      ]),
      findings: [
        { severity: 'high', message: /not in the folder/ },
        { severity: 'high', message: /does not hold/ },
        { severity: 'high', message: /other shards/ },
        { severity: 'medium', message: /does not list/ },
        { severity: 'medium', message: /total_size/ },
        { severity: 'high', message: /backslash/ },
      ],
    },
  ],
});

tester.run('safetensors/prototype-tensor-name', prototypeTensorName, {
  valid: [{ name: 'a clean file', artifact: st() }],
  invalid: [{ name: 'a __proto__ tensor', artifact: st([a(CODES.prototypeName, 'a tensor is named "__proto__"', 9)]), findings: [{ severity: 'low', message: /__proto__/ }] }],
});

describe('safetensors rules', () => {
  it('every anomaly code falls to exactly one rule', () => {
    for (const code of Object.values(CODES)) {
      // check() is called directly: which format a rule applies to is not the question here.
      const artifact = st([a(code, 'm')]);
      const claimed = RULES.filter((r) => [...r.check({ artifact, root: artifact, ancestors: [], settings: { allowedGlobals: [], trustedPublishers: [] } })].length > 0);
      expect(claimed.map((r) => r.meta.id), code).to.have.length(1);
    }
  });

  it('documents every rule', () => {
    for (const rule of RULES) {
      expect(rule.meta.id).to.match(/^safetensors\/[a-z-]+$/);
      expect(rule.meta.docs.description.length).to.be.greaterThan(40);
      expect(rule.meta.docs.example).to.not.equal('');
      expect(rule.meta.docs.fix).to.not.equal('');
    }
  });
});
