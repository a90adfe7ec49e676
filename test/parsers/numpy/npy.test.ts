/** .npy headers read as numpy's format.read_array reads them; object arrays hand their body to the pickle engine. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { isNpy, parseDtypeString, parseLiteral, parseNpyHeader, type NpyHeader, type PyValue } from '../../../src/parsers/numpy/index.js';
import { analysePickle } from '../../../src/parsers/pickle/index.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Anomaly } from '../../../src/types.js';
import { concat, importNames } from '../pickle/helpers.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
const parse = (bytes: Uint8Array) => parseNpyHeader(bufferReader(bytes));
const codes = (r: { anomalies: Anomaly[] }) => r.anomalies.map((a) => a.code);

/** magic + version + little-endian header length + header (+ body). */
function npy(header: string | Uint8Array, opts: { version?: [number, number]; body?: Uint8Array; pad?: boolean } = {}): Uint8Array {
  const [major, minor] = opts.version ?? [1, 0];
  const lenSize = major === 1 ? 2 : 4;
  let text = typeof header === 'string' ? header : '';
  if (typeof header === 'string' && opts.pad) {
    const total = 8 + lenSize + text.length + 1;
    text += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  }
  const hb = typeof header === 'string' ? (major === 3 ? new TextEncoder().encode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0))) : header;
  const len = new Uint8Array(lenSize);
  const dv = new DataView(len.buffer);
  if (lenSize === 2) dv.setUint16(0, hb.length, true);
  else dv.setUint32(0, hb.length, true);
  return concat(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, minor]), len, hb, opts.body ?? new Uint8Array(0));
}

const STD = (descr: string, shape = '(2,)') => `{'descr': ${descr}, 'fortran_order': False, 'shape': ${shape}, }`;

describe('numpy .npy', () => {
  it('isNpy looks at the magic string', () => {
    expect(isNpy(fixture('benign/numpy-float32.npy'))).to.equal(true);
    expect(isNpy(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50]))).to.equal(false);
    expect(isNpy(new TextEncoder().encode('NUMPY...'))).to.equal(false);
  });

  describe('files numpy wrote', () => {
    const expected: Record<string, Partial<NpyHeader>> = {
      'f8-v1.npy': { descr: '<f8', shape: [2, 3], version: '1.0', fortranOrder: false, hasObject: false, dataOffset: 128 },
      'f8-v2.npy': { descr: '<f8', shape: [2, 3], version: '2.0', hasObject: false, dataOffset: 128 },
      'fortran.npy': { descr: '>i4', shape: [2, 3], fortranOrder: true, hasObject: false },
      'scalar.npy': { descr: '<i2', shape: [], hasObject: false },
      'empty.npy': { descr: '<f4', shape: [0, 4], hasObject: false },
      'unicode.npy': { descr: '<U3', shape: [2], hasObject: false },
      'record.npy': { shape: [2], hasObject: false, dataOffset: 192 },
      'record-object.npy': { shape: [1], hasObject: true },
      'utf8-v3.npy': { version: '3.0', descr: [['数字', '<i4']], hasObject: false },
      'datetime.npy': { descr: '<M8[D]', hasObject: false },
      'object.npy': { descr: '|O', shape: [3], hasObject: true },
    };
    for (const [name, want] of Object.entries(expected)) {
      it(`data/${name}`, async () => {
        const r = await parse(data(name));
        expect(r.anomalies).to.deep.equal([]);
        expect(r.header).to.deep.include(want);
      });
    }

    it('benign fixtures: plain and object arrays', async () => {
      const f = await parse(fixture('benign/numpy-float32.npy'));
      expect(f.anomalies).to.deep.equal([]);
      expect(f.header).to.deep.include({ descr: '<f4', shape: [5], hasObject: false, dataOffset: 128 });
      const o = await parse(fixture('benign/numpy-object.npy'));
      expect(o.anomalies).to.deep.equal([]);
      expect(o.header!.hasObject).to.equal(true);
      const a = await analysePickle(bufferReader(fixture('benign/numpy-object.npy')), { start: o.header!.dataOffset });
      expect(a.anomalies).to.deep.equal([]);
      expect(a.streams[0]!.complete).to.equal(true);
    });

    it('malicious c51: the object body is a pickle, found from dataOffset', async () => {
      const bytes = fixture('malicious/c51-numpy-object-npy-payload.npy');
      const r = await parse(bytes);
      expect(r.header!.hasObject).to.equal(true);
      const a = await analysePickle(bufferReader(bytes), { start: r.header!.dataOffset });
      expect(importNames(a)).to.include('os.getcwd');
    });
  });

  describe("agrees with numpy's header reader (data/headers.json)", () => {
    interface Case { name: string; version: [number, number]; header: string; ok: boolean; shape?: number[]; fortran?: boolean; itemsize?: number; hasobject?: boolean; error?: string }
    const cases = (JSON.parse(readFileSync(new URL('./data/headers.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases;
    for (const c of cases) {
      it(`${c.name}: numpy ${c.ok ? 'accepts' : 'rejects'}`, async () => {
        const count = (c.shape ?? []).reduce((a, b) => a * Math.max(b, 0), 1);
        const body = c.ok && !c.hasobject ? new Uint8Array(count * c.itemsize!) : new Uint8Array(0);
        const r = await parse(npy(c.header, { version: c.version, body }));
        const rejected = !r.header || codes(r).includes('numpy/bad-header');
        const unknown = codes(r).includes('numpy/unknown-descr');
        if (!c.ok) {
          // Failing closed on a descr we cannot size is allowed: the body is then analysed as a pickle.
          expect(rejected || (unknown && r.header!.hasObject), JSON.stringify(r)).to.equal(true);
          return;
        }
        expect(rejected, JSON.stringify(r.anomalies)).to.equal(c.shape!.some((n) => n < 0)); // negative dims: read_array raises later
        expect(r.header!.shape).to.deep.equal(c.shape);
        expect(r.header!.fortranOrder).to.equal(c.fortran);
        expect(r.header!.hasObject, JSON.stringify(r)).to.equal(c.hasobject || unknown);
        if (!c.hasobject && !unknown && !c.shape!.some((n) => n < 0)) {
          expect(codes(r), 'body is shape × itemsize').to.not.include('numpy/size-mismatch');
          const more = await parse(npy(c.header, { version: c.version, body: concat(body, Uint8Array.of(0)) }));
          expect(codes(more), 'one byte more').to.include('numpy/size-mismatch');
        }
      });
    }
  });

  describe('anomalies', () => {
    it('unsupported versions', async () => {
      for (const v of [[0, 0], [1, 1], [4, 0], [255, 255]] as Array<[number, number]>) {
        const r = await parse(npy(STD("'<f8'"), { version: v }));
        expect(codes(r)).to.deep.equal(['numpy/unsupported-version']);
        expect(r.header).to.equal(undefined);
      }
    });

    it('truncation in the magic, version, length and header', async () => {
      const full = npy(STD("'<f8'"), { pad: true, body: new Uint8Array(16) });
      for (const cut of [3, 7, 9, 30]) {
        const r = await parse(full.subarray(0, cut));
        expect(codes(r), String(cut)).to.deep.equal(['numpy/truncated']);
      }
      const v2 = npy(STD("'<f8'"), { version: [2, 0], pad: true });
      expect(codes(await parse(v2.subarray(0, 11)))).to.deep.equal(['numpy/truncated']);
    });

    it('not a .npy file', async () => {
      expect(codes(await parse(new TextEncoder().encode('PK\x03\x04 not numpy')))).to.deep.equal(['numpy/bad-header']);
      expect(codes(await parse(new Uint8Array(0)))).to.deep.equal(['numpy/truncated']);
    });

    it('trailing bytes after the data, and too few bytes', async () => {
      const extra = await parse(npy(STD("'<f8'"), { pad: true, body: new Uint8Array(16 + 100) }));
      expect(codes(extra)).to.deep.equal(['numpy/size-mismatch']);
      expect(extra.anomalies[0]!.detail).to.include({ expected: 16, actual: 116 });
      expect(extra.anomalies[0]!.offset).to.equal(128 + 16);
      const short = await parse(npy(STD("'<f8'"), { pad: true, body: new Uint8Array(15) }));
      expect(codes(short)).to.deep.equal(['numpy/size-mismatch']);
      // Object arrays: the body is a pickle of any length.
      expect(codes(await parse(npy(STD("'|O'"), { pad: true, body: new Uint8Array(99) })))).to.deep.equal([]);
    });

    it('a repeated key takes the last value, and is reported', async () => {
      const r = await parse(npy("{'descr': '<f8', 'descr': '|O', 'fortran_order': False, 'shape': (2,)}", { pad: true }));
      expect(r.header!.hasObject).to.equal(true);
      expect(r.header!.descr).to.equal('|O');
      expect(codes(r)).to.deep.equal(['numpy/duplicate-key']);
    });

    it('headers numpy accepts but never writes', async () => {
      const noNewline = await parse(npy(STD("'<f8'"), { body: new Uint8Array(16) }));
      expect(codes(noNewline)).to.include('numpy/nonstandard-header');
      const comment = await parse(npy(STD("'<f8'") + ' # hidden\n', { body: new Uint8Array(16) }));
      expect(codes(comment)).to.include('numpy/nonstandard-header');
      expect(comment.header!.hasObject).to.equal(false);
      const standard = await parse(npy(STD("'<f8'"), { pad: true, body: new Uint8Array(16) }));
      expect(standard.anomalies).to.deep.equal([]);
    });

    it('headers over 10000 characters', async () => {
      const r = await parse(npy(STD("'<f8'") + ' '.repeat(20000) + '\n', { version: [2, 0], body: new Uint8Array(16) }));
      expect(codes(r)).to.include('numpy/large-header');
      expect(r.header!.shape).to.deep.equal([2]);
    });

    it('a 3.0 header that is not UTF-8, and a header running past the end', async () => {
      const bad = npy(concat(new TextEncoder().encode("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x"), Uint8Array.of(0xff, 0x27, 0x7d)), { version: [3, 0] });
      expect(codes(await parse(bad))).to.deep.equal(['numpy/bad-header']);
      const long = npy(STD("'<f8'"), { pad: true });
      long[8] = 0xff;
      long[9] = 0xff;
      expect(codes(await parse(long))).to.deep.equal(['numpy/truncated']);
    });

    it('an unknown descr is treated as holding objects (fail closed)', async () => {
      const r = await parse(npy(STD("'qq7'"), { pad: true, body: new Uint8Array(4) }));
      expect(codes(r)).to.deep.equal(['numpy/unknown-descr']);
      expect(r.header!.hasObject).to.equal(true);
    });
  });

  describe('parts', () => {
    it('parseDtypeString', () => {
      const want: Record<string, [number, boolean] | undefined> = {
        '<f8': [8, false], '|O': [8, true], O8: [8, true], object: [8, true], '|b1': [1, false], b: [1, false], '<U10': [40, false], '|S5': [5, false],
        '|V8': [8, false], '<M8[ns]': [8, false], m8: [8, false], '<c32': [32, false], 'i4,O': [12, true], 'i4,f8': [12, false], '3i4': [12, false],
        '2O': [16, true], T: [16, true], i16: undefined, f12: undefined, 'zz': undefined, '': undefined,
      };
      for (const [s, w] of Object.entries(want)) {
        const d = parseDtypeString(s);
        expect(d ? [d.itemsize, d.hasObject] : undefined, s).to.deep.equal(w);
      }
    });

    it('parseLiteral agrees with ast.literal_eval on 600 edited literals (data/headers.json)', () => {
      const lits = (JSON.parse(readFileSync(new URL('./data/headers.json', import.meta.url), 'utf8')) as { literals: Array<{ s: string; ok: boolean; v?: unknown }> }).literals;
      const conv = (v: PyValue): unknown => {
        switch (v.t) {
          case 'none':
            return null;
          case 'bool':
            return { bool: v.v };
          case 'int':
            return { int: v.v.toString() };
          case 'float':
            return { float: v.v };
          case 'complex':
            return { complex: true };
          case 'ellipsis':
            return { ellipsis: true };
          case 'str':
            return { str: v.v };
          case 'bytes':
            return { bytes: Array.from(v.v) };
          case 'set':
            return { set: true };
          case 'dict':
            return { dict: v.entries.map(([k, x]) => [conv(k), conv(x)]) };
          default:
            return { [v.t]: v.items.map(conv) };
        }
      };
      // Python's side, normalised the same way (floats as numbers, sets by kind only).
      const norm = (x: unknown): unknown =>
        JSON.parse(JSON.stringify(x), (_k, y) => (y && typeof y === 'object' && 'float' in y ? { float: Number(y.float) } : y && typeof y === 'object' && 'set' in y ? { set: true } : y));
      expect(lits.length).to.be.greaterThan(500);
      for (const c of lits) {
        let ours: unknown;
        try {
          ours = conv(parseLiteral(c.s).value);
        } catch {
          ours = undefined;
        }
        expect(ours !== undefined, c.s).to.equal(c.ok);
        if (c.ok) expect(norm(ours), c.s).to.deep.equal(norm(c.v));
      }
    });

    it('parseLiteral follows Python where readers disagree', () => {
      const v = (s: string) => parseLiteral(s).value;
      expect(v("'a' 'b'")).to.deep.equal({ t: 'str', v: 'ab' });
      expect(v("r'\\x41'")).to.deep.equal({ t: 'str', v: '\\x41' });
      expect(v("'\\x41\\101\\u0041\\q'")).to.deep.equal({ t: 'str', v: 'AAA\\q' });
      expect(v('(1)')).to.deep.equal({ t: 'int', v: 1n });
      expect(v('(1,)')).to.deep.equal({ t: 'tuple', items: [{ t: 'int', v: 1n }] });
      expect(v('-0x_1f')).to.deep.equal({ t: 'int', v: -31n });
      expect(v('1+2j')).to.deep.equal({ t: 'complex' });
      for (const bad of ['1+2', '--1', "b'a' 'b'", "f'x'", '01', 'x', '[1,', "'a\nb'", '{[1]: 2}', '1 2']) expect(() => parseLiteral(bad), bad).to.throw();
      expect(() => parseLiteral('('.repeat(500) + ')'.repeat(500))).to.throw();
    });
  });

  describe('robustness', () => {
    it('never throws on random bytes, truncations or mutations', async () => {
      const seeds = ['f8-v1.npy', 'record.npy', 'utf8-v3.npy', 'object.npy'].map(data);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 200 }),
            fc.uint8Array({ maxLength: 200 }).map((b) => concat(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]), b)),
            fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([s, n]) => s.subarray(0, n % (s.length + 1))),
            fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([s, at, patch]) => {
              const out = Uint8Array.from(s);
              const i = at % out.length;
              out.set(patch.subarray(0, out.length - i), i);
              return out;
            }),
            fc.string({ maxLength: 120 }).map((t) => npy(t)),
          ),
          async (bytes) => {
            const r = await parse(bytes);
            for (const a of r.anomalies) expect(a.code).to.match(/^numpy\//);
            if (r.header) expect(r.header.dataOffset).to.be.at.most(bytes.length);
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
