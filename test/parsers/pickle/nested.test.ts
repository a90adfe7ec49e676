/** B30 — bytes handed to another deserializer are analysed as nested pickles when literal. */
import { expect } from 'chai';
import { analyse, anomalyCodes, asm, importNames } from './helpers.js';

const inner = (): Uint8Array => asm().proto(2).callGlobal('os', 'getcwd').stop().build();

describe('pickle engine: nested payloads', () => {
  it('pickle.loads(b"…") is analysed recursively, offsets relative to the nested bytes', async () => {
    const payload = inner();
    const bytes = asm().proto(3).global('pickle', 'loads').bytes(payload).op('TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested).to.have.length(1);
    const n = a.nested[0]!;
    expect(n).to.include({ via: 'pickle.loads', literal: true, length: payload.length, offset: bytes.length - 2 });
    expect(importNames(n.analysis!)).to.deep.equal(['os.getcwd']);
    expect(n.analysis!.imports[0]!.offset).to.equal(2);
  });

  it('torch.load(io.BytesIO(b"…")) unwraps the BytesIO', async () => {
    const bytes = asm().proto(3).global('torch', 'load').global('io', 'BytesIO').bytes(inner()).op('TUPLE1', 'REDUCE', 'TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested[0]).to.include({ via: 'torch.load', literal: true });
    expect(importNames(a.nested[0]!.analysis!)).to.deep.equal(['os.getcwd']);
  });

  it('protocol 2 bytes: _codecs.encode(str, "latin1") is literal', async () => {
    const text = String.fromCharCode(...inner());
    const bytes = asm().proto(2).global('_pickle', 'loads').global('_codecs', 'encode').bu(text).bu('latin1').op('TUPLE2', 'REDUCE', 'TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested[0]).to.include({ via: '_pickle.loads', literal: true });
    expect(importNames(a.nested[0]!.analysis!)).to.deep.equal(['os.getcwd']);
  });

  it('Python 2 names: cPickle.loads maps to pickle.loads', async () => {
    const bytes = asm().proto(2).global('cPickle', 'loads').bytes(inner()).op('TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested[0]!.via).to.equal('pickle.loads');
    expect(a.nested[0]!.analysis).to.not.equal(undefined);
  });

  it('computed bytes are recorded as not literal', async () => {
    const bytes = asm().proto(3).global('pickle', 'loads').global('zlib', 'decompress').bytes([1, 2, 3]).op('TUPLE1', 'REDUCE', 'TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested).to.deep.equal([{ via: 'pickle.loads', offset: bytes.length - 2, literal: false }]);
  });

  it('marshal.loads: literal, not analysed as a pickle', async () => {
    const bytes = asm().proto(3).global('marshal', 'loads').bytes([0xe3, 0, 0, 0]).op('TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested[0]).to.deep.equal({ via: 'marshal.loads', offset: bytes.length - 2, literal: true, length: 4 });
  });

  it('container loaders on non-pickle bytes (a zip) are noted, not mis-parsed', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    const bytes = asm().proto(3).global('torch', 'load').global('io', 'BytesIO').bytes(zip).op('TUPLE1', 'REDUCE', 'TUPLE1', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.nested[0]!.analysis).to.equal(undefined);
    expect(anomalyCodes(a)).to.deep.equal(['pickle/nested-unanalysed']);
  });

  it('the same literal handed over many times (memo) is analysed once', async () => {
    const b = asm().proto(3).global('pickle', 'loads').binput(0).op('POP').bytes(inner()).binput(1).op('POP');
    for (let i = 0; i < 100; i++) b.binget(0).binget(1).op('TUPLE1', 'REDUCE', 'POP');
    const a = await analyse(b.op('NONE').stop().build());
    expect(a.nested).to.have.length(100);
    expect(a.nested.filter((n) => n.analysis).length).to.equal(1);
    expect(a.nested[5]!.duplicateOf).to.equal(0);
  });

  it('nested pickles are called via OBJ/INST too', async () => {
    const bytes = asm().proto(3).op('MARK').global('pickle', 'loads').bytes(inner()).op('OBJ').stop().build();
    const a = await analyse(bytes);
    expect(importNames(a.nested[0]!.analysis!)).to.deep.equal(['os.getcwd']);
  });
});
