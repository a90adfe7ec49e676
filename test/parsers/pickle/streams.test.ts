/** Several pickles, junk, truncation, resynchronisation (A6–A8) and the budgets (A20). */
import { expect } from 'chai';
import { analyse, anomalyCodes, asm, callTargets, concat, importNames } from './helpers.js';

const benign = (): Uint8Array => asm().proto(2).op('EMPTY_DICT').stop().build();
const payload = (name = 'getcwd'): Uint8Array => asm().proto(2).callGlobal('os', name).stop().build();

describe('pickle engine: streams, junk and resync', () => {
  it('one clean stream: no anomalies, exact bounds', async () => {
    const a = await analyse(benign());
    expect(a.streams).to.deep.equal([{ start: 0, end: 4, protocol: 2, opcodes: 3, complete: true }]);
    expect(a.anomalies).to.deep.equal([]);
  });

  it('start option: offsets stay relative to the reader', async () => {
    const a = await analyse(concat(new Uint8Array(10).fill(0xff), payload()), { start: 10 });
    expect(a.streams[0]).to.include({ start: 10, complete: true });
    expect(a.imports[0]!.offset).to.equal(12);
  });

  it('stopAfterStreams: the rest is data, not junk', async () => {
    const a = await analyse(concat(benign(), benign(), new Uint8Array(64).fill(0xab)), { stopAfterStreams: 2 });
    expect(a.streams).to.have.length(2);
    expect(a.anomalies).to.deep.equal([]);
  });

  it('records the literal result of each stream', async () => {
    const a = await analyse(concat(asm().proto(2).long1(0x1950a86a20f9469cfc6cn).stop().build(), asm().proto(2).raw('M', [0xe9, 0x03]).stop().build(), asm().sbu('hello').stop().build()));
    expect(a.streams.map((s) => s.literalResult)).to.deep.equal([0x1950a86a20f9469cfc6cn, 1001, 'hello']);
  });

  it('trailing zero padding is trailing data', async () => {
    const a = await analyse(concat(benign(), new Uint8Array(100)));
    expect(anomalyCodes(a)).to.deep.equal(['pickle/trailing-data']);
    expect(a.anomalies[0]).to.include({ offset: 4 });
    expect(a.streams).to.have.length(1);
  });

  it('junk that parses a few opcodes before failing is still junk when it names nothing', async () => {
    const a = await analyse(concat(benign(), Uint8Array.from([0x4b, 0x01, 0x4b, 0x02, 0xff, 0xff])));
    expect(anomalyCodes(a)).to.deep.equal(['pickle/trailing-data']);
  });

  it('a broken second stream that names a callable is kept as a stream', async () => {
    const a = await analyse(concat(benign(), asm().proto(2).callGlobal('os', 'getcwd').raw(0xff).build()));
    expect(a.streams.map((s) => s.complete)).to.deep.equal([true, false]);
    expect(callTargets(a)).to.deep.equal(['REDUCE:os.getcwd']);
    expect(anomalyCodes(a)).to.include('pickle/invalid-opcode');
  });

  it('resync finds STACK_GLOBAL patterns (with memo opcodes between) and INST patterns', async () => {
    const hidden = concat(
      asm().sbu('os').memoize().sbu('getcwd').binput(3).op('STACK_GLOBAL').build(),
      new Uint8Array(50).fill(0xfe),
      asm().bu('builtins').bu('print').op('STACK_GLOBAL').build(),
      new Uint8Array(50).fill(0xfe),
      asm().inst('builtins', 'exec').build(),
    );
    const a = await analyse(concat(benign(), new Uint8Array(20).fill(0xfe), hidden));
    expect(importNames(a)).to.deep.equal(['os.getcwd', 'builtins.print', 'builtins.exec']);
    expect(a.imports.every((i) => i.resync)).to.equal(true);
    const resync = a.anomalies.find((x) => x.code === 'pickle/resync');
    expect(resync?.detail).to.include({ count: 3 });
  });

  it('resync maps Python 2 names in GLOBAL patterns', async () => {
    const a = await analyse(concat(benign(), Uint8Array.from([0xff]), asm().global('__builtin__', 'eval').build()));
    expect(a.imports[0]).to.deep.include({ module: 'builtins', name: 'eval', mappedFrom: { module: '__builtin__', name: 'eval' }, resync: true });
  });

  it('resync scans what a swallowing opcode covered when the stream is truncated', async () => {
    // BINBYTES claims more bytes than exist, swallowing a GLOBAL.
    const bytes = concat(asm().proto(3).raw('B', [0xff, 0xff, 0, 0]).build(), asm().global('os', 'getcwd').build());
    const a = await analyse(bytes);
    expect(anomalyCodes(a)).to.include.members(['pickle/truncated', 'pickle/resync']);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
  });

  it('many streams: each analysed, multiple-streams reported once', async () => {
    const a = await analyse(concat(benign(), payload('getcwd'), benign(), payload('getpid')));
    expect(a.streams).to.have.length(4);
    expect(importNames(a)).to.deep.equal(['os.getcwd', 'os.getpid']);
    expect(anomalyCodes(a)).to.deep.equal(['pickle/multiple-streams']);
  });

  it('not a pickle at all: one failed stream, never a throw', async () => {
    const a = await analyse(new TextEncoder().encode('{"json": true}'));
    expect(a.streams[0]).to.include({ complete: false, opcodes: 0 });
    expect(anomalyCodes(a)).to.deep.equal(['pickle/invalid-opcode']);
  });

  it('empty input', async () => {
    const a = await analyse(new Uint8Array(0));
    expect(a.streams).to.deep.equal([]);
    expect(a.anomalies).to.deep.equal([]);
  });

  it('missing MARK, odd DICT, bad protocol, unquoted STRING each break the stream with a clear code', async () => {
    expect(anomalyCodes(await analyse(asm().op('TUPLE').stop().build()))).to.include('pickle/missing-mark');
    expect(anomalyCodes(await analyse(asm().op('MARK', 'NONE', 'DICT').stop().build()))).to.include('pickle/malformed');
    expect(anomalyCodes(await analyse(asm().proto(6).op('NONE').stop().build()))).to.include('pickle/bad-protocol');
    expect(anomalyCodes(await analyse(asm().raw('Sabc\n').stop().build()))).to.include('pickle/bad-argument');
    expect(anomalyCodes(await analyse(asm().raw('cos').build()))).to.include('pickle/truncated');
  });
});

describe('pickle engine: budgets (A20) fail closed', () => {
  const budget = (a: Awaited<ReturnType<typeof analyse>>) => a.anomalies.filter((x) => x.code === 'pickle/budget-exceeded').map((x) => x.detail?.budget);

  it('maxOpcodes', async () => {
    const b = asm().proto(2);
    for (let i = 0; i < 100; i++) b.op('NONE', 'POP');
    const a = await analyse(b.callGlobal('os', 'getcwd').stop().build(), { budgets: { maxOpcodes: 50 } });
    expect(budget(a)).to.deep.equal(['maxOpcodes']);
    expect(a.streams[0]!.complete).to.equal(false);
  });

  it('maxMemo', async () => {
    const a = await analyse(asm().proto(2).op('NONE').binput(0).binput(1).binput(2).stop().build(), { budgets: { maxMemo: 2 } });
    expect(budget(a)).to.deep.equal(['maxMemo']);
  });

  it('maxStackDepth', async () => {
    const b = asm().proto(2).op('NONE');
    for (let i = 0; i < 20; i++) b.op('DUP');
    const a = await analyse(b.stop().build(), { budgets: { maxStackDepth: 10 } });
    expect(budget(a)).to.deep.equal(['maxStackDepth']);
  });

  it('maxStreams', async () => {
    const a = await analyse(concat(benign(), benign(), benign(), payload()), { budgets: { maxStreams: 2 } });
    expect(budget(a)).to.deep.equal(['maxStreams']);
    expect(a.anomalies.find((x) => x.code === 'pickle/budget-exceeded')?.detail).to.include({ unanalysedBytes: 4 + payload().length });
  });

  it('maxResyncBytes', async () => {
    const a = await analyse(concat(benign(), new Uint8Array(5000).fill(0xfe), asm().global('os', 'getcwd').build()), { budgets: { maxResyncBytes: 1000 } });
    expect(budget(a)).to.deep.equal(['maxResyncBytes']);
    expect(importNames(a)).to.deep.equal([]);
  });

  it('maxNesting', async () => {
    let inner = payload();
    for (let level = 0; level < 3; level++) {
      inner = asm().proto(3).global('pickle', 'loads').bytes(inner).op('TUPLE1', 'REDUCE').stop().build();
    }
    const a = await analyse(inner, { budgets: { maxNesting: 1 } });
    expect(a.nested[0]!.analysis).to.not.equal(undefined);
    expect(budget(a.nested[0]!.analysis!)).to.deep.equal(['maxNesting']);
  });

  it('maxRecords keeps every distinct callable while bounding repeats', async () => {
    const b = asm().proto(2);
    for (let i = 0; i < 50; i++) b.global('os', 'getcwd').op('POP');
    b.global('os', 'getpid').op('POP', 'NONE').stop();
    const a = await analyse(b.build(), { budgets: { maxRecords: 10 } });
    expect(a.imports).to.have.length(11);
    expect(importNames(a).at(-1)).to.equal('os.getpid');
    expect(anomalyCodes(a)).to.deep.equal(['pickle/records-truncated']);
  });
});
