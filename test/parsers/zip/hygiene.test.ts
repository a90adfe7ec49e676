/** Zip entries as extraction sees them (escaping names, symlinks) and large deflated members read as streams. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { bufferReader } from '../../../src/sources/readers.js';
import { IN_MEMORY_LIMIT } from '../../../src/parsers/zip/member.js';
import { openMemberChecked, readZipDirectory, ZipLimitError } from '../../../src/parsers/zip/index.js';
import type { StreamReader } from '../../../src/parsers/compression/index.js';
import { buildZip } from './helpers/zip-writer.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const S_IFLNK = 0o120000;

function numbered(size: number): Uint8Array {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= size; i += 4) view.setUint32(i, i, true);
  return out;
}

describe('zip hygiene', () => {
  it('names that escape the extraction folder (Python zipfile writes them as given)', async () => {
    const dir = await readZipDirectory(bufferReader(fixture('malicious/archive/traversal.zip')));
    const hits = dir.anomalies.filter((a) => a.code === 'zip/path-traversal');
    expect(hits.map((a) => a.detail!.name)).to.deep.equal(['../evil.txt', '/tmp/evil.txt']);
    expect(hits[0]!.message).to.equal('extracting member "../evil.txt" writes outside the target folder');
  });

  it('symlink entries: the small target is read, and an escaping one is marked', async () => {
    const link = (name: string, target: string, method = 0) => ({ name, data: target, method, madeBy: 0x0314, externalAttr: ((S_IFLNK | 0o777) << 16) >>> 0 });
    const reader = bufferReader(buildZip([link('a/out', '../../etc/passwd'), link('a/in', 'sibling.txt', 8), { name: 'a/sibling.txt', data: 'x' }]));
    const dir = await readZipDirectory(reader);
    const links = dir.anomalies.filter((a) => a.code === 'zip/symlink');
    expect(links.map((a) => [a.detail!.name, a.detail!.linkName, a.detail!.escapes])).to.deep.equal([
      ['a/out', '../../etc/passwd', true],
      ['a/in', 'sibling.txt', false],
    ]);
    expect(links[0]!.message).to.equal('member "a/out" is a symbolic link to "../../etc/passwd"');
  });

  it('deflated members past the in-memory limit are read through a streaming reader, bytes intact', async () => {
    const big = numbered(IN_MEMORY_LIMIT + 3 * 1024 * 1024);
    const reader = bufferReader(buildZip([{ name: 'big.bin', data: big, method: 8 }]));
    const dir = await readZipDirectory(reader);
    const opened = await openMemberChecked(reader, dir.entries[0]!, { maxBytes: 64 << 20 });
    expect(opened.anomalies).to.deep.equal([]);
    expect(opened.reader.size).to.equal(big.length);
    const stats = (opened.reader as StreamReader).stats;
    expect(stats, 'a streaming reader').to.be.an('object');
    const at = big.length - 100_000;
    expect(Buffer.compare(Buffer.from(await opened.reader.read(at, 100_000)), Buffer.from(big.subarray(at)))).to.equal(0);
    expect(Buffer.compare(Buffer.from(await opened.reader.read(12, 40)), Buffer.from(big.subarray(12, 52)))).to.equal(0);
    expect(stats.restarts).to.equal(1);
  });

  it('a header that understates the size does not get a big member into memory, and the lie is reported', async () => {
    const big = new Uint8Array(IN_MEMORY_LIMIT + 1024 * 1024);
    const reader = bufferReader(buildZip([{ name: 'lies.bin', data: big, method: 8, uncompressedSize: 100 }]));
    const dir = await readZipDirectory(reader);
    const opened = await openMemberChecked(reader, dir.entries[0]!, { maxBytes: 64 << 20 });
    expect((opened.reader as StreamReader).stats).to.be.an('object');
    expect(opened.anomalies!.map((a) => a.detail)).to.deep.equal([{ name: 'lies.bin', index: 0, inflated: big.length, declared: 100, corrupt: false }]);
    let caught: unknown;
    await openMemberChecked(reader, dir.entries[0]!, { maxBytes: IN_MEMORY_LIMIT + 1000 }).catch((e) => (caught = e));
    expect(caught).to.be.instanceOf(ZipLimitError);
  });
});
