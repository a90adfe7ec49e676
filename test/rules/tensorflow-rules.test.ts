import { expect } from 'chai';
import type { SavedModelArtifact, SavedModelInfo, SavedModelOpUse, TfInput } from '../../src/parsers/tensorflow/types.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import dangerousOp from '../../src/rules/tensorflow/dangerous-op.js';
import { DANGEROUS_OPS } from '../../src/rules/tensorflow/dangerous-ops.js';
import { RULES } from '../../src/rules/tensorflow/index.js';
import malformed from '../../src/rules/tensorflow/malformed.js';
import { loadTfOpSet } from '../../src/rules/tensorflow/op-set.js';
import unknownOp from '../../src/rules/tensorflow/unknown-op.js';
import type { Anomaly } from '../../src/types.js';

const tester = new RuleTester();

interface Use {
  op: string;
  scope?: string;
  attrs?: SavedModelOpUse['attrs'];
  inputs?: TfInput[];
  count?: number;
}

function tf(uses: Use[], parts: Partial<SavedModelInfo> = {}, anomalies: Anomaly[] = []): SavedModelArtifact {
  const counts = new Map<string, number>();
  for (const u of uses) counts.set(u.op, (counts.get(u.op) ?? 0) + (u.count ?? 1));
  const byOp = new Map<string, SavedModelOpUse[]>();
  uses.forEach((u, i) => byOp.set(u.op, [...(byOp.get(u.op) ?? []), { scope: u.scope ?? 'function f', node: `n${i}`, attrs: u.attrs ?? [], inputs: u.inputs ?? [] }]));
  return {
    path: 'm/saved_model.pb',
    format: 'tf-savedmodel',
    size: 1000,
    anomalies,
    children: [],
    savedModel: {
      kind: 'saved-model',
      metaGraphCount: 1,
      tags: [['serve']],
      ops: [...counts].map(([op, count]) => ({ op, count })),
      functionCount: 1,
      functionCalls: 0,
      assetFiles: [],
      opUses: [...byOp].map(([op, u]) => ({ op, uses: u })),
      kerasObjects: 0,
      ...parts,
    },
  };
}
const str = (...values: string[]): TfInput => ({ kind: 'const', values });
const arg: TfInput = { kind: 'arg', name: 'file_prefix' };
const computed: TfInput = { kind: 'node', op: 'StringJoin' };

tester.run('tensorflow/dangerous-op', dangerousOp, {
  valid: [
    {
      name: 'what every SavedModel has: savers fed by their placeholder',
      artifact: tf([
        { op: 'SaveV2', inputs: [computed, str('w'), str('')] },
        { op: 'RestoreV2', inputs: [arg, str('w'), str('')] },
        { op: 'MergeV2Checkpoints', inputs: [computed, arg] },
        { op: 'ShardedFilename', inputs: [computed, str()] },
        { op: 'StringJoin', inputs: [arg, str('_temp/part')] },
        { op: 'MatMul' },
      ]),
    },
    { name: 'a TF1 saver with a relative default file name', artifact: tf([{ op: 'SaveSlices', inputs: [str('model'), str('w')] }]) },
    { name: 'tf.print to stderr', artifact: tf([{ op: 'PrintV2', attrs: [{ name: 'output_stream', values: ['stderr'] }] }]) },
    { name: 'a Debug op without debug_urls', artifact: tf([{ op: 'DebugIdentity', attrs: [{ name: 'tensor_name', values: ['x:0'] }] }]) },
    { name: 'decode_proto with the built-in descriptor pool or inline bytes', artifact: tf([{ op: 'DecodeProtoV2', attrs: [{ name: 'descriptor_source', values: ['local://'] }] }, { op: 'EncodeProto', attrs: [{ name: 'descriptor_source', values: ['bytes://\n\u0003abc'] }] }]) },
    { name: 'a vocabulary table fed from assets', artifact: tf([{ op: 'InitializeTableFromTextFileV2', inputs: [arg, arg] }], { assetFiles: ['vocab.txt'] }) },
    { name: 'a TF1 vocabulary asset tensor', artifact: tf([{ op: 'InitializeTableFromTextFileV2', inputs: [computed, { kind: 'asset', file: 'vocab.txt' }] }], { assetFiles: ['vocab.txt'] }) },
    { name: 'a vocabulary file relative to the model', artifact: tf([{ op: 'InitializeTableFromTextFileV2', inputs: [arg, str('assets/vocab.txt')] }]) },
    { name: 'an in-memory cache', artifact: tf([{ op: 'CacheDatasetV2', inputs: [computed, str('')] }]) },
  ],
  invalid: [
    {
      name: 'Python callbacks are critical',
      artifact: tf([{ op: 'EagerPyFunc', attrs: [{ name: 'token', values: ['pyfunc_0'] }] }, { op: 'PyFunc', count: 3 }]),
      findings: [
        { severity: 'critical', message: /^the model's graph runs EagerPyFunc in function f, which calls back into the Python interpreter .*; it names 'pyfunc_0'$/ },
        { severity: 'critical', message: /runs PyFunc/, evidence: { op: 'PyFunc', nodes: 3 } },
      ],
    },
    {
      name: 'reading, listing and writing files is high, with the paths named',
      artifact: tf([{ op: 'ReadFile', inputs: [str('/dev/null')] }, { op: 'MatchingFiles', inputs: [str('/home/*')] }, { op: 'WriteFile', inputs: [arg, computed] }, { op: 'TFRecordDataset', inputs: [str('data.tfrecord')] }]),
      findings: [
        { severity: 'high', message: "the model's graph runs ReadFile in function f, which reads or memory-maps a file named in the graph; it names '/dev/null'" },
        { severity: 'high', message: /MatchingFiles .*'\/home\/\*'/ },
        { severity: 'high', message: "the model's graph runs WriteFile in function f, which writes a file at a path the graph chooses" },
        { severity: 'high', message: /TFRecordDataset/ },
      ],
    },
    {
      name: 'tf.print to a file, Debug ops with URLs, RPC',
      artifact: tf([
        { op: 'PrintV2', attrs: [{ name: 'output_stream', values: ['file:///tmp/log'] }] },
        { op: 'DebugIdentityV2', attrs: [{ name: 'debug_urls', values: ['grpc://evil:1'] }] },
        { op: 'RpcClient', inputs: [str('evil:50051')] },
      ]),
      findings: [
        { severity: 'high', message: /PrintV2 .*'file:\/\/\/tmp\/log'/ },
        { severity: 'high', message: /DebugIdentityV2 .*'grpc:\/\/evil:1'/ },
        { severity: 'high', message: /RpcClient .*gRPC/ },
      ],
    },
    {
      name: 'savers and vocabulary files pointed outside the model by a constant',
      artifact: tf([
        { op: 'SaveV2', inputs: [str('/tmp/stolen'), str('w'), str('')] },
        { op: 'RestoreV2', inputs: [str('../../ckpt'), str('w'), str('')] },
        { op: 'InitializeTableFromTextFileV2', inputs: [arg, str('/etc/passwd')] },
        { op: 'CacheDatasetV2', inputs: [computed, str('gs://bucket/cache')] },
      ]),
      findings: [
        { severity: 'high', message: /SaveV2 .*'\/tmp\/stolen'/ },
        { severity: 'high', message: /RestoreV2 .*'\.\.\/\.\.\/ckpt'/ },
        { severity: 'high', message: /InitializeTableFromTextFileV2 .*'\/etc\/passwd'/ },
        { severity: 'high', message: /CacheDatasetV2 .*'gs:\/\/bucket\/cache'/ },
      ],
    },
    {
      name: 'a vocabulary file from a computed path in a SavedModel without assets',
      artifact: tf([{ op: 'InitializeTableFromTextFileV2', inputs: [arg, arg] }]),
      findings: [{ severity: 'medium', message: /computed at run time while the SavedModel ships no assets/ }],
    },
    {
      name: 'decode_proto reading a descriptor file',
      artifact: tf([{ op: 'DecodeProtoV2', attrs: [{ name: 'descriptor_source', values: ['/etc/descriptors.bin'] }] }]),
      findings: [{ severity: 'high', message: /DecodeProtoV2 .*'\/etc\/descriptors\.bin'/ }],
    },
  ],
});

tester.run('tensorflow/unknown-op', unknownOp, {
  valid: [{ name: 'stock ops', artifact: tf([{ op: 'MatMul' }, { op: 'StatefulPartitionedCall' }, { op: 'PyFunc' }]) }],
  invalid: [
    {
      name: 'an op TensorFlow does not register',
      artifact: tf([{ op: 'MatMul' }, { op: 'ModelvetCustomOp', count: 7 }]),
      findings: [{ severity: 'medium', message: /^the graph uses op 'ModelvetCustomOp' \(7 nodes\), which TensorFlow 2\.21\.0 does not register: loading needs a custom kernel library/ }],
    },
    {
      name: 'many unknown ops: twenty named, the rest summed up',
      artifact: tf(Array.from({ length: 23 }, (_, i) => ({ op: `Custom${i}` }))),
      findings: [...Array.from({ length: 20 }, (_, i) => ({ message: new RegExp(`'Custom${i}' `) })), { message: /uses 3 more ops/, evidence: { count: 3 } }],
    },
  ],
});

tester.run('tensorflow/malformed', malformed, {
  valid: [{ name: 'no anomalies', artifact: tf([]) }],
  invalid: [
    {
      name: 'each parser problem',
      artifact: tf([], {}, ['truncated', 'malformed', 'depth-limit', 'size-limit', 'no-meta-graph', 'bad-keras-metadata'].map((c) => ({ code: `tensorflow/${c}`, message: c }))),
      findings: ['truncated', 'malformed', 'depth-limit', 'size-limit', 'no-meta-graph', 'bad-keras-metadata'].map((c) => ({ severity: 'high' as const, message: c.endsWith('-limit') ? `not fully analysed: ${c}` : c })),
    },
  ],
});

describe('tensorflow rules: metadata and data tables', () => {
  const registry = loadTfOpSet();

  it('every dangerous op is an op TensorFlow registers, listed once, with a reason and a source', () => {
    const seen = new Set<string>();
    for (const entry of DANGEROUS_OPS) {
      expect(entry.does.length).to.be.greaterThan(10);
      expect(entry.source.length).to.be.greaterThan(5);
      for (const op of entry.ops) {
        expect(registry.ops.has(op), `${op} is not a TensorFlow ${registry.tensorflowVersion} op`).to.equal(true);
        expect(seen.has(op), `${op} listed twice`).to.equal(false);
        seen.add(op);
      }
    }
    expect(seen.has('StringJoin')).to.equal(false);
  });

  it('policy/tensorflow-ops.json is sorted and comes from a real TensorFlow', () => {
    const ops = [...registry.ops];
    expect(ops.length).to.be.greaterThan(1500);
    expect(ops).to.deep.equal([...ops].sort());
    expect(registry.tensorflowVersion).to.match(/^2\.\d+\.\d+$/);
  });

  it('every rule has an id in the family and full docs', () => {
    for (const r of RULES) {
      expect(r.meta.id).to.match(/^tensorflow\/[a-z-]+$/);
      expect(r.meta.docs.description.length).to.be.greaterThan(40);
      expect(r.meta.docs.fix).to.not.equal('');
      expect(r.meta.appliesTo).to.deep.equal(['tf-savedmodel']);
    }
  });
});
