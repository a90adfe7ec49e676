/** Compressed joblib files: detection by magic bytes, capped streaming inflate, corrupt and cut-short streams. */
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { expect } from 'chai';
import fc from 'fast-check';
import { decompressToReader, detectCompression, joblibInlineData, type JoblibCompression } from '../../../src/parsers/joblib/index.js';
import { analysePickle, sniffPickle } from '../../../src/parsers/pickle/index.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { ByteReader } from '../../../src/types.js';
import { asm, concat, importNames } from '../pickle/helpers.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
// The defaults' ratio: a20 inflates 1 211 bytes ~1000-fold, deflate's ceiling.
const CAPS = { maxBytes: 256 * 1024 * 1024, maxRatio: 2000 };

const all = async (r: ByteReader) => r.read(0, r.size);
const codes = (x: { anomalies: Array<{ code: string }> }) => x.anomalies.map((a) => a.code);
const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);

/** A pickle that calls os.getcwd first, then carries `n` bytes of harmless data. */
const payloadThenData = (n: number) => {
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(n), true);
  return concat(asm().proto(4).callGlobal('os', 'getcwd').op('POP').raw(0x8e).build(), len, new Uint8Array(n), asm().op('POP').stop().build());
};

async function decompress(bytes: Uint8Array, caps = CAPS) {
  const reader = bufferReader(bytes);
  const kind = detectCompression(await reader.read(0, 16));
  expect(kind, 'detected').to.not.equal(null);
  return decompressToReader(reader, kind!, caps);
}

describe('compressed joblib', () => {
  describe('detectCompression', () => {
    it('recognises the magic bytes joblib dispatches on', () => {
      const cases: Array<[number[], JoblibCompression | null]> = [
        [[0x78, 0x9c, 0], 'zlib'], [[0x78, 0x01], 'zlib'], [[0x78, 0xda], 'zlib'], [[0x78, 0x5e], 'zlib'],
        [[0x1f, 0x8b, 8], 'gzip'], [[0x42, 0x5a, 0x68, 0x39], 'bz2'], [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
        [[0x5d, 0x00, 0x00, 0x80, 0x00], 'lzma'], [[0x5d, 0x00, 0x10], 'lzma'], [[0x04, 0x22, 0x4d, 0x18], 'lz4'],
        [[0x80, 0x04, 0x95], null], [[0x42, 0x5a, 0x30], null], [[], null], [[0x78], null],
      ];
      for (const [head, want] of cases) expect(detectCompression(Uint8Array.from(head)), head.join(',')).to.equal(want);
    });

    it('is strict about zlib: a file that merely starts with "x" is not zlib', () => {
      for (const text of ['xml version', 'x = 1\n', 'xyz', 'x\n']) expect(detectCompression(new TextEncoder().encode(text)), text).to.equal(null);
      // Exactly the second bytes that pass FCHECK without asking for a preset dictionary.
      for (let flg = 0; flg < 256; flg++) {
        const ok = ((0x78 << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
        expect(detectCompression(Uint8Array.from([0x78, flg])) === 'zlib').to.equal(ok);
      }
    });

    it('recognises the files joblib.dump(compress=...) writes', async () => {
      for (const m of ['zlib', 'gzip', 'bz2', 'lzma', 'xz'] as const) expect(detectCompression(data(`small.joblib.${m}`).subarray(0, 16)), m).to.equal(m);
      expect(detectCompression(fixture('benign/sklearn-pipeline-zlib.joblib'))).to.equal('zlib');
      expect(detectCompression(fixture('benign/sklearn-pipeline.joblib'))).to.equal(null);
    });
  });

  describe('decompressToReader', () => {
    it('inflates zlib and gzip joblib files to a pickle that analyses cleanly', async () => {
      for (const name of ['small.joblib.zlib', 'small.joblib.gzip']) {
        const r = await decompress(data(name));
        expect(r.anomalies, name).to.deep.equal([]);
        const hook = joblibInlineData(r.reader!);
        const a = await analysePickle(r.reader!, { inlineData: hook });
        expect(a.anomalies, name).to.deep.equal([]);
        expect(importNames(a)).to.include('joblib.numpy_pickle.NumpyArrayWrapper');
      }
      const r = await decompress(fixture('benign/sklearn-pipeline-zlib.joblib'));
      expect(r.anomalies).to.deep.equal([]);
      const a = await analysePickle(r.reader!, { inlineData: joblibInlineData(r.reader!) });
      expect(a.anomalies).to.deep.equal([]);
      for (const n of importNames(a)) expect(n).to.match(/^(sklearn|numpy|joblib)\./);
    });

    it('inflates the malicious zlib joblib fixture (a20) to a pickle', async () => {
      const r = await decompress(fixture('malicious/a20-opcode-budget-1.2m-ops.joblib'));
      expect(r.anomalies).to.deep.equal([]);
      expect(r.reader!.size).to.be.greaterThan(1_000_000);
      expect(sniffPickle(await r.reader!.read(0, 4096)).isPickle).to.equal(true);
    });

    it('decompresses bz2, lzma and xz joblib files to the same pickle as zlib', async () => {
      const reference = await all((await decompress(data('small.joblib.zlib'))).reader!);
      for (const m of ['bz2', 'lzma', 'xz', 'gzip'] as const) {
        const r = await decompress(data(`small.joblib.${m}`));
        expect(r.anomalies, m).to.deep.equal([]);
        expect(await all(r.reader!), m).to.deep.equal(reference);
        const a = await analysePickle(r.reader!, { inlineData: joblibInlineData(r.reader!) });
        expect(a.anomalies, m).to.deep.equal([]);
        expect(importNames(a), m).to.include('joblib.numpy_pickle.NumpyArrayWrapper');
      }
    });

    it('a truncated lz4 frame fails closed with what it decoded so far', async () => {
      const r = await decompressToReader(bufferReader(Uint8Array.from([0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7])), 'lz4', CAPS);
      expect(codes(r)).to.deep.equal(['archive/corrupt-compression']);
      expect(r.anomalies[0]!.detail).to.include({ reason: 'truncated' });
      expect(r.reader).to.equal(undefined);
    });

    it('stops at maxBytes while inflating and keeps the bytes before the limit', async () => {
      const plain = payloadThenData(4 * 1024 * 1024);
      const r = await decompress(u8(zlib.deflateSync(plain)), { maxBytes: 1024 * 1024, maxRatio: 1e9 });
      expect(codes(r)).to.deep.equal(['archive/decompression-limit']);
      expect(r.anomalies[0]!.detail).to.include({ limit: 'maxBytes', inflated: 1024 * 1024 });
      expect(r.reader!.size).to.equal(1024 * 1024);
      expect(await all(r.reader!)).to.deep.equal(plain.subarray(0, 1024 * 1024));
      const a = await analysePickle(r.reader!);
      expect(importNames(a)).to.include('os.getcwd');
    });

    it('stops a deflate bomb at the ratio limit', async () => {
      const bomb = u8(zlib.deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }));
      const r = await decompress(bomb, { maxBytes: 1 << 30, maxRatio: 100 });
      expect(codes(r)).to.deep.equal(['archive/decompression-bomb']);
      expect(r.anomalies[0]!.detail).to.include({ limit: 'maxRatio' });
      expect(r.reader!.size).to.be.lessThan(64 * 1024 * 1024);
    });

    it('a corrupt stream keeps what was inflated before the corruption', async () => {
      const plain = payloadThenData(512 * 1024);
      const z = u8(zlib.deflateSync(plain, { level: 1 }));
      const bad = Uint8Array.from(z);
      for (let i = Math.floor(bad.length / 2); i < bad.length - 4; i++) bad[i] = 0xff;
      for (const [name, bytes] of [['zlib', bad]] as const) {
        const r = await decompress(bytes);
        expect(codes(r), name).to.deep.equal(['archive/corrupt-compression']);
        expect(r.reader!.size).to.be.greaterThan(0);
        expect(importNames(await analysePickle(r.reader!))).to.include('os.getcwd');
      }
      const adler = Uint8Array.from(z);
      adler[adler.length - 1] ^= 0x01;
      const ra = await decompress(adler);
      expect(codes(ra)).to.deep.equal(['archive/corrupt-compression']);
      expect(ra.anomalies[0]!.detail).to.include({ reason: 'corrupt' });
      expect(ra.reader!.size).to.be.greaterThan(0);
      expect(importNames(await analysePickle(ra.reader!))).to.include('os.getcwd');
      const g = Uint8Array.from(u8(zlib.gzipSync(plain, { level: 1 })));
      for (let i = Math.floor(g.length / 2); i < g.length - 8; i++) g[i] = 0xff;
      const r = await decompress(g);
      expect(codes(r)).to.deep.equal(['archive/corrupt-compression']);
      expect(importNames(await analysePickle(r.reader!))).to.include('os.getcwd');
    });

    it('a stream cut short inflates what it can (as joblib does) and says so', async () => {
      const plain = payloadThenData(64 * 1024);
      for (const z of [u8(zlib.deflateSync(plain)), u8(zlib.gzipSync(plain))]) {
        for (const cut of [z.length - 2, Math.floor(z.length / 2)]) {
          const r = await decompress(z.subarray(0, cut));
          expect(codes(r)).to.deep.equal(['archive/corrupt-compression']);
          expect(r.anomalies[0]!.detail).to.include({ reason: 'truncated' });
          expect(importNames(await analysePickle(r.reader!))).to.include('os.getcwd');
        }
      }
    });

    it('only the first zlib stream / gzip member is read; what follows is reported', async () => {
      const first = asm().proto(2).op('NONE').stop().build();
      const second = asm().proto(2).callGlobal('os', 'getcwd').stop().build();
      for (const [z1, z2] of [
        [zlib.deflateSync(first), zlib.deflateSync(second)],
        [zlib.gzipSync(first), zlib.gzipSync(second)],
      ]) {
        const r = await decompress(concat(u8(z1), u8(z2)));
        expect(codes(r)).to.deep.equal(['archive/trailing-data']);
        expect(r.anomalies[0]!.detail).to.include({ length: z2.length });
        expect(await all(r.reader!)).to.deep.equal(first);
      }
    });

    it('checks the gzip trailer and reads optional header fields', async () => {
      const plain = asm().proto(2).callGlobal('os', 'getcwd').stop().build();
      const g = Uint8Array.from(u8(zlib.gzipSync(plain)));
      g[g.length - 6] ^= 0x01; // CRC-32
      const r = await decompress(g);
      expect(codes(r)).to.deep.equal(['archive/corrupt-compression']);
      expect(r.anomalies[0]!.detail).to.include({ error: 'incorrect data check' });
      expect(await all(r.reader!)).to.deep.equal(plain);

      // FEXTRA + FNAME + FCOMMENT + FHCRC, built by hand around a raw deflate body.
      const fixed = [0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3];
      const head = [...fixed, 3, 0, 1, 2, 3, ...new TextEncoder().encode('model.pkl'), 0, ...new TextEncoder().encode('note'), 0];
      const hcrc = zlib.crc32(Uint8Array.from(head)) & 0xffff;
      const trailer = new Uint8Array(8);
      new DataView(trailer.buffer).setUint32(0, zlib.crc32(plain), true);
      new DataView(trailer.buffer).setUint32(4, plain.length, true);
      const file = concat(Uint8Array.from([...head, hcrc & 0xff, hcrc >> 8]), u8(zlib.deflateRawSync(plain)), trailer);
      const ok = await decompress(file);
      expect(ok.anomalies).to.deep.equal([]);
      expect(await all(ok.reader!)).to.deep.equal(plain);

      const badHcrc = Uint8Array.from(file);
      badHcrc[head.length] ^= 0xff;
      const bad = await decompress(badHcrc);
      expect(bad.reader).to.equal(undefined);
      expect(codes(bad)).to.deep.equal(['archive/corrupt-compression']);
    });

    it('never throws on random or mutated input', async () => {
      const seeds = [u8(zlib.deflateSync(payloadThenData(2000))), u8(zlib.gzipSync(payloadThenData(2000))), data('small.joblib.bz2'), data('small.joblib.xz'), data('small.joblib.lzma')];
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }).map((b) => concat(Uint8Array.from([0x78, 0x9c]), b)),
            fc.uint8Array({ maxLength: 300 }).map((b) => concat(Uint8Array.from([0x1f, 0x8b, 8]), b)),
            fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([s, at, patch]) => {
              const out = Uint8Array.from(s);
              out.set(patch.subarray(0, Math.max(0, out.length - (at % out.length))), at % out.length);
              return out;
            }),
            fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([s, n]) => s.subarray(0, n % (s.length + 1))),
          ),
          fc.constantFrom<JoblibCompression>('zlib', 'gzip', 'bz2', 'xz', 'lzma', 'lz4'),
          async (bytes, kind) => {
            const r = await decompressToReader(bufferReader(bytes), kind, { maxBytes: 1 << 20, maxRatio: 1000 });
            for (const a of r.anomalies) expect(a.code).to.match(/^archive\//);
            if (r.reader) {
              expect(r.reader.size).to.be.at.most(1 << 20);
              // The second pass yields exactly the bytes the first one counted.
              expect((await r.reader.read(0, r.reader.size)).length).to.equal(r.reader.size);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
