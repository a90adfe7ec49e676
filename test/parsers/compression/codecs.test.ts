/** The decoders against data made by the real libraries (data/make_data.py): output, ends, checks, damage. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { bufferReader } from '../../../src/sources/readers.js';
import { bzip2Stream, decompress, lz4Stream, lzmaFileStream, openStream, type CompressionKind, type DecodeStream } from '../../../src/parsers/compression/index.js';
import { OUTPUT_CHUNK } from '../../../src/parsers/compression/sync-stream.js';
import { Crc64, xxh32 } from '../../../src/parsers/compression/checks.js';
import type { ByteReader } from '../../../src/types.js';

const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
const plain = data('plain.bin');
const CAPS = { maxBytes: 1 << 30, maxRatio: 2000 };

async function drain(s: DecodeStream): Promise<{ out: Uint8Array; chunks: number; biggest: number }> {
  const parts: Uint8Array[] = [];
  let biggest = 0;
  for (let c = await s.next(); c; c = await s.next()) {
    parts.push(c);
    biggest = Math.max(biggest, c.length);
  }
  return { out: new Uint8Array(Buffer.concat(parts)), chunks: parts.length, biggest };
}

const streamOf = (name: string, kind: CompressionKind) => openStream(bufferReader(data(name)), kind)();
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('compression decoders', () => {
  const cases: Array<[string, CompressionKind]> = [
    ['plain.xz', 'xz'], ['plain-crc32.xz', 'xz'], ['plain-sha256.xz', 'xz'], ['plain-nocheck.xz', 'xz'],
    ['plain-9e.xz', 'xz'], ['plain-multiblock.xz', 'xz'], ['two-streams.xz', 'xz'],
    ['plain.lzma', 'lzma'], ['plain-sized.lzma', 'lzma'],
    ['plain.bz2', 'bz2'], ['two-streams.bz2', 'bz2'],
    ['plain.lz4', 'lz4'], ['plain-independent.lz4', 'lz4'], ['plain-linked-64k.lz4', 'lz4'], ['skippable.lz4', 'lz4'],
  ];
  for (const [name, kind] of cases) {
    it(`${name}: decodes to the original bytes and ends where the file ends`, async () => {
      const s = streamOf(name, kind);
      const { out, biggest } = await drain(s);
      expect(out.length).to.equal(plain.length);
      expect(same(out, plain)).to.equal(true);
      expect(s.end).to.deep.equal({ state: 'complete', end: data(name).length });
      // Output comes in bounded chunks (an LZ4 block is at most 4 MiB; the rest stay near OUTPUT_CHUNK).
      expect(biggest).to.be.at.most(kind === 'lz4' ? 4 << 20 : OUTPUT_CHUNK + 1024);
    });
  }

  it('an xz filter other than LZMA2 is reported unsupported, not decoded wrongly', async () => {
    const r = await decompress(bufferReader(data('plain-delta.xz')), 'xz', CAPS);
    expect(r.anomalies.map((a) => a.code)).to.deep.equal(['archive/unsupported-compression']);
    expect(r.anomalies[0]!.message).to.match(/xz filter 0x3/);
    expect(r.reader).to.equal(undefined);
  });

  it('junk after a complete stream is ignored as the loaders ignore it, and reported', async () => {
    for (const [name, kind] of [['plain.xz', 'xz'], ['plain.bz2', 'bz2'], ['plain.lz4', 'lz4'], ['plain.lzma', 'lzma']] as const) {
      const file = Buffer.concat([data(name), Buffer.from('not a stream at all, just junk')]);
      const r = await decompress(bufferReader(new Uint8Array(file)), kind, CAPS);
      expect(r.anomalies.map((a) => a.code), name).to.deep.equal(['archive/trailing-data']);
      expect(r.anomalies[0]!.detail).to.include({ length: 30 });
      expect(same(await r.reader!.read(0, r.reader!.size), plain), name).to.equal(true);
    }
  });

  it('a cut-short stream yields a prefix of the data and says it is truncated', async () => {
    for (const [name, kind] of [['plain.xz', 'xz'], ['plain.lzma', 'lzma'], ['plain.bz2', 'bz2'], ['plain.lz4', 'lz4'], ['plain-independent.lz4', 'lz4']] as const) {
      const file = data(name);
      for (const cut of [Math.floor(file.length * 0.6), file.length - 1]) {
        const r = await decompress(bufferReader(file.subarray(0, cut)), kind, CAPS);
        expect(r.anomalies.map((a) => a.code), `${name} at ${cut}`).to.deep.equal(['archive/corrupt-compression']);
        expect(r.anomalies[0]!.detail, `${name} at ${cut}`).to.include({ reason: 'truncated' });
        if (r.reader) {
          const got = await r.reader.read(0, r.reader.size);
          expect(same(got, plain.subarray(0, got.length)), `${name} at ${cut}`).to.equal(true);
        }
      }
    }
  });

  it('integrity checks fail closed: a flipped byte in the data is corrupt, never silently wrong', async () => {
    for (const [name, kind] of [['plain.xz', 'xz'], ['plain-sha256.xz', 'xz'], ['plain-crc32.xz', 'xz'], ['plain.bz2', 'bz2'], ['plain-independent.lz4', 'lz4']] as const) {
      const file = Uint8Array.from(data(name));
      file[Math.floor(file.length / 2)] ^= 0x01;
      const r = await decompress(bufferReader(file), kind, CAPS);
      expect(r.anomalies.map((a) => a.code), name).to.deep.equal(['archive/corrupt-compression']);
      expect(r.anomalies[0]!.detail, name).to.include({ reason: 'corrupt' });
    }
  });

  it('checks the stored checksums themselves (block CRC, xz check, LZ4 content checksum)', async () => {
    // The last bytes of each file are the final checksums: flip one there.
    for (const [name, kind, back] of [['plain.xz', 'xz', 13], ['plain.bz2', 'bz2', 2], ['plain-independent.lz4', 'lz4', 1]] as const) {
      const file = Uint8Array.from(data(name));
      file[file.length - back] ^= 0x40;
      const r = await decompress(bufferReader(file), kind, CAPS);
      expect(r.anomalies.map((a) => a.code), name).to.deep.equal(['archive/corrupt-compression']);
    }
  });

  it('caps: a bzip2 stream of zeros stops at the ratio limit; any stream stops at maxBytes', async () => {
    // bzip2's run-length stage makes zeros expand about a million times: 402 bytes hold 512 MB.
    const bomb = new Uint8Array(readFileSync(new URL('../../fixtures/malicious/archive/bomb.bz2', import.meta.url)));
    const r = await decompress(bufferReader(bomb), 'bz2', CAPS);
    expect(r.anomalies.map((a) => a.code)).to.deep.equal(['archive/decompression-bomb']);
    expect(r.anomalies[0]!.message).to.match(/decompression bomb/);
    expect(r.reader!.size).to.be.within(1 << 20, 4 << 20);
    expect((await r.reader!.read(r.reader!.size - 10, 100)).length).to.equal(10);
    const capped = await decompress(bufferReader(data('plain.xz')), 'xz', { maxBytes: 10_000, maxRatio: 2000 });
    expect(capped.anomalies.map((a) => a.code)).to.deep.equal(['archive/decompression-limit']);
    expect(capped.reader!.size).to.equal(10_000);
    expect(same(await capped.reader!.read(0, 20_000), plain.subarray(0, 10_000))).to.equal(true);
  });

  it('CRC-64 and xxHash32 match their reference values', () => {
    const c = new Crc64();
    c.update(new TextEncoder().encode('123456789'));
    expect(Buffer.from(c.digest()).readBigUInt64LE()).to.equal(0x995dc9bbdf1939fan);
    expect(xxh32(new Uint8Array(0))).to.equal(0x02cc5d05);
    expect(xxh32(new TextEncoder().encode('abc'))).to.equal(0x32d153ff);
  });

  it('never throws, and always ends, on mutated or truncated streams (each codec)', async () => {
    const seeds: Array<[Uint8Array, (r: ByteReader) => DecodeStream]> = [
      [data('plain.xz').subarray(0, 3000), (r) => lzmaFileStream(r)],
      [data('plain.lzma').subarray(0, 3000), (r) => lzmaFileStream(r)],
      [data('plain.bz2'), (r) => bzip2Stream(r)],
      [data('plain-independent.lz4').subarray(0, 3000), (r) => lz4Stream(r)],
      [data('plain.lz4').subarray(0, 3000), (r) => lz4Stream(r)],
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(seeds.length - 1), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.boolean(), async (which, at, patch, cut) => {
        const [seed, open] = seeds[which]!;
        let bytes = Uint8Array.from(seed);
        const pos = at % bytes.length;
        if (cut) bytes = bytes.subarray(0, pos);
        else bytes.set(patch.subarray(0, bytes.length - pos), pos);
        const s = open(bufferReader(bytes));
        let total = 0;
        for (let c = await s.next(); c; c = await s.next()) total += c.length;
        expect(s.end, 'every stream says how it ended').to.not.equal(undefined);
        expect(total).to.be.at.most(64 << 20);
      }),
      { numRuns: 150 },
    );
  });
});
