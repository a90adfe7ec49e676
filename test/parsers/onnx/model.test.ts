import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseOnnx } from '../../../src/parsers/onnx/handler.js';
import { looksLikeOnnx } from '../../../src/parsers/onnx/sniff.js';
import type { OnnxArtifact } from '../../../src/parsers/onnx/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { analyse, countingReader, encodeGraph, encodeModel, externalTensor, lenField, model, node } from './build.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const fixture = (rel: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${rel}`));

async function onnxOf(bytes: Uint8Array, name = 'model.onnx'): Promise<OnnxArtifact> {
  const a = await analyse(bufferReader(bytes), name);
  expect(a.format).to.equal('onnx');
  return a as OnnxArtifact;
}

const codes = (a: OnnxArtifact): string[] => a.anomalies.map((x) => x.code);

describe('onnx parser: fixtures made by onnx and torch', () => {
  it('reads versions, opsets, operators and parameter count of an onnx.helper model', async () => {
    const a = await onnxOf(fixture('benign/onnx/tiny-mlp.onnx'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx).to.deep.include({ irVersion: 14, producerName: 'modelvet-fixtures', producerVersion: '1.0', modelVersion: 3, parameterCount: 4 * 8 + 8, nodeCount: 3 });
    expect(a.onnx.opsets).to.deep.equal([{ domain: '', version: 17 }]);
    expect(a.onnx.operators).to.deep.equal([
      { domain: '', opType: 'MatMul', count: 1 },
      { domain: '', opType: 'Add', count: 1 },
      { domain: '', opType: 'Relu', count: 1 },
    ]);
  });

  it('walks If subgraphs and model-local function bodies', async () => {
    const a = await onnxOf(fixture('benign/onnx/control-flow.onnx'));
    const ops = a.onnx.operators.map((o) => `${o.domain}:${o.opType}`);
    expect(ops).to.include.members([':If', ':Neg', ':Identity', 'com.modelvet.local:Double', ':Add']);
    expect(a.onnx.functions).to.deep.equal([{ domain: 'com.modelvet.local', name: 'Double' }]);
    expect(a.onnx.nodeCount).to.equal(7);
  });

  it('reads a torch.onnx.export model', async () => {
    const a = await onnxOf(fixture('benign/onnx/torch-mlp.onnx'));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.producerName).to.equal('pytorch');
    expect(a.onnx.operators.map((o) => o.opType)).to.include('Gemm');
    expect(a.onnx.parameterCount).to.equal(4 * 3 + 3 + 3 * 2 + 2);
  });

  it('lists external data written by onnx.save_model(save_as_external_data=True)', async () => {
    const path = `${FIXTURES}benign/onnx/external-data/model.onnx`;
    const a = (await analyse(bufferReader(fixture('benign/onnx/external-data/model.onnx')), 'model.onnx', { absolutePath: path })) as OnnxArtifact;
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.externalData.map((e) => [e.tensor, e.location, e.offset, e.length])).to.deep.equal([
      ['W', 'weights.bin', 0, 128],
      ['B', 'weights.bin', 128, 32],
    ]);
  });

  it('reports a truncated model as truncated, keeping the fields before the cut', async () => {
    const a = await onnxOf(fixture('malicious/onnx/truncated.onnx'));
    expect(codes(a)).to.deep.equal(['onnx/truncated']);
    expect(a.anomalies[0].message).to.match(/truncated at offset \d+/);
    expect(a.onnx.producerName).to.equal('modelvet-fixtures');
  });
});

describe('onnx parser: hand-built protobuf', () => {
  it('merges a graph field written twice, as protobuf parsers do', async () => {
    const first = encodeGraph({ node: [node('Relu')] });
    const second = encodeGraph({ node: [node('Hidden', 'com.evil')] });
    const field = (bytes: Uint8Array) => [0x3a, bytes.length, ...bytes];
    const bytes = new Uint8Array([0x08, 0x09, ...field(first), ...field(second)]);
    const a = await onnxOf(bytes);
    expect(a.onnx.operators.map((o) => o.opType)).to.deep.equal(['Relu', 'Hidden']);
  });

  it('skips unknown fields and payload fields without decoding them', async () => {
    const bytes = model({ node: [node('Relu')], initializer: [{ name: 'w', dims: [3], data_type: 1, float_data: [1, 2, 3] }], doc_string: 'x'.repeat(100) }, { doc_string: 'model doc' });
    const a = await onnxOf(bytes);
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.parameterCount).to.equal(3);
  });

  it('reports an invalid wire type with its offset', async () => {
    const good = model({ node: [node('Relu')] });
    const a = await onnxOf(new Uint8Array([...good, 0x0f, 0x00]));
    expect(codes(a)).to.deep.equal(['onnx/malformed']);
    expect(a.anomalies[0].offset).to.equal(good.length);
    expect(a.anomalies[0].message).to.match(/invalid wire type 7/);
    // What came before the bad field is still analysed.
    expect(a.onnx.operators.map((o) => o.opType)).to.deep.equal(['Relu']);
  });

  it('reports a varint longer than 10 bytes', async () => {
    const a = await onnxOf(new Uint8Array([0x08, ...new Array(11).fill(0xff), 0x01]));
    expect(codes(a)).to.deep.equal(['onnx/malformed']);
  });

  it('reports nesting past protobuf\u2019s recursion limit, and accepts deep nesting below it', async () => {
    // Built byte by byte: protobufjs's own encoder refuses to nest this deep.
    const nested = (levels: number): Uint8Array => {
      let g = encodeGraph({ node: [node('Relu')] });
      for (let i = 0; i < levels; i++) g = lenField(1, [...lenField(4, [...new TextEncoder().encode('If')]), ...lenField(5, lenField(6, [...g]))]);
      return new Uint8Array([0x08, 0x09, ...lenField(7, [...g]), ...lenField(8, [0x0a, 0x00, 0x10, 17])]);
    };
    const deep = await onnxOf(nested(40));
    expect(codes(deep)).to.deep.equal(['onnx/depth-limit']);
    expect(deep.anomalies[0].message).to.match(/deeper than protobuf's limit of 100 levels/);
    const ok = await onnxOf(nested(20));
    expect(ok.anomalies).to.deep.equal([]);
    expect(ok.onnx.operators).to.deep.equal([{ domain: '', opType: 'If', count: 20 }, { domain: '', opType: 'Relu', count: 1 }]);
  });

  it('reports a file named .onnx that is not protobuf, or holds no graph', async () => {
    const text = await onnxOf(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n'));
    expect(codes(text)).to.deep.equal(['onnx/malformed']);
    const empty = await onnxOf(new Uint8Array(0));
    expect(codes(empty)).to.deep.equal(['onnx/no-graph']);
    const noGraph = await onnxOf(encodeModel({ ir_version: 9, producer_name: 'x' }));
    expect(codes(noGraph)).to.deep.equal(['onnx/no-graph']);
  });

  it('stops at the analysis budget with a not-fully-analysed anomaly', async () => {
    const bytes = model({ node: Array.from({ length: 200 }, (_, i) => node(`Op${i}`)) });
    const a = await analyseOnnx(bufferReader(bytes), {
      path: 'm.onnx', name: 'm.onnx', depth: 0, options: { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 1000 },
      analyseChild: () => { throw new Error('unused'); }, analysePickle: () => { throw new Error('unused'); },
    });
    expect(a.anomalies.map((x) => x.code)).to.include('onnx/size-limit');
    expect(a.anomalies.find((x) => x.code === 'onnx/size-limit')!.message).to.match(/^not fully analysed/);
  });

  it('recognises an unnamed ONNX model by content, and not a SavedModel', async () => {
    expect(looksLikeOnnx(fixture('benign/onnx/torch-mlp.onnx'))).to.equal(true);
    expect(looksLikeOnnx(fixture('benign/onnx/tiny-mlp.onnx'))).to.equal(true);
    expect(looksLikeOnnx(fixture('benign/tensorflow/module/saved_model.pb'))).to.equal(false);
    expect(looksLikeOnnx(new TextEncoder().encode('\bhello world, not a model at all'))).to.equal(false);
    const a = await analyse(bufferReader(fixture('benign/onnx/tiny-mlp.onnx')), 'blob');
    expect(a.format).to.equal('onnx');
  });
});

describe('onnx parser: large models stay out of memory', () => {
  it('reads a few windows of a 24 MB model whose weights are one raw_data initializer', async () => {
    const raw = new Uint8Array(24 * 1024 * 1024);
    const bytes = model({
      node: [node('MatMul'), node('Custom', 'com.example')],
      initializer: [{ name: 'big', dims: [6 * 1024 * 1024], data_type: 1, raw_data: raw }, { name: 'small', dims: [2], data_type: 1, raw_data: new Uint8Array(8) }],
    });
    const reader = countingReader(bytes);
    const a = (await analyse(reader)) as OnnxArtifact;
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.parameterCount).to.equal(6 * 1024 * 1024 + 2);
    expect(a.onnx.operators.map((o) => o.opType)).to.deep.equal(['MatMul', 'Custom']);
    expect(reader.bytesRead).to.be.lessThan(512 * 1024);
  });

  it('steps over the data of many medium-sized initializers instead of reading it', async () => {
    const initializer = Array.from({ length: 100 }, (_, i) => ({ name: `w${i}`, dims: [32 * 1024], data_type: 1, raw_data: new Uint8Array(128 * 1024) }));
    const reader = countingReader(model({ node: [node('MatMul')], initializer }));
    const a = (await analyse(reader)) as OnnxArtifact;
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.parameterCount).to.equal(100 * 32 * 1024);
    expect(reader.bytesRead).to.be.lessThan(reader.size / 10);
  });

  it('walks a graph of many nodes bigger than the inline limit field by field', async () => {
    const doc = 'd'.repeat(64 * 1024);
    const bytes = model({ node: Array.from({ length: 80 }, (_, i) => node(i % 2 ? 'Relu' : 'Add', '', { doc_string: doc })) });
    expect(bytes.length).to.be.greaterThan(4 * 1024 * 1024);
    const a = await onnxOf(bytes);
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.operators).to.deep.equal([
      { domain: '', opType: 'Add', count: 40 },
      { domain: '', opType: 'Relu', count: 40 },
    ]);
  });
});

describe('onnx parser: external data lexically', () => {
  const cases: Array<[string, string]> = [
    ['/dev/null', 'onnx/external-absolute'],
    ['C:\\Windows\\win.ini', 'onnx/external-absolute'],
    ['\\\\server\\share\\w.bin', 'onnx/external-absolute'],
    ['../outside.bin', 'onnx/external-escape'],
    ['subdir/../../x.bin', 'onnx/external-escape'],
    ['a\\..\\..\\x.bin', 'onnx/external-escape'],
  ];
  for (const [location, code] of cases) {
    it(`${location} → ${code}`, async () => {
      const a = await onnxOf(model({ initializer: [externalTensor('w', { location, offset: '0', length: '16' })] }));
      expect(codes(a)).to.deep.equal([code]);
      expect(a.anomalies[0].message).to.include(location.length > 200 ? location.slice(0, 200) : location);
    });
  }

  it('accepts sub/../w.bin and plain names inside an archive (no file to check)', async () => {
    const a = await onnxOf(model({ initializer: [externalTensor('w', { location: 'sub/../w.bin' }), externalTensor('v', { location: 'data/v.bin' })] }));
    expect(a.anomalies).to.deep.equal([]);
  });

  it('reports non-integer offsets, a missing location and unknown keys; the last of a repeated key wins', async () => {
    const a = await onnxOf(
      model({
        initializer: [
          externalTensor('w', { location: 'w.bin', offset: 'ten' }),
          externalTensor('v', { offset: '0' }),
          externalTensor('u', [['location', '../evil'], ['location', 'fine.bin'], ['__class__', 'x']]),
        ],
      }),
    );
    expect(codes(a).sort()).to.deep.equal(['onnx/external-bad-number', 'onnx/external-no-location', 'onnx/external-unknown-key']);
    expect(a.onnx.externalData.find((e) => e.tensor === 'u')).to.deep.include({ location: 'fine.bin', keys: ['location', 'location', '__class__'] });
  });

  it('accepts Python int() spellings of offsets', async () => {
    const a = await onnxOf(model({ initializer: [externalTensor('w', { location: 'w.bin', offset: ' +1_024 ', length: '0' })] }));
    expect(a.anomalies).to.deep.equal([]);
    expect(a.onnx.externalData[0]).to.deep.include({ offset: 1024, length: 0 });
  });

  it('groups tensors that share a problem into one anomaly', async () => {
    const tensors = Array.from({ length: 12 }, (_, i) => externalTensor(`t${i}`, { location: '/etc/passwd', offset: '0', length: '4' }));
    const a = await onnxOf(model({ initializer: tensors }));
    expect(a.anomalies).to.have.length(1);
    expect(a.anomalies[0].message).to.match(/^tensors 't0', 't1', 't2', 't3', 't4' and 7 more:/);
    expect(a.anomalies[0].detail).to.deep.include({ tensorCount: 12 });
  });

  it('finds external tensors in node attributes and subgraphs', async () => {
    const sub = { node: [node('Constant', '', { attribute: [{ name: 'value', type: 4, t: externalTensor('c', { location: '../c.bin' }) }] })] };
    const a = await onnxOf(model({ node: [node('If', '', { attribute: [{ name: 'then_branch', type: 5, g: sub }] })] }));
    expect(codes(a)).to.deep.equal(['onnx/external-escape']);
    expect(a.anomalies[0].message).to.include("tensor 'c'");
  });
});

describe('onnx parser: what onnxruntime refuses', () => {
  it('reports a model without an operator set import', async () => {
    const a = await onnxOf(encodeModel({ ir_version: 9, graph: { node: [node('Relu')] } }));
    expect(codes(a)).to.deep.equal(['onnx/no-opset']);
  });
});
