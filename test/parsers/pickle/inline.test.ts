/** The inline-data hook: data a loader reads from inside the stream (joblib arrays) is stepped over. */
import { expect } from 'chai';
import type { InlineDataRequest } from '../../../src/parsers/pickle/index.js';
import { analyse, anomalyCodes, asm, callTargets, concat, importNames } from './helpers.js';

const wrapper = (n: number) =>
  asm().proto(4).global('joblib.numpy_pickle', 'NumpyArrayWrapper').op('EMPTY_TUPLE', 'NEWOBJ', 'EMPTY_DICT').sbu('n').k(n).op('SETITEM', 'BUILD').build();

describe('pickle engine: inline data hook', () => {
  it('skips raw bytes the hook measures, then reads on', async () => {
    const bytes = concat(wrapper(4), Uint8Array.from([0xff, 0xfe, 0x00, 0x01]), asm().op('POP').callGlobal('os', 'getcwd').stop().build());
    const seen: InlineDataRequest[] = [];
    const a = await analyse(bytes, {
      inlineData: {
        classes: ['joblib.numpy_pickle.NumpyArrayWrapper'],
        measure: (req) => {
          seen.push(req);
          const n = (req.state as { dict: Array<[unknown, number]> }).dict.find(([k]) => k === 'n')![1];
          return { skip: n };
        },
      },
    });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ module: 'joblib.numpy_pickle', name: 'NumpyArrayWrapper', offset: wrapper(4).length });
    expect(a.anomalies).to.deep.equal([]);
    expect(callTargets(a)).to.deep.equal(['NEWOBJ:joblib.numpy_pickle.NumpyArrayWrapper', 'BUILD:joblib.numpy_pickle.NumpyArrayWrapper', 'REDUCE:os.getcwd']);
  });

  it('analyses an inline pickle (object arrays) with the same record', async () => {
    const bytes = concat(wrapper(0), asm().proto(2).callGlobal('builtins', 'print').stop().build(), asm().op('POP').op('NONE').stop().build());
    const a = await analyse(bytes, { inlineData: { classes: ['joblib.numpy_pickle.NumpyArrayWrapper'], measure: () => ({ pickle: true }) } });
    expect(a.anomalies).to.deep.equal([]);
    expect(importNames(a)).to.include('builtins.print');
    expect(a.streams).to.have.length(1);
  });

  it('without the hook the data is a break, and resync still finds what follows', async () => {
    const bytes = concat(wrapper(4), Uint8Array.from([0xff, 0xfe, 0x00, 0x01]), asm().op('POP').callGlobal('os', 'getcwd').stop().build());
    const a = await analyse(bytes);
    expect(anomalyCodes(a)).to.include.members(['pickle/invalid-opcode', 'pickle/resync']);
    expect(importNames(a)).to.include('os.getcwd');
  });

  it('a skip past the end of the data is a truncation', async () => {
    const a = await analyse(wrapper(4), { inlineData: { classes: ['joblib.numpy_pickle.NumpyArrayWrapper'], measure: () => ({ skip: 1000 }) } });
    expect(anomalyCodes(a)).to.include('pickle/truncated');
  });
});
