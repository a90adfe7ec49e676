/** The streaming reader: sliding window, restart on a backward read, serialised reads, flat memory. */
import zlib from 'node:zlib';
import { expect } from 'chai';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { decompressToReader } from '../../../src/parsers/joblib/index.js';
import { DEFAULT_WINDOW, streamReader, zlibStream, type StreamReader } from '../../../src/parsers/compression/index.js';
import type { PickleArtifact } from '../../../src/parsers/pickle/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';

/** 1 MiB of bytes where each 4-byte word is its own offset: any misplaced byte shows. */
function numbered(size: number): Uint8Array {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= size; i += 4) view.setUint32(i, i, true);
  return out;
}

const plain = numbered(1 << 20);
const z = new Uint8Array(zlib.deflateSync(plain, { level: 1 }));
const open = () => zlibStream(bufferReader(z));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('streamReader', () => {
  it('serves forward reads from the stream without restarting', async () => {
    const r = streamReader(open, plain.length, 128 * 1024);
    for (let at = 0; at < plain.length; at += 100_000) expect(same(await r.read(at, 70_000), plain.subarray(at, at + 70_000))).to.equal(true);
    expect(r.stats.restarts).to.equal(0);
    expect(r.stats.decoded).to.equal(plain.length);
    // The window holds what was asked behind the furthest read, not the whole output.
    expect(r.stats.maxWindowBytes).to.be.lessThan(128 * 1024 + 3 * 64 * 1024);
  });

  it('a small step back is served from the window; a read behind it restarts, and is still right', async () => {
    const r = streamReader(open, plain.length, 128 * 1024);
    await r.read(500_000, 10);
    expect(same(await r.read(450_000, 1000), plain.subarray(450_000, 451_000))).to.equal(true);
    expect(r.stats.restarts).to.equal(0);
    expect(same(await r.read(10, 5000), plain.subarray(10, 5010))).to.equal(true);
    expect(r.stats.restarts).to.equal(1);
    expect(same(await r.read(900_000, 200_000), plain.subarray(900_000))).to.equal(true);
  });

  it('keeps the ByteReader contract at the edges', async () => {
    const r = streamReader(open, plain.length);
    expect((await r.read(plain.length, 10)).length).to.equal(0);
    expect((await r.read(-5, 10)).length).to.equal(0);
    expect((await r.read(5, 0)).length).to.equal(0);
    expect(same(await r.read(plain.length - 3, 100), plain.subarray(plain.length - 3))).to.equal(true);
    // A size smaller than the stream (a cap) hides what lies beyond it.
    const capped = streamReader(open, 1000);
    expect((await capped.read(900, 500)).length).to.equal(100);
  });

  it('serialises concurrent reads', async () => {
    const r = streamReader(open, plain.length, 64 * 1024);
    const offsets = [700_000, 10, 300_000, 999_000, 5];
    const got = await Promise.all(offsets.map((o) => r.read(o, 4000)));
    offsets.forEach((o, i) => expect(same(got[i]!, plain.subarray(o, o + 4000)), `offset ${o}`).to.equal(true));
  });

  it('memory stays flat: a ~300 MB gzip stream is measured, read through and analysed with a few MiB held', async function () {
    this.timeout(120_000);
    const size = 300 * 1024 * 1024;
    // A pickle whose 300 MB of zero bytes sit between its start and an os.getcwd call.
    const head = Uint8Array.from([0x80, 0x04, 0x8e, ...u64(size - 64)]);
    const tail = new TextEncoder().encode('0cos\ngetcwd\n)R.');
    const gz = await gzipStreamed(head, size - 64, tail);
    expect(gz.length).to.be.lessThan(1 << 20);
    if (global.gc) global.gc();
    const rssBefore = process.memoryUsage().rss;
    const { reader, anomalies } = await decompressToReader(bufferReader(gz), 'gzip', { maxBytes: 512 << 20, maxRatio: 2000 });
    expect(anomalies).to.deep.equal([]);
    expect(reader!.size).to.equal(head.length + size - 64 + tail.length);
    let peak = 0;
    for (let at = 0; at < reader!.size; at += 1 << 20) {
      const chunk = await reader!.read(at, 1 << 20);
      expect(chunk.length).to.be.greaterThan(0);
      peak = Math.max(peak, process.memoryUsage().rss - rssBefore);
    }
    const stats = (reader as StreamReader).stats;
    expect(stats.maxWindowBytes).to.be.at.most(DEFAULT_WINDOW + (1 << 20));
    expect(stats.restarts).to.equal(0);
    expect(peak, 'RSS growth while reading 300 MB').to.be.lessThan(120 << 20);

    const artifact = await analyseReader(bufferReader(gz), 'big.pkl.gz', 0, { ...DEFAULT_ANALYSE_OPTIONS, maxMemberBytes: 512 << 20 });
    const pickle = find(artifact, (a) => a.format === 'pickle') as PickleArtifact | undefined;
    expect(pickle?.pickle.imports.map((i) => `${i.module}.${i.name}`)).to.include('os.getcwd');
    expect(process.memoryUsage().rss - rssBefore, 'RSS growth after analysing').to.be.lessThan(150 << 20);
  });
});

function u64(n: number): number[] {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return [...b];
}

/** gzip of head + n zero bytes + tail, compressed as it is generated (never 300 MB in memory). */
function gzipStreamed(head: Uint8Array, zeros: number, tail: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gz = zlib.createGzip({ level: 9 });
    const out: Buffer[] = [];
    gz.on('data', (c: Buffer) => out.push(c));
    gz.on('end', () => resolve(new Uint8Array(Buffer.concat(out))));
    gz.on('error', reject);
    const block = Buffer.alloc(1 << 20);
    let left = zeros;
    gz.write(head);
    const pump = () => {
      while (left > 0) {
        const n = Math.min(block.length, left);
        left -= n;
        if (!gz.write(block.subarray(0, n))) return void gz.once('drain', pump);
      }
      gz.end(tail);
    };
    pump();
  });
}

function find(a: Artifact, pred: (a: Artifact) => boolean): Artifact | undefined {
  if (pred(a)) return a;
  for (const c of a.children) {
    const hit = find(c, pred);
    if (hit) return hit;
  }
  return undefined;
}
