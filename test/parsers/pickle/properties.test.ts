/** Properties over arbitrary and mutated input: analysis always returns, never throws, stays fast. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { OPCODES } from '../../../src/parsers/pickle/opcodes.js';
import type { PickleAnalysis } from '../../../src/parsers/pickle/types.js';
import { analyse, asm } from './helpers.js';

const dataDir = new URL('./data/', import.meta.url);
const files = ['small-p0.pkl', 'small-p1.pkl', 'small-p2.pkl', 'small-p3.pkl', 'small-p4.pkl', 'small-p5.pkl'].map((n) => new Uint8Array(readFileSync(new URL(n, dataDir))));

function wellFormed(a: PickleAnalysis, size: number): void {
  expect(a.streams.every((s) => s.start >= 0 && s.end <= size && s.start <= s.end)).to.equal(true);
  expect(a.imports.every((i) => i.offset >= 0 && i.offset < size)).to.equal(true);
  expect(a.calls.every((c) => c.offset >= 0 && c.offset < size)).to.equal(true);
  expect(a.anomalies.every((x) => typeof x.code === 'string' && x.code.startsWith('pickle/'))).to.equal(true);
  expect(a.anomalies.some((x) => x.code === 'pickle/internal-error'), JSON.stringify(a.anomalies)).to.equal(false);
}

/** Random opcode sequences with well-formed arguments: deeper coverage than random bytes. */
const opcodeSeq = fc
  .array(
    fc.record({
      op: fc.constantFrom(...OPCODES.filter((o) => o !== undefined).map((o) => o!.code)),
      n: fc.integer({ min: 0, max: 300 }),
      s: fc.constantFrom('os', 'getcwd', 'builtins', 'print', '0', '1', '', 'a.b'),
    }),
    { maxLength: 60 },
  )
  .map((ops) => {
    const b = asm();
    for (const { op, n, s } of ops) {
      const info = OPCODES[op]!;
      b.raw(op);
      switch (info.arg) {
        case 'u1':
          b.raw(n & 0xff);
          break;
        case 'u2':
          b.raw(n & 0xff, n >> 8);
          break;
        case 'i4':
        case 'u4':
          b.raw(n & 0xff, (n >> 8) & 0xff, 0, 0);
          break;
        case 'f8':
        case 'frame8':
          b.raw(n & 0x3f, 0, 0, 0, 0, 0, 0, 0);
          break;
        case 'long1':
        case 'bytes1':
          b.raw(s.length, s);
          break;
        case 'long4':
        case 'bytes4':
        case 'sbytes4':
          b.raw(s.length, 0, 0, 0, s);
          break;
        case 'bytes8':
          b.raw(s.length, 0, 0, 0, 0, 0, 0, 0, s);
          break;
        case 'line':
          b.raw(info.line === 'string' ? `'${s}'` : info.line === 'int' || info.line === 'memo' || info.line === 'long' ? String(n) : s, 0x0a);
          break;
        case 'line2':
          b.raw(s, 0x0a, s, 0x0a);
          break;
        default:
          break;
      }
    }
    return b.build();
  });

describe('pickle engine: properties', () => {
  it('arbitrary bytes never throw and always return a well-formed analysis', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        wellFormed(await analyse(bytes), bytes.length);
      }),
      { numRuns: 400, seed: 1 },
    );
  });

  it('arbitrary opcode sequences never throw', async () => {
    await fc.assert(
      fc.asyncProperty(opcodeSeq, async (bytes) => {
        wellFormed(await analyse(bytes), bytes.length);
      }),
      { numRuns: 600, seed: 2 },
    );
  });

  it('truncating a valid pickle at every position yields an anomaly, never a throw', async () => {
    for (const bytes of files) {
      for (let cut = 1; cut < bytes.length; cut++) {
        const a = await analyse(bytes.subarray(0, cut));
        expect(a.anomalies.length, `cut at ${cut}`).to.be.greaterThan(0);
        expect(a.streams[0]?.complete ?? false).to.equal(false);
        wellFormed(a, cut);
      }
    }
  });

  it('flipping any byte of a valid pickle never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), fc.nat(), fc.integer({ min: 0, max: 255 }), async (i, pos, value) => {
        const bytes = files[i]!.slice();
        bytes[pos % bytes.length] = value;
        wellFormed(await analyse(bytes), bytes.length);
      }),
      { numRuns: 400, seed: 3 },
    );
  });

  it('a memo/DUP bomb stays fast and small', async () => {
    // 2 levels of 10 refs per list, 200 levels deep, then 100 000 DUPs and a call on it all.
    const b = asm().proto(4).global('builtins', 'print').op('EMPTY_LIST').memoize();
    for (let level = 1; level <= 200; level++) {
      b.op('MARK');
      for (let i = 0; i < 10; i++) b.longBinget(level - 1);
      b.op('LIST').memoize();
    }
    for (let i = 0; i < 100_000; i++) b.op('DUP');
    b.op('TUPLE1', 'REDUCE', 'STOP');
    const started = Date.now();
    const a = await analyse(b.build());
    expect(Date.now() - started).to.be.below(3000);
    expect(a.calls[0]!.argsPreview!.length).to.be.at.most(200);
    expect(JSON.stringify(a).length).to.be.below(5000);
  });
});
