import { expect } from 'chai';
import { bufferReader } from '../../../src/sources/readers.js';
import {
  ZIP_ANOMALY_CODES,
  isZipMagic,
  locateAsGeneric,
  locateAsLoader,
  readZipDirectory,
} from '../../../src/parsers/zip/index.js';
import type { ZipDirectory } from '../../../src/parsers/zip/index.js';
import { buildZip, cat, le, type TestEntry, type ZipOptions } from './helpers/zip-writer.js';

const enc = new TextEncoder();
const read = (entries: TestEntry[], opts?: ZipOptions) => readZipDirectory(bufferReader(buildZip(entries, opts)));
const codes = (dir: ZipDirectory) => dir.anomalies.map((a) => a.code);
const find = (dir: ZipDirectory, code: string) => dir.anomalies.filter((a) => a.code === code);

describe('zip/readZipDirectory', () => {
  it('reads a plain archive as the loader does, with data offsets from the local headers', async () => {
    const dir = await read([
      { name: 'archive/data.pkl', data: 'pickle-bytes', localExtra: cat(le(0x4246, 2), le(3, 2), enc.encode('ZZZ')) },
      { name: 'archive/version', data: '3\n', method: 8 },
    ]);
    expect(dir.anomalies).to.deep.equal([]);
    expect(dir.view).to.equal('loader');
    expect(dir.prependedBytes).to.equal(0);
    expect(dir.entries.map((e) => e.name)).to.deep.equal(['archive/data.pkl', 'archive/version']);
    const [pkl, version] = dir.entries;
    expect(pkl!.dataOffset).to.equal(30 + 16 + 7);
    expect(pkl!.unixMode).to.equal(0o100644);
    expect(version!.method).to.equal(8);
    expect(version!.localHeaderOffset).to.equal(pkl!.dataOffset + 12);
  });

  it('documents every code it can emit', async () => {
    for (const [code, text] of Object.entries(ZIP_ANOMALY_CODES)) {
      expect(code).to.match(/^zip\/[a-z0-9-]+$/);
      expect(text.length).to.be.greaterThan(20);
    }
  });

  it('isZipMagic checks only byte 0, as torch._is_zipfile does', () => {
    expect(isZipMagic(enc.encode('PK\x03\x04rest'))).to.equal(true);
    expect(isZipMagic(enc.encode('xPK\x03\x04'))).to.equal(false);
    expect(isZipMagic(enc.encode('PK\x05\x06'))).to.equal(false);
    expect(isZipMagic(new Uint8Array(2))).to.equal(false);
  });

  describe('duplicate names', () => {
    it('emulates miniz: of [a, a, b] the loader reads the FIRST a, Python the last', async () => {
      const dir = await read([
        { name: 'archive/data.pkl', data: 'first' },
        { name: 'archive/data.pkl', data: 'second' },
        { name: 'archive/version', data: '3' },
      ]);
      const [dup] = find(dir, 'zip/duplicate-name');
      expect(dup!.detail).to.include({ name: 'archive/data.pkl', loaderIndex: 0, genericIndex: 1 });
      expect(locateAsLoader(dir, 'archive/data.pkl')!.index).to.equal(0);
      expect(locateAsGeneric(dir.entries, 'archive/data.pkl')!.index).to.equal(1);
      expect(dir.entries[0]!.shadowedForGeneric).to.equal(true);
      expect(dir.entries[1]!.shadowedForLoader).to.equal(true);
    });

    it('emulates miniz: of exactly [a, a] the loader reads the second (heap sort is not stable)', async () => {
      const dir = await read([{ name: 'x/a', data: '1' }, { name: 'x/a', data: '2' }]);
      expect(find(dir, 'zip/duplicate-name')[0]!.detail).to.include({ loaderIndex: 1, genericIndex: 1 });
    });

    it('reports names that differ only in case: miniz looks up case-insensitively', async () => {
      const dir = await read([
        { name: 'archive/DATA.PKL', data: 'evil' },
        { name: 'archive/version', data: '3' },
      ]);
      const [hit] = find(dir, 'zip/case-collision');
      expect(hit).to.equal(undefined);
      expect(locateAsLoader(dir, 'archive/data.pkl')!.name).to.equal('archive/DATA.PKL');
      expect(locateAsGeneric(dir.entries, 'archive/data.pkl')).to.equal(undefined);

      const both = await read([
        { name: 'archive/DATA.PKL', data: 'evil' },
        { name: 'archive/data.pkl', data: 'benign' },
        { name: 'archive/version', data: '3' },
      ]);
      const [collision] = find(both, 'zip/case-collision');
      expect(collision!.detail!.names).to.have.members(['archive/DATA.PKL', 'archive/data.pkl']);
    });

    it('reports NUL in names: Python files "a\\0x" under "a"', async () => {
      const dir = await read([
        { name: 'archive/data.pkl\0junk', data: 'evil' },
        { name: 'archive/data.pkl', data: 'benign' },
      ]);
      expect(codes(dir)).to.include('zip/nul-in-name');
      const viaNul = find(dir, 'zip/duplicate-name').find((a) => a.detail!.viaNul === true);
      expect(viaNul!.detail).to.include({ name: 'archive/data.pkl', genericIndex: 1 });
      expect(locateAsLoader(dir, 'archive/data.pkl')!.index).to.equal(1);
    });
  });

  describe('header disagreements', () => {
    it('name-mismatch: local name differs from the central one (CVE-2025-1944)', async () => {
      const dir = await read([{ name: 'archive/data.pkl', localName: 'archive/other.pkl', data: 'x' }]);
      const [hit] = find(dir, 'zip/name-mismatch');
      expect(hit!.detail).to.include({ centralName: 'archive/data.pkl', localName: 'archive/other.pkl', loader: 'uses-central-name' });
      expect(dir.entries[0]!.localName).to.equal('archive/other.pkl');
      expect(dir.entries[0]!.name).to.equal('archive/data.pkl');
    });

    it('flag-bits 0x1 in the central directory: Python asks for a password, miniz refuses the member', async () => {
      const dir = await read([{ name: 'archive/data.pkl', data: 'x', flags: 0x1 }]);
      expect(find(dir, 'zip/flag-bits')[0]!.detail).to.include({ loader: 'refuses-member', generic: 'needs-password' });
      expect(codes(dir)).to.include('zip/encrypted');
    });

    it('flag-bits 0x20 and 0x40 only in the local header: miniz never looks', async () => {
      for (const bit of [0x20, 0x40, 0x1]) {
        const dir = await read([{ name: 'archive/data.pkl', data: 'x', localFlags: bit }]);
        const [hit] = find(dir, 'zip/flag-bits');
        expect(hit!.detail).to.include({ loader: 'ignores', localFlags: bit, centralFlags: 0 });
        expect(dir.entries[0]!.localFlags).to.equal(bit);
        expect(codes(dir)).not.to.include('zip/encrypted');
      }
    });

    it('flag-bits 0x40 and 0x20 in the central directory: Python refuses the member', async () => {
      const dir = await read([
        { name: 'a/x', data: 'x', flags: 0x40 },
        { name: 'a/y', data: 'y', flags: 0x20 },
        { name: 'a/z', data: 'z', flags: 0x2000 },
      ]);
      const hits = find(dir, 'zip/flag-bits').map((a) => [a.detail!.name, a.detail!.loader, a.detail!.generic]);
      expect(hits).to.deep.equal([
        ['a/x', 'refuses-member', 'refuses-member'],
        ['a/y', 'refuses-member', 'refuses-member'],
        ['a/z', 'rejects-archive', 'ignores'],
      ]);
    });

    it('central-local-mismatch on method and CRC, but not for data-descriptor zeros', async () => {
      const dir = await read([
        { name: 'a/x', data: 'x', localMethod: 8, localCrc: 1 },
        { name: 'a/y', data: 'y', localFlags: 0x8, localCrc: 0, localCompressedSize: 0, flags: 0x8 },
      ]);
      const hits = find(dir, 'zip/central-local-mismatch');
      expect(hits).to.have.length(1);
      expect(hits[0]!.detail!.differs).to.have.keys(['method', 'crc32']);
    });

    it('unsupported method, unsupported version and inconsistent sizes', async () => {
      const dir = await read([
        { name: 'a/bz', data: 'x', method: 12 },
        { name: 'a/v', data: 'x', versionNeeded: 64 },
        { name: 'a/s', data: 'abc', uncompressedSize: 5 },
      ]);
      expect(codes(dir)).to.include.members(['zip/unsupported-method', 'zip/unsupported-version', 'zip/size-inconsistent']);
    });

    it('an overrunning extra field: Python rejects the archive', async () => {
      const dir = await read([{ name: 'a/v', data: 'x', centralExtra: new Uint8Array([9, 9, 200, 0, 1]) }]);
      expect(find(dir, 'zip/corrupt-central-directory')[0]!.detail).to.include({ generic: 'rejects-archive' });
      const short = await read([{ name: 'a/v', data: 'x', centralExtra: new Uint8Array([1, 2, 3]) }]);
      expect(short.anomalies).to.deep.equal([]);
    });

    it('symlinks and directories that carry data', async () => {
      const dir = await read([
        { name: 'a/link', data: '/etc/passwd', externalAttr: (0o120777 << 16) >>> 0 },
        { name: 'archive/data.pkl', data: 'hidden from miniz', externalAttr: 0x10 },
      ]);
      expect(find(dir, 'zip/symlink')[0]!.detail).to.include({ name: 'a/link', unixMode: 0o120777 });
      expect(find(dir, 'zip/directory-with-data')[0]!.detail).to.include({ name: 'archive/data.pkl' });
      expect(dir.entries[1]!.isDirectory).to.equal(true);
    });
  });

  describe('layout', () => {
    it('prepended data: torch sees no magic, a generic reader reads the shifted zip', async () => {
      const prefix = enc.encode('#!/bin/sh\nexit 0\n');
      const dir = await read([{ name: 'archive/data.pkl', data: 'payload' }], { prefix });
      expect(dir.view).to.equal('generic');
      expect(dir.prependedBytes).to.equal(prefix.length);
      expect(find(dir, 'zip/prepended-data')[0]!.detail).to.include({ prependedBytes: prefix.length, shift: prefix.length });
      expect(dir.entries[0]!.localHeaderOffset).to.equal(prefix.length);
      expect(dir.entries[0]!.dataOffset).to.equal(prefix.length + 30 + 16);
    });

    it('prepended data with self-consistent offsets', async () => {
      const dir = await read([{ name: 'a/b', data: 'x' }], { adjustedPrefix: new Uint8Array(100) });
      expect(dir.view).to.equal('generic');
      expect(dir.prependedBytes).to.equal(100);
      expect(find(dir, 'zip/prepended-data')[0]!.detail).to.include({ shift: 0 });
    });

    it('central-directory-shift: miniz reads the stated directory, Python another one', async () => {
      const dir = await read([
        { name: 'archive/data.pkl', data: 'benign' },
        { name: 'archive/data.pkl', data: 'evil!!', omitFromCentral: true, gapBefore: new Uint8Array(20) },
      ], { shadowCentral: [1] });
      const [shift] = find(dir, 'zip/central-directory-shift');
      expect(shift!.detail).to.include({ shift: 46 + 16 });
      expect(dir.entries.map((e) => e.dataOffset)).to.deep.equal([46]);
      expect(dir.alternateEntries!.map((e) => e.dataOffset)).to.deep.equal([46 + 6 + 20 + 46]);

      const gap = await read([{ name: 'archive/data.pkl', data: 'x' }], { gapBeforeEnd: new Uint8Array(7) });
      expect(codes(gap)).to.include.members(['zip/central-directory-shift', 'zip/corrupt-central-directory']);
    });

    it('entry-count-mismatch: records beyond the declared count are hidden from miniz', async () => {
      const dir = await read([{ name: 'archive/data.pkl', data: 'x' }], {
        hiddenCentral: [{ name: 'archive/hidden.pkl' }],
      });
      const [hit] = find(dir, 'zip/entry-count-mismatch');
      expect(hit!.detail).to.include({ declared: 1, recordsInDirectory: 2, genericReads: 2, loaderReads: 1 });
      expect(dir.entries).to.have.length(1);
      expect(dir.alternateEntries!.map((e) => e.name)).to.deep.equal(['archive/data.pkl', 'archive/hidden.pkl']);
    });

    it('overlapping members and unreferenced bytes', async () => {
      const dir = await read([
        { name: 'a/one', data: 'x'.repeat(40) },
        { name: 'a/alias', aliasOf: 0 },
      ]);
      expect(find(dir, 'zip/overlapping-members')[0]!.detail).to.include({ count: 1 });

      const gap = await read([
        { name: 'a/one', data: 'abc' },
        { name: 'a/two', data: 'def', gapBefore: enc.encode('PK\x03\x04hidden member') },
      ]);
      expect(find(gap, 'zip/unreferenced-data')[0]!.detail).to.deep.include({ totalBytes: 17 });
    });

    it('trailing data, comment with binary content, and a fake EOCD in the comment', async () => {
      const trailing = await read([{ name: 'a/b', data: 'x' }], { trailing: enc.encode('extra') });
      expect(find(trailing, 'zip/trailing-data')[0]!.detail).to.include({ length: 5 });

      const binary = await read([{ name: 'a/b', data: 'x' }], { comment: new Uint8Array([0x80, 0x02, 0x63, 0x00]) });
      expect(codes(binary)).to.include('zip/comment-hides-data');

      const fakeEocd = cat(le(0x06054b50, 4), new Uint8Array(18));
      const multi = await read([{ name: 'a/b', data: 'x' }], { comment: fakeEocd });
      expect(codes(multi)).to.include('zip/multiple-eocd');
      // Both readers take the fake record, which lists nothing: every member becomes invisible.
      expect(multi.entries).to.deep.equal([]);
      expect(codes(multi)).to.include('zip/unreferenced-data');
    });

    it('multi-disk claims that miniz rejects', async () => {
      const bytes = buildZip([{ name: 'a/b', data: 'x' }]);
      new DataView(bytes.buffer).setUint16(bytes.length - 22 + 4, 2, true);
      const dir = await readZipDirectory(bufferReader(bytes));
      expect(find(dir, 'zip/multi-disk')[0]!.detail).to.include({ reader: 'loader', effect: 'rejects-archive' });
    });

    it('no EOCD is fatal, never a throw', async () => {
      const dir = await readZipDirectory(bufferReader(enc.encode('PK\x03\x04 not really a zip')));
      expect(dir.fatal).to.equal(true);
      expect(codes(dir)).to.deep.equal(['zip/no-eocd']);
    });

    it('bad offsets and missing local headers', async () => {
      const bytes = buildZip([{ name: 'a/b', data: 'x' }, { name: 'a/c', data: 'y' }]);
      const cdStart = bytes.length - 22 - 2 * (46 + 3);
      const broken = bytes.slice();
      new DataView(broken.buffer).setUint32(cdStart + 42, 1_000_000, true);
      new DataView(broken.buffer).setUint32(cdStart + 46 + 3 + 42, 5, true);
      const dir = await readZipDirectory(bufferReader(broken));
      expect(codes(dir)).to.include.members(['zip/bad-offset', 'zip/bad-local-header']);
    });

    it('ZIP64 end records and extra fields', async () => {
      const dir = await read([
        { name: 'archive/data.pkl', data: 'pickle', zip64: true },
        { name: 'archive/data/0', data: 'tensor', zip64: true },
      ], { zip64: true });
      expect(dir.zip64).to.equal(true);
      expect(dir.anomalies).to.deep.equal([]);
      expect(dir.entries.map((e) => [e.name, e.compressedSize])).to.deep.equal([['archive/data.pkl', 6], ['archive/data/0', 6]]);
      expect(dir.entries[1]!.localHeaderOffset).to.equal(30 + 16 + 6);
    });

    it('ZIP64 locator pointing nowhere is reported', async () => {
      const bytes = buildZip([{ name: 'a/b', data: 'x' }], { zip64: true });
      const broken = bytes.slice();
      // Break the ZIP64 record's signature: miniz then follows the locator (which points at it too).
      const recordAt = bytes.length - 22 - 20 - 56;
      broken[recordAt] = 0;
      const dir = await readZipDirectory(bufferReader(broken));
      expect(codes(dir)).to.include('zip/zip64-mismatch');
    });
  });

  describe('limits', () => {
    it('an entry-count bomb stops at maxEntries', async () => {
      const entries = Array.from({ length: 3000 }, (_, i) => ({ name: `a/${i}`, data: '' }));
      const dir = await readZipDirectory(bufferReader(buildZip(entries)), { maxEntries: 1000 });
      expect(dir.entries).to.have.length(1000);
      expect(find(dir, 'zip/too-many-entries')[0]!.detail).to.include({ limit: 1000, declared: 3000 });
    });

    it('a declared count the directory cannot hold is corrupt, not a hang', async () => {
      const dir = await read([{ name: 'a/b', data: 'x' }], { entryCount: 65535 });
      expect(codes(dir)).to.include('zip/corrupt-central-directory');
      expect(codes(dir)).to.include('zip/entry-count-mismatch');
    });

    it('20 000 entries read quickly', async () => {
      const entries = Array.from({ length: 20_000 }, (_, i) => ({ name: `archive/data/${i}`, data: 'ab' }));
      const bytes = buildZip(entries);
      const t0 = Date.now();
      const dir = await readZipDirectory(bufferReader(bytes));
      expect(dir.entries).to.have.length(20_000);
      expect(dir.anomalies).to.deep.equal([]);
      expect(Date.now() - t0).to.be.lessThan(3000);
    });
  });
});
