/**
 * public-bypasses.md section A, line by line: each hostile sequence is assembled by hand and the
 * engine must name the callable a real unpickler would reach. Payloads are harmless stand-ins
 * (os.getcwd, builtins.print); nothing here is ever unpickled.
 */
import { expect } from 'chai';
import { analyse, anomalyCodes, asm, callTargets, concat, importNames } from './helpers.js';

describe('pickle engine: public bypasses (section A)', () => {
  it('A1 memo desync: MEMOIZE keys by len(memo), whatever keys BINPUT used', async () => {
    // BINPUT 5 makes len(memo) 1, so the MEMOIZEs store at 1..4. A scanner counting MEMOIZEs
    // from 0 maps BINGET 1 / BINGET 3 to 'builtins' / 'print'; CPython reads 'os' / 'getcwd'.
    const bytes = asm()
      .proto(4)
      .sbu('decoy').binput(5).op('POP')
      .sbu('os').memoize().op('POP') // real key 1, naive key 0
      .sbu('builtins').memoize().op('POP') // real 2, naive 1
      .sbu('getcwd').memoize().op('POP') // real 3, naive 2
      .sbu('print').memoize().op('POP') // real 4, naive 3
      .binget(1).binget(3).op('STACK_GLOBAL', 'EMPTY_TUPLE', 'REDUCE')
      .stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
    expect(callTargets(a)).to.deep.equal(['REDUCE:os.getcwd']);
    expect(a.unresolved).to.deep.equal([]);
    expect(a.anomalies).to.deep.equal([]);
  });

  it('A1 memo desync: a PUT overwriting a key keeps len(memo), so MEMOIZE overwrites too', async () => {
    const bytes = asm()
      .proto(4)
      .sbu('builtins').binput(0) // memo {0: builtins}
      .sbu('os').memoize() // len 1 -> memo[1] = os
      .op('POP', 'POP')
      .sbu('print').binput(1) // memo[1] = print (overwrite, len stays 2)
      .sbu('getcwd').memoize() // len 2 -> memo[2] = getcwd
      .op('POP', 'POP')
      .sbu('os').binput(1) // memo[1] = os again
      .op('POP')
      .binget(1).binget(2).op('STACK_GLOBAL')
      .stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
  });

  it('A2 STACK_GLOBAL operands produced by BUILD/setattr on an allowlisted global', async () => {
    const bytes = asm()
      .proto(2)
      .global('numpy', 'prod')
      .op('NONE', 'EMPTY_DICT').bu('a').bu('os').op('SETITEM', 'TUPLE2', 'BUILD') // numpy.prod.a = 'os'
      .op('POP')
      .global('builtins', 'getattr').global('numpy', 'prod').bu('a').op('TUPLE2', 'REDUCE') // getattr(numpy.prod, 'a')
      .bu('getcwd').op('STACK_GLOBAL', 'EMPTY_TUPLE', 'REDUCE')
      .stop().build();
    const a = await analyse(bytes);
    expect(anomalyCodes(a)).to.include('pickle/build-on-global');
    expect(callTargets(a)).to.deep.equal(['BUILD:numpy.prod', 'REDUCE:builtins.getattr', 'REDUCE:?']);
    const sg = a.unresolved.find((u) => u.via === 'STACK_GLOBAL');
    expect(sg?.reason).to.match(/module operand is the result of a call to builtins\.getattr/);
    expect(sg?.reason).to.include('"getcwd"');
    expect(a.unresolved.some((u) => u.via === 'REDUCE')).to.equal(true);
  });

  it('A3 STACK_GLOBAL as the first opcodes with STRING operands (no PROTO)', async () => {
    const bytes = asm().str('os').str('getcwd').op('STACK_GLOBAL', 'EMPTY_TUPLE', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(a.imports).to.have.length(1);
    expect(a.imports[0]).to.include({ module: 'os', name: 'getcwd', via: 'STACK_GLOBAL', protocol: 0, offset: bytes.length - 4 });
    expect(callTargets(a)).to.deep.equal(['REDUCE:os.getcwd']);
  });

  it('A3 STACK_GLOBAL operands pushed with BINSTRING and SHORT_BINSTRING', async () => {
    const bytes = asm().bs('os').sbs('getcwd').op('STACK_GLOBAL').stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
  });

  it('A3 with the Python 2 mapping: protocol 0 STRING operands name __builtin__', async () => {
    const bytes = asm().str('__builtin__').str('print').op('STACK_GLOBAL').stop().build();
    const a = await analyse(bytes);
    expect(a.imports[0]).to.deep.include({ module: 'builtins', name: 'print', mappedFrom: { module: '__builtin__', name: 'print' } });
  });

  it('A4 BINGET of a never-stored key does not abort: earlier and later findings stay', async () => {
    const bytes = asm()
      .proto(2)
      .callGlobal('os', 'getcwd').op('POP')
      .binget(7).bu('print').op('STACK_GLOBAL', 'POP')
      .callGlobal('builtins', 'print')
      .stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd', 'builtins.print']);
    expect(anomalyCodes(a)).to.deep.equal(['pickle/memo-missing']);
    expect(a.unresolved).to.have.length(1);
    expect(a.unresolved[0]!.reason).to.match(/memo key 7, never stored/);
    expect(a.streams[0]!.complete).to.equal(true);
  });

  it('A5 memo type confusion: an int from the memo as STACK_GLOBAL module', async () => {
    const bytes = asm().proto(4).k(5).memoize().op('POP').binget(0).sbu('getcwd').op('STACK_GLOBAL', 'EMPTY_TUPLE', 'REDUCE').stop().build();
    const a = await analyse(bytes);
    expect(anomalyCodes(a)).to.include('pickle/type-confusion');
    expect(a.unresolved.map((u) => u.via)).to.deep.equal(['STACK_GLOBAL', 'REDUCE']);
    expect(a.unresolved[0]!.reason).to.match(/module operand is an int/);
  });

  it('A6 broken pickle: the payload before the parse error is kept (invalid opcode)', async () => {
    const bytes = asm().proto(2).callGlobal('os', 'getcwd').raw(0xff, 0xfe, 0x00).build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['os.getcwd']);
    expect(callTargets(a)).to.deep.equal(['REDUCE:os.getcwd']);
    expect(anomalyCodes(a)).to.include('pickle/invalid-opcode');
    expect(a.streams[0]).to.include({ complete: false, end: bytes.length - 3 });
  });

  it('A6 broken pickle: truncated before STOP, and stack underflow', async () => {
    const truncated = await analyse(asm().proto(2).callGlobal('os', 'getcwd').build());
    expect(importNames(truncated)).to.deep.equal(['os.getcwd']);
    expect(anomalyCodes(truncated)).to.deep.equal(['pickle/truncated']);
    const underflow = await analyse(asm().proto(2).callGlobal('os', 'getcwd').op('REDUCE', 'STOP').build());
    expect(importNames(underflow)).to.deep.equal(['os.getcwd']);
    expect(anomalyCodes(underflow)).to.include('pickle/stack-underflow');
  });

  it('A7 junk after STOP: reported, and a GLOBAL pattern hidden in it is found by resync', async () => {
    const junk = new Uint8Array(300).map((_, i) => (i % 2 ? 0xff : 0x00));
    const hidden = asm().global('os', 'getcwd').op('EMPTY_TUPLE', 'REDUCE').stop().build();
    const bytes = concat(asm().proto(2).op('NONE').stop().build(), junk, hidden);
    const a = await analyse(bytes);
    expect(anomalyCodes(a)).to.include.members(['pickle/trailing-data', 'pickle/resync']);
    const imp = a.imports.find((i) => i.name === 'getcwd');
    expect(imp).to.deep.include({ module: 'os', via: 'GLOBAL', resync: true, offset: 4 + 300 });
    expect(a.streams).to.have.length(1);
  });

  it('A7 junk between streams: a PROTO-led pickle after the junk is analysed as a stream', async () => {
    const junk = new Uint8Array(400).fill(0xee);
    const second = asm().proto(4).sbu('os').sbu('getcwd').op('STACK_GLOBAL', 'EMPTY_TUPLE', 'REDUCE').stop().build();
    const bytes = concat(asm().proto(2).op('NONE').stop().build(), junk, second);
    const a = await analyse(bytes);
    expect(a.streams.map((s) => [s.start, s.complete, !!s.resynced])).to.deep.equal([
      [0, true, false],
      [404, true, true],
    ]);
    expect(callTargets(a)).to.deep.equal(['REDUCE:os.getcwd']);
    expect(a.imports[0]!.resync).to.equal(undefined);
    expect(anomalyCodes(a)).to.include.members(['pickle/trailing-data', 'pickle/resync']);
  });

  it('A8 benign first pickle, payload in the second', async () => {
    const first = asm().proto(2).op('EMPTY_DICT').stop().build();
    const second = asm().proto(2).callGlobal('builtins', 'print').stop().build();
    const a = await analyse(concat(first, second));
    expect(a.streams.map((s) => s.complete)).to.deep.equal([true, true]);
    expect(callTargets(a)).to.deep.equal(['REDUCE:builtins.print']);
    expect(a.imports[0]!.offset).to.equal(first.length + 2);
    expect(anomalyCodes(a)).to.deep.equal(['pickle/multiple-streams']);
  });

  it('A12 FLOAT, BYTEARRAY8, NEXT_BUFFER, READONLY_BUFFER do not stop analysis', async () => {
    const bytes = asm()
      .proto(5)
      .raw('F1.5e3\n').op('POP')
      .bytearray8([1, 2, 3]).op('READONLY_BUFFER', 'POP')
      .op('NEXT_BUFFER', 'READONLY_BUFFER', 'POP')
      .raw('G', [0x3f, 0xf0, 0, 0, 0, 0, 0, 0]).op('POP')
      .long1(-(2n ** 70n)).op('POP')
      .callGlobal('os', 'getcwd')
      .stop().build();
    const a = await analyse(bytes);
    expect(a.anomalies).to.deep.equal([]);
    expect(callTargets(a)).to.deep.equal(['REDUCE:os.getcwd']);
  });

  it('A13 a call whose result is immediately POPped is still recorded, as discarded', async () => {
    const bytes = asm().proto(2).op('MARK').global('builtins', 'print').sbu('x').op('OBJ', 'POP', 'NONE').stop().build();
    const a = await analyse(bytes);
    expect(a.calls).to.have.length(1);
    expect(a.calls[0]).to.include({ via: 'OBJ', discarded: true, argsPreview: "('x',)" });
    expect(a.calls[0]!.target).to.deep.equal({ kind: 'global', module: 'builtins', name: 'print' });
  });

  it('A13 a discarded result fetched back from the memo and used is not discarded', async () => {
    const bytes = asm().proto(2).callGlobal('builtins', 'print').binput(0).op('POP', 'EMPTY_LIST').binget(0).op('APPEND').stop().build();
    const a = await analyse(bytes);
    expect(a.calls[0]!.discarded).to.equal(undefined);
    const popped = await analyse(asm().proto(2).callGlobal('builtins', 'print').op('POP_MARK').build());
    expect(anomalyCodes(popped)).to.include('pickle/missing-mark');
    const marked = await analyse(asm().proto(2).op('MARK').callGlobal('builtins', 'print').op('POP_MARK', 'NONE').stop().build());
    expect(marked.calls[0]!.discarded).to.equal(true);
  });

  it('A14 INST, OBJ, NEWOBJ, NEWOBJ_EX and BUILD are all calls', async () => {
    const bytes = asm()
      .proto(4)
      .op('MARK').sbu('a').inst('builtins', 'print').op('POP') // INST
      .op('MARK').global('builtins', 'print').op('OBJ', 'POP') // OBJ
      .global('collections', 'OrderedDict').op('EMPTY_TUPLE', 'NEWOBJ') // NEWOBJ
      .op('EMPTY_DICT', 'BUILD', 'POP') // BUILD -> __setstate__ of OrderedDict
      .global('builtins', 'print').op('EMPTY_TUPLE', 'EMPTY_DICT', 'NEWOBJ_EX', 'POP') // NEWOBJ_EX
      .global('copyreg', '_reconstructor').global('collections', 'OrderedDict').global('builtins', 'object').op('NONE', 'TUPLE3', 'REDUCE')
      .op('EMPTY_DICT', 'BUILD') // BUILD on a _reconstructor result targets the class
      .stop().build();
    const a = await analyse(bytes);
    expect(callTargets(a)).to.deep.equal([
      'INST:builtins.print',
      'OBJ:builtins.print',
      'NEWOBJ:collections.OrderedDict',
      'BUILD:collections.OrderedDict',
      'NEWOBJ_EX:builtins.print',
      'REDUCE:copyreg._reconstructor',
      'BUILD:collections.OrderedDict',
    ]);
    expect(a.imports.find((i) => i.via === 'INST')).to.include({ module: 'builtins', name: 'print' });
    expect(a.anomalies).to.deep.equal([]);
  });

  it('A14 PERSID and BINPERSID are calls into the loader-defined persistent_load', async () => {
    const bytes = asm().proto(2).raw('Pstorage0\n').op('POP').sbu('key').op('BINPERSID').stop().build();
    const a = await analyse(bytes);
    expect(a.calls.map((c) => c.via)).to.deep.equal(['PERSID', 'BINPERSID']);
    expect(a.calls[0]!.target).to.deep.equal({ kind: 'unresolved', reason: 'persistent_load is loader-defined' });
    expect(a.unresolved).to.deep.equal([]);
  });

  it('A15 EXT1/EXT2/EXT4: unregistered codes are unresolved, never skipped', async () => {
    const bytes = asm().proto(2).ext(1, 7).ext(2, 700).ext(4, 70000).op('TUPLE3').stop().build();
    const a = await analyse(bytes);
    expect(a.unresolved.map((u) => u.via)).to.deep.equal(['EXT1', 'EXT2', 'EXT4']);
    expect(a.unresolved[1]!.reason).to.match(/code 700 is not registered/);
  });

  it('A15 an extension code registered by the same pickle resolves', async () => {
    const bytes = asm()
      .proto(2)
      .global('copy_reg', 'add_extension').bu('os').bu('getcwd').k(42).op('TUPLE3', 'REDUCE', 'POP')
      .ext(1, 42).op('EMPTY_TUPLE', 'REDUCE')
      .stop().build();
    const a = await analyse(bytes);
    expect(a.imports.map((i) => `${i.via}:${i.module}.${i.name}`)).to.deep.equal(['GLOBAL:copyreg.add_extension', 'EXT1:os.getcwd']);
    expect(a.imports[1]!.extCode).to.equal(42);
    expect(callTargets(a)).to.deep.equal(['REDUCE:copyreg.add_extension', 'REDUCE:os.getcwd']);
    expect(anomalyCodes(a)).to.deep.equal(['pickle/ext-registered']);
  });

  it('A15 EXT code 0 is rejected by CPython: the stream breaks', async () => {
    const a = await analyse(asm().proto(2).ext(1, 0).stop().build());
    expect(anomalyCodes(a)).to.include('pickle/bad-argument');
  });

  it('A16 dotted names are kept as given in GLOBAL and STACK_GLOBAL', async () => {
    const bytes = asm()
      .proto(4)
      .global('pathlib', 'os.getcwd').op('POP')
      .sbu('builtins').sbu('print.__class__.__base__.__subclasses__').op('STACK_GLOBAL')
      .stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['pathlib.os.getcwd', 'builtins.print.__class__.__base__.__subclasses__']);
    expect(a.imports[0]).to.include({ module: 'pathlib', name: 'os.getcwd' });
  });

  it('A17/A18 builtins.__import__ / numpy.__builtins__ are named as imports for the policy to judge', async () => {
    const bytes = asm()
      .proto(2)
      .global('builtins', '__import__').bu('os').op('TUPLE1', 'REDUCE', 'POP')
      .global('numpy', '__builtins__').op('POP', 'NONE')
      .stop().build();
    const a = await analyse(bytes);
    expect(importNames(a)).to.deep.equal(['builtins.__import__', 'numpy.__builtins__']);
  });

  it('A19 billion laughs: memo/DUP expansion costs nothing and previews stay bounded', async () => {
    const b = asm().proto(2).global('builtins', 'print').op('EMPTY_LIST').binput(0);
    for (let level = 1; level <= 40; level++) {
      b.op('MARK');
      for (let i = 0; i < 10; i++) b.binget(level - 1);
      b.op('LIST').binput(level);
    }
    b.op('TUPLE1', 'REDUCE');
    for (let i = 0; i < 20000; i++) b.op('DUP');
    b.op('MARK');
    for (let i = 0; i < 20000; i++) b.binget(40);
    b.op('LIST', 'TUPLE1', 'REDUCE', 'STOP');
    const started = Date.now();
    const a = await analyse(b.build());
    expect(Date.now() - started).to.be.below(2000);
    expect(a.streams[0]!.complete).to.equal(true);
    expect(a.calls).to.have.length(2);
    for (const c of a.calls) expect(c.argsPreview!.length).to.be.at.most(200);
  });
});
