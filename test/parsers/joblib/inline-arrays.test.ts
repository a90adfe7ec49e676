/** joblib's inline numpy arrays: the pickle engine steps over them as NumpyUnpickler reads them. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { describeJoblibArray, JOBLIB_INLINE_DATA, joblibInlineData } from '../../../src/parsers/joblib/index.js';
import { analysePickle, type PlainValue } from '../../../src/parsers/pickle/index.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { anomalyCodes, asm, concat, importNames, type Asm } from '../pickle/helpers.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));

async function run(bytes: Uint8Array, hook: 'factory' | 'const' | 'none' = 'factory') {
  const reader = bufferReader(bytes);
  const h = hook === 'factory' ? joblibInlineData(reader) : undefined;
  const a = await analysePickle(reader, hook === 'none' ? {} : { inlineData: h ?? JOBLIB_INLINE_DATA });
  return { a, hookAnomalies: h?.anomalies ?? [] };
}

interface WrapperSpec {
  shape: number[];
  dtype: string;
  /** numpy_array_alignment_bytes: a number, null (None), or absent (joblib < 1.2). */
  align?: number | null | 'absent';
  module?: string;
}

/** The NumpyArrayWrapper pickle joblib writes (NEWOBJ + BUILD with a state dict), appended to `b`. */
function wrapper(b: Asm, w: WrapperSpec): Asm {
  b.global(w.module ?? 'joblib.numpy_pickle', 'NumpyArrayWrapper').op('EMPTY_TUPLE', 'NEWOBJ', 'EMPTY_DICT', 'MARK');
  b.sbu('subclass').global('numpy', 'ndarray');
  b.sbu('shape').op('MARK');
  for (const n of w.shape) b.int(n);
  b.op('TUPLE');
  b.sbu('order').sbu('C');
  b.sbu('dtype').global('numpy', 'dtype').op('MARK').sbu(w.dtype).op('NEWFALSE', 'NEWTRUE', 'TUPLE', 'REDUCE');
  b.sbu('allow_mmap').op('NEWFALSE');
  const align = w.align ?? 16;
  if (align === null) b.sbu('numpy_array_alignment_bytes').op('NONE');
  else if (align !== 'absent') b.sbu('numpy_array_alignment_bytes').k(align);
  return b.op('SETITEMS', 'BUILD');
}

/** Padding as joblib writes it for data starting after the padding byte at `at`. */
const padding = (at: number, align = 16) => {
  const n = align - ((at + 1) % align);
  return Uint8Array.from([n, ...new Array<number>(n).fill(0xff)]);
};

const getcwdPickle = () => asm().proto(5).callGlobal('os', 'getcwd').stop().build();

describe('joblib inline arrays', () => {
  describe('real joblib files', () => {
    it('benign/sklearn-pipeline.joblib: no anomalies, only sklearn/numpy/joblib imports', async () => {
      for (const hook of ['factory', 'const'] as const) {
        const { a, hookAnomalies } = await run(fixture('benign/sklearn-pipeline.joblib'), hook);
        expect(a.anomalies, hook).to.deep.equal([]);
        expect(hookAnomalies).to.deep.equal([]);
        expect(a.streams).to.have.length(1);
        for (const name of importNames(a)) expect(name).to.match(/^(sklearn|numpy|joblib)\./);
        expect(importNames(a)).to.include('joblib.numpy_pickle.NumpyArrayWrapper');
      }
    });

    it('without the hook the same file breaks on the array bytes', async () => {
      const { a } = await run(fixture('benign/sklearn-pipeline.joblib'), 'none');
      expect(a.anomalies).to.not.deep.equal([]);
    });

    for (const name of ['arrays.joblib', 'arrays-p0.joblib', 'arrays-p2.joblib', 'arrays-unaligned.joblib', 'decision-tree.joblib', 'small.joblib']) {
      it(`data/${name} (every dtype kind, protocols 0/2/4, with and without alignment) reads cleanly`, async () => {
        for (const hook of ['factory', 'const'] as const) {
          const { a, hookAnomalies } = await run(data(name), hook);
          expect(a.anomalies, `${hook}: ${JSON.stringify(a.anomalies)}`).to.deep.equal([]);
          expect(hookAnomalies, JSON.stringify(hookAnomalies)).to.deep.equal([]);
          expect(a.streams.filter((s) => s.complete)).to.have.length(1);
          for (const n of importNames(a)) expect(n).to.match(/^(sklearn|numpy|joblib|copyreg|builtins|_codecs)\./);
        }
      });
    }

    it("analyses an object array's inline pickle (data/arrays.joblib)", async () => {
      const { a } = await run(data('arrays.joblib'));
      // Only the nested pickle of the object array reconstructs an ndarray itself.
      expect(importNames(a)).to.include('numpy._core.multiarray._reconstruct');
      expect(a.calls.some((c) => c.target.kind === 'global' && c.target.name === '_reconstruct')).to.equal(true);
    });
  });

  describe('crafted streams', () => {
    it('steps over padded raw data, whatever it contains, and reads on', async () => {
      const head = wrapper(asm().proto(4).op('EMPTY_LIST'), { shape: [2], dtype: 'f8' }).build();
      const raw = new TextEncoder().encode('cos\nsystem\n\x00\x00\x00\x00\x00'); // 16 bytes = 2 × f8
      const tail = asm().op('APPEND').callGlobal('builtins', 'print').op('POP').stop().build();
      const bytes = concat(head, padding(head.length), raw, tail);
      const { a, hookAnomalies } = await run(bytes);
      expect(a.anomalies).to.deep.equal([]);
      expect(hookAnomalies).to.deep.equal([]);
      expect(importNames(a)).to.not.include('os.system');
      expect(importNames(a)).to.include('builtins.print');
    });

    it('reads the padding length the loader reads, and reports padding joblib never writes', async () => {
      const head = wrapper(asm().proto(4).op('EMPTY_LIST'), { shape: [1], dtype: 'i4' }).build();
      const pad = Uint8Array.from([20, ...new Array<number>(20).fill(0x41)]);
      const tail = asm().op('APPEND').callGlobal('os', 'getcwd').op('POP').stop().build();
      const { a, hookAnomalies } = await run(concat(head, pad, Uint8Array.from([1, 2, 3, 4]), tail));
      expect(a.anomalies).to.deep.equal([]);
      expect(importNames(a)).to.include('os.getcwd');
      expect(hookAnomalies.map((x) => x.code)).to.deep.equal(['joblib/unexpected-padding']);
      expect(hookAnomalies[0]!.detail).to.include({ padding: 20, filled: false });
    });

    it('analyses the pickle after an object-dtype wrapper, then the rest of the outer stream', async () => {
      const head = wrapper(asm().proto(4).op('EMPTY_LIST'), { shape: [1], dtype: 'O8' }).build();
      const tail = asm().op('APPEND').callGlobal('builtins', 'print').op('POP').stop().build();
      const { a } = await run(concat(head, getcwdPickle(), tail));
      expect(a.anomalies).to.deep.equal([]);
      expect(importNames(a)).to.include.members(['os.getcwd', 'builtins.print']);
    });

    it('inside an object array pickle a NumpyArrayWrapper BUILD is just a BUILD (a plain Unpickler reads no inline data)', async () => {
      const inner = wrapper(asm().proto(4), { shape: [100], dtype: 'f8', align: null }).op('POP').callGlobal('os', 'getcwd').stop().build();
      const head = wrapper(asm().proto(4).op('EMPTY_LIST'), { shape: [1], dtype: 'O8' }).build();
      const tail = asm().op('APPEND').stop().build();
      const { a } = await run(concat(head, inner, tail));
      expect(importNames(a)).to.include('os.getcwd');
      expect(a.anomalies).to.deep.equal([]);
    });

    it('unaligned data that would run as a pickle under a forged object flag is not skipped', async () => {
      const payload = getcwdPickle();
      const head = wrapper(asm().proto(4).op('EMPTY_LIST'), { shape: [payload.length], dtype: 'u1', align: 'absent' }).build();
      const tail = asm().op('APPEND').stop().build();
      const { a, hookAnomalies } = await run(concat(head, payload, tail));
      expect(hookAnomalies.map((x) => x.code)).to.deep.equal(['joblib/array-unmeasured']);
      expect(importNames(a)).to.include('os.getcwd');
    });

    it('older sklearn.externals.joblib wrappers are measured too', async () => {
      const head = wrapper(asm().proto(2).op('EMPTY_LIST'), { shape: [3], dtype: 'i2', align: 'absent', module: 'sklearn.externals.joblib.numpy_pickle' }).build();
      const tail = asm().op('APPEND').stop().build();
      const { a } = await run(concat(head, Uint8Array.from([0xff, 0xff, 0xfe, 0xff, 0x00, 0x01]), tail));
      expect(a.anomalies).to.deep.equal([]);
    });

    it('data running past the end is a truncation', async () => {
      const head = wrapper(asm().proto(4), { shape: [1000], dtype: 'f8' }).build();
      const { a } = await run(concat(head, padding(head.length), new Uint8Array(10)));
      expect(anomalyCodes(a)).to.include('pickle/truncated');
    });

    it('an unsizable dtype is not guessed: the bytes are read as opcodes', async () => {
      const head = wrapper(asm().proto(4), { shape: [2], dtype: 'x9' }).build();
      const { a, hookAnomalies } = await run(concat(head, padding(head.length), new Uint8Array(4).fill(0xfe)));
      expect(hookAnomalies.map((x) => x.code)).to.deep.equal(['joblib/array-unmeasured']);
      expect(a.anomalies).to.not.deep.equal([]);
    });
  });

  describe('describeJoblibArray', () => {
    const dtype = (s: string, extra: Record<string, unknown> = {}): PlainValue => ({ call: 'numpy.dtype', args: [s, false, true], ...extra }) as PlainValue;
    const st = (attrs: Record<string, PlainValue>): PlainValue => ({ dict: Object.entries(attrs) });
    const base = { subclass: { global: 'numpy.ndarray' }, order: 'C', allow_mmap: true } as Record<string, PlainValue>;

    it('sizes numpy dtype strings', () => {
      const cases: Array<[string, number[], number]> = [
        ['b1', [3], 3], ['i1', [2], 2], ['u2', [2], 4], ['i8', [2, 3], 48], ['f2', [5], 10], ['f16', [1], 16], ['c8', [2], 16], ['c32', [1], 32],
        ['<U10', [2], 80], ['S5', [3], 15], ['V8', [2], 16], ['M8', [4], 32], ['m8', [1], 8], ['M8[ns]', [1], 8], ['f8', [], 8], ['f8', [0, 5], 0],
      ];
      for (const [s, shape, n] of cases) {
        const l = describeJoblibArray(st({ ...base, shape, dtype: dtype(s), numpy_array_alignment_bytes: 16 }));
        expect(l, s).to.deep.include({ kind: 'raw', padded: true, alignment: 16, nbytes: n });
      }
    });

    it('object dtypes are a pickle, with no padding', () => {
      expect(describeJoblibArray(st({ ...base, shape: [3], dtype: dtype('O8'), numpy_array_alignment_bytes: 16 }))).to.deep.include({ kind: 'pickle', padded: false });
    });

    it('alignment: absent or None means no padding byte', () => {
      expect(describeJoblibArray(st({ ...base, shape: [1], dtype: dtype('f4') }))).to.deep.include({ padded: false, nbytes: 4 });
      expect(describeJoblibArray(st({ ...base, shape: [1], dtype: dtype('f4'), numpy_array_alignment_bytes: null }))).to.deep.include({ padded: false });
    });

    it('uses the dtype pickle state when the engine provides it (elsize, flags)', () => {
      const flagged = dtype('f8', { state: [3, '<', null, null, null, -1, -1, 63] });
      expect(describeJoblibArray(st({ ...base, shape: [2], dtype: flagged }))).to.deep.include({ kind: 'pickle', dtypeStateKnown: true });
      const resized = dtype('V8', { state: [3, '|', null, null, null, 100, 1, 0] });
      expect(describeJoblibArray(st({ ...base, shape: [2], dtype: resized }))).to.deep.include({ kind: 'raw', nbytes: 200 });
      const fixed = dtype('f8', { state: [3, '<', null, null, null, 1000, 1, 0] });
      expect(describeJoblibArray(st({ ...base, shape: [2], dtype: fixed }))).to.deep.include({ nbytes: 16 });
    });

    it('is undefined where the loader would not read a computable length', () => {
      const bad: PlainValue[] = [
        st({ ...base, dtype: dtype('f8') }), // no shape
        st({ ...base, shape: [2] }), // no dtype
        st({ ...base, shape: [-1], dtype: dtype('f8') }),
        st({ ...base, shape: [2.5], dtype: dtype('f8') }),
        st({ ...base, shape: 3, dtype: dtype('f8') }),
        st({ ...base, shape: [2], dtype: dtype('U0') }), // itemsize 0: read_array divides by it
        st({ ...base, shape: [2 ** 40, 2 ** 40], dtype: dtype('f8') }), // int64 overflow
        st({ ...base, shape: [2], dtype: dtype('q9') }),
        st({ ...base, shape: [2], dtype: { global: 'numpy.float64' } }),
        st({ ...base, shape: [2], dtype: { call: 'numpy.dtype', args: ['i1,i4', true, true] } }), // align=True
        st({ ...base, shape: [2], dtype: dtype('f8'), numpy_array_alignment_bytes: { unknown: 'x' } }),
        { dict: [[{ unknown: 'a long str' }, 1], ['shape', [1]], ['dtype', dtype('f8')]] },
        { dict: Array.from({ length: 64 }, (_, i) => [`k${i}`, i] as [PlainValue, PlainValue]) },
        [st({ shape: [1] }), null],
        null,
      ];
      for (const s of bad) expect(describeJoblibArray(s), JSON.stringify(s)).to.equal(undefined);
    });
  });
});
