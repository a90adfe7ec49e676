import { expect } from 'chai';
import { analyseReader } from '../../../src/engine/analyse.js';
import { rangeFetch } from '../../../src/parsers/gguf/range-fetch.js';
import type { GgufArtifact } from '../../../src/parsers/gguf/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { ByteReader } from '../../../src/types.js';
import { buildGguf, soundSpec, V } from './build.js';

/** Counts what is read, so a test can prove the tensor data is never touched. */
function counting(inner: ByteReader): ByteReader & { reads: Array<[number, number]>; total: () => number } {
  const reads: Array<[number, number]> = [];
  return {
    size: inner.size,
    reads,
    total: () => reads.reduce((sum, [, n]) => sum + n, 0),
    async read(offset, length) {
      const got = await inner.read(offset, length);
      reads.push([offset, got.length]);
      return got;
    },
  };
}

describe('gguf reads only the header', () => {
  it('costs header-sized reads on a file with an 8 MiB tensor section', async () => {
    const spec = soundSpec({ tensors: [{ name: 'big.weight', dims: [2048, 1024], type: 0 }, { name: 'small.weight', dims: [32], type: 0 }] });
    const bytes = buildGguf(spec);
    expect(bytes.length).to.be.greaterThan(8 * 1024 * 1024);
    const reader = counting(bufferReader(bytes));
    const a = (await analyseReader(reader, 'big.gguf')) as GgufArtifact;
    expect(a.format).to.equal('gguf');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.gguf.parameterCount).to.equal(2048 * 1024 + 32);
    const dataStart = a.gguf.dataOffset!;
    expect(dataStart).to.be.lessThan(512);
    // The engine's 4 KiB sniff, the walk's first 4 KiB window and the JavaScript reader's header-only ranges.
    expect(reader.total(), JSON.stringify(reader.reads)).to.be.lessThan(3 * 4096 + 2 * dataStart);
    expect(Math.max(...reader.reads.map(([o, n]) => o + n))).to.be.at.most(4096);
  });

  it('reads a large vocabulary in a few growing windows, not one read per token', async () => {
    const tokens = Array.from({ length: 50_000 }, (_, i) => `token-${i}`);
    const bytes = buildGguf({ kvs: [{ key: 'tokenizer.ggml.tokens', type: V.ARRAY, arrayType: V.STRING, value: tokens }] });
    const reader = counting(bufferReader(bytes));
    const a = (await analyseReader(reader, 'vocab.gguf')) as GgufArtifact;
    expect(a.anomalies).to.deep.equal([]);
    expect(reader.reads.length).to.be.lessThan(20);
  });
});

describe('gguf range fetch', () => {
  const reader = bufferReader(new Uint8Array(Array.from({ length: 100 }, (_, i) => i)));

  it('answers a Range request with 206 and Content-Range', async () => {
    const res = await rangeFetch(reader)('https://x.invalid/f', { headers: { Range: 'bytes=10-19' } });
    expect(res.status).to.equal(206);
    expect(res.headers.get('content-range')).to.equal('bytes 10-19/100');
    expect([...new Uint8Array(await res.arrayBuffer())]).to.deep.equal([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('stops at the served prefix but reports the whole size', async () => {
    const res = await rangeFetch(reader, 15)('https://x.invalid/f', { headers: { Range: 'bytes=10-99' } });
    expect(res.headers.get('content-range')).to.equal('bytes 10-14/100');
    expect(new Uint8Array(await res.arrayBuffer()).length).to.equal(5);
  });

  it('answers 416 past the end and to a request without a usable range', async () => {
    expect((await rangeFetch(reader)('u', { headers: { Range: 'bytes=100-200' } })).status).to.equal(416);
    expect((await rangeFetch(reader)('u', { headers: { Range: 'bytes=-5' } })).status).to.equal(416);
    expect((await rangeFetch(reader)('u')).status).to.equal(416);
  });
});
