import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { bufferReader } from '../../../src/sources/readers.js';
import { isTarHeader, linkEscapes, readTarEntries, TAR_ANOMALY_CODES } from '../../../src/parsers/archive/tar.js';
import { buildTar, tarHeader } from './helpers/tar-writer.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
const dec = new TextDecoder();
const read = (bytes: Uint8Array) => readTarEntries(bufferReader(bytes));
const codes = (r: Awaited<ReturnType<typeof read>>) => r.anomalies.map((a) => a.code);

describe('archive/readTarEntries', () => {
  it('reads tars written by Python tarfile: GNU long names, symlinks, pax names', async () => {
    const gnu = await read(fixture('python-gnu.tar'));
    expect(gnu.isTar).to.equal(true);
    expect(gnu.entries.map((e) => [e.name, e.type, e.size])).to.deep.equal([
      ['dir/' + 'n'.repeat(120) + '.pkl', 'file', 17],
      ['link', 'symlink', 0],
    ]);
    const bytes = fixture('python-gnu.tar');
    const first = gnu.entries[0]!;
    expect(dec.decode(bytes.subarray(first.dataOffset, first.dataOffset + first.size))).to.equal('long-named member');
    const link = gnu.anomalies.find((a) => a.code === 'tar/link')!;
    expect(link.detail).to.include({ name: 'link', linkName: '../../etc/passwd', escapes: true });

    const pax = await read(fixture('python-pax.tar'));
    expect(pax.entries.map((e) => e.name)).to.deep.equal(['données/modèle.pkl']);
    expect(pax.anomalies).to.deep.equal([]);
  });

  it('ustar prefixes, V7 directories and the end marker', async () => {
    const r = await read(buildTar([
      { name: 'file.pkl', prefix: 'deep/folder', data: 'x' },
      { name: 'adir/', type: '\0' },
    ]));
    expect(r.entries.map((e) => [e.name, e.type])).to.deep.equal([['deep/folder/file.pkl', 'file'], ['adir', 'directory']]);
    expect(r.anomalies).to.deep.equal([]);
  });

  it('long names and pax records from the test writer', async () => {
    const r = await read(buildTar([
      { name: 'short', longName: 'a/'.repeat(80) + 'x.pkl', data: 'L' },
      { name: 'ignored', pax: { path: 'pax/named.pkl', size: '3' }, data: 'abc' },
    ]));
    expect(r.entries.map((e) => [e.name, e.size])).to.deep.equal([['a/'.repeat(80) + 'x.pkl', 1], ['pax/named.pkl', 3]]);
  });

  it('a bad first header means tarfile.open fails; a later one silently ends the archive', async () => {
    expect((await read(buildTar([{ name: 'a', data: 'x', badChecksum: true }]))).isTar).to.equal(false);
    expect((await read(new TextEncoder().encode('\x80\x02}q\x00.'))).isTar).to.equal(false);
    const later = await read(buildTar([{ name: 'a', data: 'x' }, { name: 'hidden', data: 'y', badChecksum: true }, { name: 'c', data: 'z' }]));
    expect(later.isTar).to.equal(true);
    expect(later.entries.map((e) => e.name)).to.deep.equal(['a']);
    expect(codes(later)).to.deep.equal(['tar/bad-checksum']);
  });

  it('accepts signed-byte checksums as tarfile does', async () => {
    const h = tarHeader({ name: 'é', size: 0, type: '0' });
    let signed = 256;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) signed += h[i]! > 127 ? h[i]! - 256 : h[i]!;
    h.set(new TextEncoder().encode(signed.toString(8).padStart(6, '0') + '\0 '), 148);
    expect(isTarHeader(h)).to.equal(true);
  });

  it('path traversal, links, duplicates', async () => {
    const r = await read(buildTar([
      { name: '../evil.pkl', data: 'x' },
      { name: '/abs.pkl', data: 'x' },
      { name: 'hard', type: '1', linkName: 'pickle' },
      { name: 'pickle', data: 'a' },
      { name: 'pickle', data: 'b' },
    ]));
    expect(codes(r)).to.include.members(['tar/path-traversal', 'tar/link', 'tar/duplicate-name']);
    expect(r.anomalies.filter((a) => a.code === 'tar/path-traversal')).to.have.length(2);
    expect(r.anomalies.find((a) => a.code === 'tar/duplicate-name')!.detail).to.include({ name: 'pickle', loaderIndex: 4 });
  });

  it('truncation: ReadError for data past the end, quiet stop for a missing end block', async () => {
    const whole = buildTar([{ name: 'a', data: 'x'.repeat(1000) }]);
    const cut = await read(whole.subarray(0, 700));
    expect(cut.readError).to.be.a('string');
    expect(codes(cut)).to.include('tar/truncated');
    const noEnd = await read(buildTar([{ name: 'a', data: 'x' }], { end: false }));
    expect(codes(noEnd)).to.deep.equal(['tar/no-end-marker']);
  });

  it('data after the end marker', async () => {
    const r = await read(buildTar([{ name: 'a', data: 'x' }], { trailing: new Uint8Array(20 * 512).fill(1) }));
    expect(codes(r)).to.include('tar/data-after-end');
  });

  it('bounds the entry count', async () => {
    const r = await readTarEntries(bufferReader(buildTar(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}` })))), { maxEntries: 10 });
    expect(r.entries).to.have.length(10);
    expect(codes(r)).to.include('tar/too-many-entries');
  });

  it('linkEscapes follows symlink folders', () => {
    expect(linkEscapes('a/b', '../c', 'symlink')).to.equal(false);
    expect(linkEscapes('a/b', '../../c', 'symlink')).to.equal(true);
    expect(linkEscapes('b', '/etc/passwd', 'hardlink')).to.equal(true);
    expect(linkEscapes('b', '../x', 'hardlink')).to.equal(true);
  });

  it('documents its codes', () => {
    for (const code of Object.keys(TAR_ANOMALY_CODES)) expect(code).to.match(/^tar\/[a-z-]+$/);
  });

  it('never throws on damaged tars', async () => {
    const sample = buildTar([
      { name: 'sys_info', data: 'a' },
      { name: 'x', longName: 'long/'.repeat(30), data: 'b' },
      { name: 'y', pax: { path: 'p', linkpath: 'q' }, type: '2' },
      { name: 'pickle', data: 'c'.repeat(600) },
    ]);
    await fc.assert(
      fc.asyncProperty(fc.nat(sample.length), fc.array(fc.tuple(fc.nat(sample.length - 1), fc.nat(255)), { maxLength: 8 }), async (cut, edits) => {
        const bytes = sample.slice(0, cut);
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        const r = await read(bytes);
        expect(r.entries.length).to.be.at.most(10);
      }),
      { numRuns: 400 },
    );
  });
});
