import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { SavedModelArtifact, SavedModelOpUse } from '../../../src/parsers/tensorflow/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { ByteReader } from '../../../src/types.js';
import { countingReader } from '../onnx/build.js';
import { encodeMetadata, fn, listAttr, op, sAttr, savedModel, stringConst } from './build.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const fixture = (rel: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${rel}`));

async function tf(reader: ByteReader | Uint8Array, name = 'saved_model.pb', options = DEFAULT_ANALYSE_OPTIONS): Promise<SavedModelArtifact> {
  const a = await analyseReader(reader instanceof Uint8Array ? bufferReader(reader) : reader, `m/${name}`, 0, options);
  expect(a.format).to.equal('tf-savedmodel');
  return a as SavedModelArtifact;
}
const codes = (a: SavedModelArtifact): string[] => a.anomalies.map((x) => x.code);
const usesOf = (a: SavedModelArtifact, opName: string): SavedModelOpUse[] => a.savedModel.opUses.find((u) => u.op === opName)?.uses ?? [];
const countOf = (a: SavedModelArtifact, opName: string): number | undefined => a.savedModel.ops.find((o) => o.op === opName)?.count;

describe('tensorflow parser: SavedModels made by TensorFlow 2.21', () => {
  it('reads versions, tags, ops and functions of tf.saved_model.save(tf.Module)', async () => {
    const a = await tf(fixture('benign/tensorflow/module/saved_model.pb'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.savedModel).to.deep.include({ kind: 'saved-model', schemaVersion: 1, metaGraphCount: 1, tensorflowVersion: '2.21.0' });
    expect(a.savedModel.tags).to.deep.equal([['serve']]);
    expect(a.savedModel.ops.map((o) => o.op)).to.include.members(['MatMul', 'Relu', 'AddV2', 'ReadVariableOp', 'SaveV2', 'RestoreV2', 'StatefulPartitionedCall']);
    expect(a.savedModel.functionCount).to.be.greaterThan(2);
  });

  it('records the asset a vocabulary table is initialised from, fed as a function argument', async () => {
    const a = await tf(fixture('benign/tensorflow/vocab-table/saved_model.pb'));
    expect(a.savedModel.assetFiles).to.deep.equal(['vocab.txt']);
    const [use] = usesOf(a, 'InitializeTableFromTextFileV2');
    expect(use.scope).to.match(/^function __inference__initializer_/);
    expect(use.inputs.map((i) => i.kind)).to.deep.equal(['arg', 'arg']);
  });

  it('reads a Keras model.export() SavedModel', async () => {
    const a = await tf(fixture('benign/tensorflow/keras-export/saved_model.pb'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.savedModel.ops.map((o) => o.op)).to.include('MatMul');
  });

  it('traces ReadFile to its constant file name, and PrintV2 to its output stream', async () => {
    const read = await tf(fixture('malicious/tensorflow/read-file/saved_model.pb'));
    expect(usesOf(read, 'ReadFile')[0].inputs).to.deep.equal([{ kind: 'const', values: ['/dev/null'] }]);
    const print = await tf(fixture('malicious/tensorflow/print-to-file/saved_model.pb'));
    expect(usesOf(print, 'PrintV2')[0].attrs).to.deep.include({ name: 'output_stream', values: ['file:///dev/null'] });
  });

  it('records the py_function token', async () => {
    const a = await tf(fixture('malicious/tensorflow/py-function/saved_model.pb'));
    expect(usesOf(a, 'EagerPyFunc')[0].attrs).to.deep.include({ name: 'token', values: ['pyfunc_0'] });
  });
});

describe('tensorflow parser: hand-built SavedModels', () => {
  it('resolves inputs through Identity, tells arguments and computed values apart, drops control inputs', async () => {
    const a = await tf(
      savedModel({
        node: [stringConst('path', '/etc/passwd'), op('alias', 'Identity', ['path']), op('read', 'ReadFile', ['alias:0', '^ctrl'])],
        functions: [fn('f', ['file_prefix'], [op('j', 'StringJoin', ['file_prefix']), op('w', 'WriteFile', ['j:output:0', 'file_prefix'])])],
      }),
    );
    expect(usesOf(a, 'ReadFile')[0]).to.deep.include({ scope: 'meta graph 0', node: 'read', inputs: [{ kind: 'const', values: ['/etc/passwd'] }] });
    expect(usesOf(a, 'WriteFile')[0]).to.deep.include({ scope: 'function f', inputs: [{ kind: 'node', op: 'StringJoin' }, { kind: 'arg', name: 'file_prefix' }] });
  });

  it('knows a TF1 asset tensor: the loader feeds it the asset\'s path, whatever the exported constant says', async () => {
    const a = await tf(
      savedModel(
        { node: [stringConst('asset_path', '/home/trainer/vocab.txt'), op('init', 'InitializeTableFromTextFileV2', ['table', 'asset_path:0'])] },
        { asset_file_def: [{ tensor_info: { name: 'asset_path:0' }, filename: 'vocab.txt' }] },
      ),
    );
    expect(a.savedModel.assetFiles).to.deep.equal(['vocab.txt']);
    expect(usesOf(a, 'InitializeTableFromTextFileV2')[0].inputs).to.deep.equal([{ kind: 'unknown' }, { kind: 'asset', file: 'vocab.txt' }]);
  });

  it('counts calls of library functions apart from ops', async () => {
    const a = await tf(savedModel({ node: [op('call', 'my_fn'), op('x', 'NoOp')], functions: [fn('my_fn', [], [op('n', 'NoOp')])] }));
    expect(a.savedModel.functionCalls).to.equal(1);
    expect(a.savedModel.ops).to.deep.equal([{ op: 'NoOp', count: 2 }]);
  });

  it('keeps a few samples per op, and every use naming a path outside the model', async () => {
    const nodes = Array.from({ length: 30 }, (_, i) => [stringConst(`c${i}`, i === 25 ? '/etc/shadow' : `vocab${i}.txt`), op(`t${i}`, 'InitializeTableFromTextFileV2', ['table', `c${i}`])]).flat();
    const a = await tf(savedModel({ node: nodes }));
    const uses = usesOf(a, 'InitializeTableFromTextFileV2');
    expect(countOf(a, 'InitializeTableFromTextFileV2')).to.equal(30);
    expect(uses.map((u) => u.node)).to.deep.equal(['t0', 't1', 't2', 't25']);
  });

  it('keeps string and string-list attributes, not internal ones', async () => {
    const a = await tf(savedModel({ node: [op('d', 'DebugIdentity', ['x'], { debug_urls: listAttr('file:///tmp/dump', 'grpc://h:1'), _class: listAttr('loc:@x'), tensor_name: sAttr('x:0') })] }));
    expect(usesOf(a, 'DebugIdentity')[0].attrs).to.have.deep.members([
      { name: 'debug_urls', values: ['file:///tmp/dump', 'grpc://h:1'] },
      { name: 'tensor_name', values: ['x:0'] },
    ]);
  });

  it('skips a large Const payload without reading it', async () => {
    const big = { name: 'w', op: 'Const', attr: { value: { tensor: { dtype: 1, tensor_content: new Uint8Array(12 * 1024 * 1024) } } } };
    const reader = countingReader(savedModel({ node: [big, op('m', 'MatMul', ['x', 'w'])] }));
    const a = await tf(reader);
    expect(a.anomalies).to.deep.equal([]);
    expect(a.savedModel.ops).to.deep.equal([{ op: 'Const', count: 1 }, { op: 'MatMul', count: 1 }]);
    expect(reader.bytesRead).to.be.lessThan(512 * 1024);
  });

  it('reports truncation, a missing meta graph and garbage', async () => {
    const good = fixture('benign/tensorflow/module/saved_model.pb');
    const cut = await tf(good.subarray(0, 5000));
    expect(codes(cut)).to.deep.equal(['tensorflow/truncated']);
    expect(cut.anomalies[0].message).to.match(/tf\.saved_model\.load fails/);
    expect(codes(await tf(new Uint8Array(0)))).to.deep.equal(['tensorflow/no-meta-graph']);
    expect(codes(await tf(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\n')))).to.deep.equal(['tensorflow/malformed']);
  });

  it('rejects a string that is not UTF-8, as proto3 parsers do', async () => {
    const bytes = savedModel({ node: [op('n', 'NoOp')] });
    // Patch the op name "NoOp" into invalid UTF-8.
    const at = Buffer.from(bytes).indexOf('NoOp');
    const patched = new Uint8Array(bytes);
    patched[at] = 0xff;
    expect(codes(await tf(patched))).to.deep.equal(['tensorflow/malformed']);
  });
});

describe('tensorflow parser: keras metadata', () => {
  const lambda = JSON.stringify({ class_name: 'Lambda', config: { name: 'l', function: ['4wEAAAAAAAAA', null, null], function_type: 'lambda', module: '__main__' } });

  it('hands keras_metadata.pb layer configs to the Keras inspector, one finding per layer', async () => {
    const a = await tf(fixture('malicious/tensorflow/keras-lambda/keras_metadata.pb'), 'keras_metadata.pb');
    expect(codes(a)).to.deep.equal(['keras/lambda']);
    expect(a.anomalies[0].message).to.match(/Lambda layer "lambda" at keras_metadata\.pb node 0 \(root\)/);
    expect(a.savedModel.kerasObjects).to.be.greaterThan(1);
  });

  it('inspects the layer metadata older tf.keras saves kept in the object graph', async () => {
    const a = await tf(savedModel({ node: [op('n', 'NoOp')] }, { object_graph_def: { nodes: [{}, { user_object: { identifier: '_tf_keras_layer', metadata: lambda } }] } }));
    expect(codes(a)).to.deep.equal(['keras/lambda']);
    expect(a.anomalies[0].message).to.include('meta graph 0 object 1 (_tf_keras_layer)');
  });

  it('reports layer configs that are not JSON, and an empty keras_metadata.pb', async () => {
    const bad = await tf(encodeMetadata({ nodes: [{ node_id: 0, node_path: 'root', identifier: '_tf_keras_network', metadata: '{"class_name": ' }] }), 'keras_metadata.pb');
    expect(bad.savedModel.kind).to.equal('keras-metadata');
    expect(codes(bad)).to.deep.equal(['tensorflow/bad-keras-metadata']);
    expect(bad.anomalies[0].message).to.match(/keras_metadata\.pb node 0 \(root\) is not valid JSON/);
    expect(codes(await tf(new Uint8Array(0), 'keras_metadata.pb'))).to.deep.equal(['tensorflow/bad-keras-metadata']);
  });

  it('reports a layer config over the JSON size limit instead of reading it', async () => {
    const meta = JSON.stringify({ class_name: 'Dense', config: { pad: 'x'.repeat(5000) } });
    const a = await tf(encodeMetadata({ nodes: [{ node_id: 0, node_path: 'root', metadata: meta }] }), 'keras_metadata.pb', { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 4096 });
    expect(codes(a)).to.deep.equal(['tensorflow/size-limit']);
    expect(a.anomalies[0].message).to.match(/^not fully analysed/);
  });
});
