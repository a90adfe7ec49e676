import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { bufferReader } from '../../../src/sources/readers.js';
import {
  badCrcAnomaly,
  checkCrc,
  computeCrc,
  openMember,
  openMemberChecked,
  readZipDirectory,
  ZipLimitError,
  ZipMemberError,
} from '../../../src/parsers/zip/index.js';
import { buildZip, buildZipSegments, countingReader, segmentReader } from './helpers/zip-writer.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
const all = async (r: { size: number; read(o: number, l: number): Promise<Uint8Array> }) => r.read(0, r.size);

describe('zip/openMember and checkCrc', () => {
  it('opens stored members as windows and deflated members inflated', async () => {
    const reader = bufferReader(buildZip([
      { name: 'a/stored', data: 'stored bytes' },
      { name: 'a/deflated', data: 'deflated '.repeat(100), method: 8 },
    ]));
    const dir = await readZipDirectory(reader);
    expect(dec.decode(await all(await openMember(reader, dir.entries[0]!)))).to.equal('stored bytes');
    expect(dec.decode(await all(await openMember(reader, dir.entries[1]!)))).to.equal('deflated '.repeat(100));
    expect(await checkCrc(reader, dir.entries[0]!)).to.equal(true);
    expect(await checkCrc(reader, dir.entries[1]!)).to.equal(true);
  });

  it('reads archives written by Python zipfile', async () => {
    const reader = bufferReader(data('python-deflate.zip'));
    const dir = await readZipDirectory(reader);
    expect(dir.anomalies).to.deep.equal([]);
    expect(dir.comment).to.equal('made by make.py');
    const pkl = await all(await openMember(reader, dir.entries[0]!));
    expect(pkl.length).to.equal(340);
    expect(await checkCrc(reader, dir.entries[0]!)).to.equal(true);

    const z64 = bufferReader(data('python-zip64-local.zip'));
    const dir64 = await readZipDirectory(z64);
    expect(dir64.anomalies).to.deep.equal([]);
    expect((await openMember(z64, dir64.entries[0]!)).size).to.equal(64);
    expect(await checkCrc(z64, dir64.entries[0]!)).to.equal(true);
  });

  it('bad CRC (CVE-2025-10156): detected, with an anomaly ready to record', async () => {
    const reader = bufferReader(buildZip([
      { name: 'archive/data.pkl', data: 'payload', crc: 0xdeadbeef },
      { name: 'archive/x.pkl', data: 'payload', crc: 0x1234, method: 8 },
    ]));
    const dir = await readZipDirectory(reader);
    for (const entry of dir.entries) {
      expect(await checkCrc(reader, entry)).to.equal(false);
      const anomaly = badCrcAnomaly(entry, await computeCrc(reader, entry));
      expect(anomaly.code).to.equal('zip/bad-crc');
      expect(anomaly.detail).to.include({ name: entry.name, expected: entry.crc32, loader: 'ignores' });
    }
  });

  it('throws ZipLimitError past maxBytes, for reading and for CRC', async () => {
    const reader = bufferReader(buildZip([{ name: 'a/bomb', data: new Uint8Array(1 << 20), method: 8 }]));
    const dir = await readZipDirectory(reader);
    let caught: unknown;
    try {
      await openMember(reader, dir.entries[0]!, { maxBytes: 1000 });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ZipLimitError);
    expect((caught as ZipLimitError).anomaly.code).to.equal('zip/member-too-large');
    caught = undefined;
    await computeCrc(reader, dir.entries[0]!, { maxBytes: 1000 }).catch((e) => (caught = e));
    expect(caught).to.be.instanceOf(ZipLimitError);
  });

  it('corrupt deflate data and size mismatches', async () => {
    const good = new Uint8Array(deflateRawSync(enc.encode('hello hello hello')));
    const corrupt = good.slice(0, 5);
    const reader = bufferReader(buildZip([
      { name: 'a/corrupt', data: corrupt, method: 0, compressedSize: 5, uncompressedSize: 17 },
      { name: 'a/short', data: 'hello hello hello', method: 8, uncompressedSize: 99 },
    ]));
    const dir = await readZipDirectory(reader);
    const entry = { ...dir.entries[0]!, method: 8 };
    let caught: unknown;
    await openMember(reader, entry).catch((e) => (caught = e));
    expect(caught).to.be.instanceOf(ZipMemberError);
    expect((caught as ZipMemberError).code).to.equal('zip/inflate-error');

    const opened = await openMemberChecked(reader, dir.entries[1]!);
    expect(dec.decode(await all(opened.reader))).to.equal('hello hello hello');
    expect(opened.anomalies![0]!.detail).to.include({ inflated: 17, declared: 99, corrupt: false });
  });

  it('an empty deflated member is empty, as miniz returns it', async () => {
    const reader = bufferReader(buildZip([{ name: 'a/empty', data: '', method: 8, compressedSize: 0 }]));
    const dir = await readZipDirectory(reader);
    expect((await openMember(reader, dir.entries[0]!)).size).to.equal(0);
    expect(await checkCrc(reader, dir.entries[0]!)).to.equal(true);
  });

  it('refuses unsupported methods with a typed error', async () => {
    const reader = bufferReader(buildZip([{ name: 'a/bz2', data: 'x', method: 12 }]));
    const dir = await readZipDirectory(reader);
    let caught: unknown;
    await openMember(reader, dir.entries[0]!).catch((e) => (caught = e));
    expect((caught as ZipMemberError).code).to.equal('zip/unsupported-method');
  });

  it('reading the directory of a 1 GB archive touches a few kilobytes', async () => {
    const quarter = 256 * 1024 * 1024;
    const segments = buildZipSegments([
      { name: 'archive/data.pkl', data: 'small pickle' },
      { name: 'archive/data/0', virtualSize: quarter },
      { name: 'archive/data/1', virtualSize: quarter },
      { name: 'archive/data/2', virtualSize: quarter },
      { name: 'archive/data/3', virtualSize: quarter },
      { name: 'archive/version', data: '3\n' },
    ]);
    const reader = countingReader(segmentReader(segments));
    expect(reader.size).to.be.greaterThan(1_000_000_000);
    const dir = await readZipDirectory(reader);
    expect(dir.anomalies).to.deep.equal([]);
    expect(dir.entries).to.have.length(6);
    expect(reader.bytesRead).to.be.lessThan(16 * 1024);

    const before = reader.bytesRead;
    expect(await checkCrc(reader, dir.entries[0]!)).to.equal(true);
    const tensor = await openMember(reader, dir.entries[2]!);
    expect(tensor.size).to.equal(quarter);
    expect(reader.bytesRead - before).to.equal('small pickle'.length);
  });

  it('rethrows reader I/O errors instead of hiding them', async () => {
    const inner = bufferReader(buildZip([{ name: 'a/b', data: 'x' }]));
    const failing = { size: inner.size, read: async () => { throw new Error('EIO'); } };
    let caught: unknown;
    await readZipDirectory(failing).catch((e) => (caught = e));
    expect((caught as Error).message).to.equal('EIO');
  });
});
