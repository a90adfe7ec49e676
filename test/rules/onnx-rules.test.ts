import { expect } from 'chai';
import type { OnnxArtifact, OnnxInfo } from '../../src/parsers/onnx/types.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import customOperator from '../../src/rules/onnx/custom-operator.js';
import { loadOnnxDomains } from '../../src/rules/onnx/domains.js';
import externalDataEscape from '../../src/rules/onnx/external-data-escape.js';
import externalDataInvalid from '../../src/rules/onnx/external-data-invalid.js';
import externalDataUnknownKey from '../../src/rules/onnx/external-data-unknown-key.js';
import { RULES } from '../../src/rules/onnx/index.js';
import malformed from '../../src/rules/onnx/malformed.js';
import runtimeOperator from '../../src/rules/onnx/runtime-operator.js';
import type { Anomaly } from '../../src/types.js';

const tester = new RuleTester();

function onnx(parts: Partial<OnnxInfo> = {}, anomalies: Anomaly[] = []): OnnxArtifact {
  return {
    path: 'model.onnx',
    format: 'onnx',
    size: 1000,
    anomalies,
    children: [],
    onnx: { opsets: [{ domain: '', version: 17 }], operators: [], functions: [], externalData: [], nodeCount: 0, metadata: [], ...parts },
  };
}
const ops = (...pairs: Array<[string, string, number?]>): OnnxInfo['operators'] => pairs.map(([domain, opType, count]) => ({ domain, opType, count: count ?? 1 }));

tester.run('onnx/custom-operator', customOperator, {
  valid: [
    { name: 'standard domains, ai.onnx alias included', artifact: onnx({ operators: ops(['', 'Relu'], ['ai.onnx', 'Add'], ['ai.onnx.ml', 'TreeEnsembleClassifier'], ['ai.onnx.preview.training', 'Gradient']) }) },
    { name: "onnxruntime's contrib domain is the other rule", artifact: onnx({ operators: ops(['com.microsoft', 'FusedMatMul']) }) },
    { name: 'a model-local function in its own domain', artifact: onnx({ operators: ops(['com.acme', 'Double']), functions: [{ domain: 'com.acme', name: 'Double' }] }) },
  ],
  invalid: [
    {
      name: 'a custom domain, ops listed',
      artifact: onnx({ operators: ops(['com.modelvet.test', 'Exfiltrate', 2], ['', 'Relu'], ['com.modelvet.test', 'Other']) }),
      findings: [
        {
          severity: 'medium',
          message: "loading needs a custom-op library for domain 'com.modelvet.test' (Exfiltrate, Other), whose native code runs in the loading process",
          evidence: { domain: 'com.modelvet.test', nodes: 3 },
        },
      ],
    },
    {
      name: 'a function of that name in another domain does not cover the op',
      artifact: onnx({ operators: ops(['com.acme', 'Double']), functions: [{ domain: 'com.other', name: 'Double' }] }),
      findings: [{ severity: 'medium', message: /'com\.acme' \(Double\)/ }],
    },
  ],
});

tester.run('onnx/runtime-operator', runtimeOperator, {
  valid: [{ name: 'standard ops', artifact: onnx({ operators: ops(['', 'MatMul']) }) }],
  invalid: [
    {
      name: 'com.microsoft contrib ops',
      artifact: onnx({ operators: ops(['com.microsoft', 'FusedMatMul'], ['com.microsoft', 'Attention', 12]) }),
      findings: [{ severity: 'info', message: "the model needs onnxruntime for its 'com.microsoft' operators (FusedMatMul, Attention); other runtimes refuse to load it", evidence: { runtime: 'onnxruntime', nodes: 13 } }],
    },
  ],
});

const anomaly = (code: string, message = `${code} happened`): Anomaly => ({ code, message });

tester.run('onnx/external-data-escape', externalDataEscape, {
  valid: [{ name: 'invalid data is the other rule', artifact: onnx({}, [anomaly('onnx/external-missing')]) }],
  invalid: [
    {
      name: 'absolute, climbing and symlinked locations',
      artifact: onnx({}, [anomaly('onnx/external-absolute', 'abs'), anomaly('onnx/external-escape', 'esc'), { code: 'onnx/external-symlink', message: 'link', detail: { link: 'evil.bin', target: '/dev/null' } }]),
      findings: [
        { severity: 'critical', message: 'abs' },
        { severity: 'critical', message: 'esc' },
        { severity: 'critical', message: 'link', evidence: { code: 'onnx/external-symlink', target: '/dev/null' } },
      ],
    },
  ],
});

tester.run('onnx/external-data-invalid', externalDataInvalid, {
  valid: [{ name: 'an unknown key is the other rule', artifact: onnx({}, [anomaly('onnx/external-unknown-key')]) }],
  invalid: [
    {
      name: 'each way external data fails to load',
      artifact: onnx({}, ['missing', 'not-file', 'out-of-range', 'bad-number', 'no-location', 'hardlink'].map((c) => anomaly(`onnx/external-${c}`))),
      findings: ['missing', 'not-file', 'out-of-range', 'bad-number', 'no-location', 'hardlink'].map((c) => ({ severity: 'high' as const, message: `onnx/external-${c} happened` })),
    },
  ],
});

tester.run('onnx/external-data-unknown-key', externalDataUnknownKey, {
  valid: [{ name: 'no anomalies', artifact: onnx() }],
  invalid: [{ name: 'an extra key', artifact: onnx({}, [anomaly('onnx/external-unknown-key', 'key')]), findings: [{ severity: 'medium', message: 'key' }] }],
});

tester.run('onnx/malformed', malformed, {
  valid: [{ name: 'escapes are the other rule', artifact: onnx({}, [anomaly('onnx/external-escape')]) }],
  invalid: [
    {
      name: 'truncated, invalid, empty, too deep, too big, no opset',
      artifact: onnx({}, ['truncated', 'malformed', 'no-graph', 'depth-limit', 'size-limit', 'no-opset'].map((c) => anomaly(`onnx/${c}`))),
      findings: ['truncated', 'malformed', 'no-graph', 'depth-limit', 'size-limit', 'no-opset'].map((c) => ({ severity: 'high' as const, message: `${c.endsWith('-limit') ? 'not fully analysed: ' : ''}onnx/${c} happened` })),
    },
  ],
});

describe('onnx rules: metadata and policy data', () => {
  it('every rule has an id in the family, docs with description, example and fix, and applies to ONNX', () => {
    for (const r of RULES) {
      expect(r.meta.id).to.match(/^onnx\/[a-z-]+$/);
      expect(r.meta.docs.description.length).to.be.greaterThan(40);
      expect(r.meta.docs.example).to.not.equal('');
      expect(r.meta.docs.fix).to.not.equal('');
      expect(r.meta.appliesTo).to.deep.equal(['onnx']);
    }
  });

  it('policy/onnx-domains.json lists the standard domains and the runtime ones', () => {
    const policy = loadOnnxDomains();
    expect([...policy.standard]).to.have.members(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training']);
    expect(policy.runtime.get('com.microsoft')?.runtime).to.equal('onnxruntime');
    for (const d of policy.runtime.keys()) expect(policy.standard.has(d), d).to.equal(false);
  });

  it('a policy file of another kind stops loudly', () => {
    expect(() => loadOnnxDomains(new URL('../../policy/tensorflow-ops.json', import.meta.url))).to.throw(/invalid policy file .*not an onnx-domains file/);
  });
});
