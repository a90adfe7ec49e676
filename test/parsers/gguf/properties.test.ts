/** Truncated and mutated GGUF files: analysis always returns an artifact, never throws, never hangs. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { analyseGguf } from '../../../src/parsers/gguf/analyse.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { buildGguf, soundSpec, V } from './build.js';

const dir = (kind: string): URL => new URL(`../../fixtures/${kind}/gguf/`, import.meta.url);
const fixtures = ['benign', 'malicious'].flatMap((kind) =>
  readdirSync(dir(kind))
    .filter((f) => f.endsWith('.gguf'))
    .map((f) => new Uint8Array(readFileSync(new URL(f, dir(kind))))),
);
const vocab = Array.from({ length: 1500 }, (_, i) => `token${i}`);
const handMade = [
  // A header longer than the first read window, so mutations land on both sides of a refill.
  buildGguf(soundSpec({ kvs: [{ key: 'tokenizer.ggml.tokens', type: V.ARRAY, arrayType: V.STRING, value: vocab }, ...soundSpec().kvs!.slice(0, 3), soundSpec().kvs![5]] })),
  buildGguf(soundSpec()),
  buildGguf(soundSpec({ version: 1 })),
  buildGguf(soundSpec({ bigEndian: true })),
  buildGguf({ kvs: [{ key: 'n', type: V.ARRAY, arrayType: V.ARRAY, innerType: V.STRING, value: [['a'], ['b', 'c']] }] }),
];
const corpus = [...fixtures, ...handMade];

/** Values that make lengths, counts and offsets hostile when written over a field. */
const HUGE_U64 = [1n << 63n, (1n << 64n) - 1n, 1n << 40n, 1n << 32n, 0xffffffffn, 1n << 31n];
const HOSTILE_U32 = [0xffffffff, 0x80000000, 9, 13, 99, 5, 0];

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'u64'; at: number; value: bigint }
  | { kind: 'u32'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('u64' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...HUGE_U64), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(...HOSTILE_U32) }),
);

function mutate(source: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = source.slice();
  for (const m of ms) {
    // Mutations land in the header most of the time: that is where the parser's decisions are.
    const at = m.at % Math.max(1, Math.min(b.length, m.at % 3 === 0 ? b.length : 16_384));
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'flip') b[at] = m.byte;
    else if (m.kind === 'u64' && at + 8 <= b.length) view.setBigUint64(at, m.value, true);
    else if (m.kind === 'u32' && at + 4 <= b.length) view.setUint32(at, m.value, true);
  }
  return b;
}

const isGgufMagic = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x47 && b[1] === 0x47 && b[2] === 0x55 && b[3] === 0x46;

describe('gguf properties', () => {
  it('mutated and truncated files always give an artifact, with gguf anomalies only and none internal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (i, ms) => {
        const bytes = mutate(corpus[i], ms);
        const started = Date.now();
        const artifact = await analyseReader(bufferReader(bytes), 'm.gguf');
        expect(Date.now() - started, 'analysis time').to.be.lessThan(2000);
        expect(artifact.path).to.equal('m.gguf');
        if (!isGgufMagic(bytes)) return;
        expect(artifact.format).to.equal('gguf');
        for (const a of artifact.anomalies) {
          expect(a.code).to.match(/^gguf\//);
          expect(a.code, a.message).to.not.equal('gguf/read-error');
          if (a.offset !== undefined) expect(a.offset).to.be.within(0, bytes.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every prefix of a real file is analysed without throwing, and only the whole file is sound', async () => {
    const whole = fixtures[0];
    for (let cut = 0; cut < whole.length; cut += 13) {
      const a = await analyseGguf(bufferReader(whole.subarray(0, cut)), { path: 'p.gguf', options: DEFAULT_ANALYSE_OPTIONS });
      expect(a.anomalies.length, `prefix ${cut}`).to.be.greaterThan(0);
    }
    const a = await analyseGguf(bufferReader(whole), { path: 'p.gguf', options: DEFAULT_ANALYSE_OPTIONS });
    expect(a.anomalies).to.deep.equal([]);
  });
});
