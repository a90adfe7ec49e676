/** Generic tar, compressed tars and 7z through the engine: member trees, paths, hygiene anomalies, limits. */
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { pathEscapes } from '../../../src/parsers/archive/anomalies.js';
import { linkEscapes } from '../../../src/parsers/archive/tar.js';
import type { Artifact } from '../../../src/types.js';
import { buildTar } from './helpers/tar-writer.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
const analyse = (bytes: Uint8Array, path: string, options = DEFAULT_ANALYSE_OPTIONS) => analyseReader(bufferReader(bytes), path, 0, options);

function flatten(a: Artifact): Artifact[] {
  return [a, ...a.children.flatMap(flatten)];
}
const codesIn = (a: Artifact) => flatten(a).flatMap((x) => x.anomalies.map((an) => an.code));
const pickle = (call: string) => `\x80\x02c${call.replace('.', '\n')}\n)R.`;

describe('archive handlers', () => {
  it('a plain tar: every member with data is a child, by content, unknown ones included', async () => {
    const a = await analyse(fixture('benign/archive/model.tar'), 'model.tar');
    expect(a.format).to.equal('tar');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.children.map((c) => [c.path, c.format])).to.deep.equal([
      ['model.tar!tiny/model.pt', 'pytorch-zip'],
      ['model.tar!tiny/README.md', 'unknown'],
    ]);
    expect((a as Extract<Artifact, { format: 'tar' }>).tar.members).to.equal(2);
  });

  for (const [name, kind] of [['model.tar.gz', 'gzip'], ['model.tar.bz2', 'bz2'], ['model.tar.xz', 'xz']] as const) {
    it(`${name}: the decompressed tar is a child, its members below it`, async () => {
      const a = await analyse(fixture(`benign/archive/${name}`), name);
      expect(a.format).to.equal('compressed');
      expect(codesIn(a)).to.deep.equal([]);
      const tar = a.children[0]!;
      expect([tar.path, tar.format]).to.deep.equal([`${name}!model.tar`, 'tar']);
      expect(tar.children.map((c) => c.path)).to.deep.equal([`${name}!model.tar!tiny/model.pt`, `${name}!model.tar!tiny/README.md`]);
    });
  }

  it('gzip > tar > zip > pickle: the payload is found at the bottom, with its full path', async () => {
    const a = await analyse(fixture('malicious/archive/nested.tar.gz'), 'nested.tar.gz');
    const leaf = flatten(a).find((x) => x.format === 'pickle')!;
    expect(leaf.path).to.equal('nested.tar.gz!nested.tar!bundle/inner.zip!deep/model.pkl');
    // pickle.dumps records os.getcwd under its real module, posix.
    expect((leaf as Extract<Artifact, { format: 'pickle' }>).pickle.imports.map((i) => `${i.module}.${i.name}`)).to.include('posix.getcwd');
  });

  it('the nesting limit stops opening and says so', async () => {
    const a = await analyse(fixture('malicious/archive/nested.tar.gz'), 'nested.tar.gz', { ...DEFAULT_ANALYSE_OPTIONS, maxDepth: 2 });
    expect(codesIn(a)).to.include('archive/depth-limit');
    expect(flatten(a).some((x) => x.format === 'pickle')).to.equal(false);
  });

  it('the member limit stops listing and says so', async () => {
    const tar = buildTar(Array.from({ length: 12 }, (_, i) => ({ name: `m${i}.txt`, data: 'x' })));
    const a = await analyse(tar, 'many.tar', { ...DEFAULT_ANALYSE_OPTIONS, maxArchiveMembers: 5 });
    expect(a.children).to.have.length(5);
    expect(a.anomalies.map((x) => x.code)).to.deep.equal(['tar/too-many-entries']);
  });

  it('a member shadowed by a later one of the same name keeps its index in its path', async () => {
    const a = await analyse(buildTar([{ name: 'model.pkl', data: pickle('os.getcwd') }, { name: 'model.pkl', data: pickle('collections.OrderedDict') }]), 'dup.tar');
    expect(a.children.map((c) => c.path)).to.deep.equal(['dup.tar!model.pkl#0', 'dup.tar!model.pkl']);
    expect(a.anomalies.map((x) => x.code)).to.deep.equal(['tar/duplicate-name']);
  });

  it('escaping names, links, devices and FIFOs are anomalies; links and devices carry no data to analyse', async () => {
    const a = await analyse(buildTar([
      { name: '..\\evil.txt', data: 'x' },
      { name: 'C:\\temp\\x.txt', data: 'x' },
      { name: 'ok/../fine.txt', data: 'x' },
      { name: 'inside', type: '2', linkName: 'ok/fine.txt' },
      { name: 'outside', type: '2', linkName: '../../etc/passwd' },
      { name: 'mem', type: '3' },
      { name: 'pipe', type: '6' },
    ]), 'hygiene.tar');
    const by = (code: string) => a.anomalies.filter((x) => x.code === code);
    expect(by('tar/path-traversal').map((x) => x.detail!.name)).to.deep.equal(['..\\evil.txt', 'C:\\temp\\x.txt', 'ok/../fine.txt']);
    expect(by('tar/link').map((x) => [x.detail!.name, x.detail!.escapes])).to.deep.equal([['inside', false], ['outside', true]]);
    expect(by('tar/special-member').map((x) => x.detail!.type)).to.deep.equal(['char', 'fifo']);
    expect(a.children.map((c) => c.path)).to.deep.equal(['hygiene.tar!..\\evil.txt', 'hygiene.tar!C:\\temp\\x.txt', 'hygiene.tar!ok/../fine.txt']);
  });

  it('pathEscapes and linkEscapes treat both slashes and drive letters as a Windows extractor does', () => {
    for (const n of ['../x', 'a/../../x', '/etc/x', '\\x', 'a\\..\\x', 'c:x', 'C:\\x']) expect(pathEscapes(n), n).to.equal(true);
    for (const n of ['a/b', 'a..b/c', '.../x', 'ab:c', '1:\\x']) expect(pathEscapes(n), n).to.equal(false);
    expect(linkEscapes('a/b', '..\\..\\c', 'symlink')).to.equal(true);
    expect(linkEscapes('a/b', 'D:\\c', 'symlink')).to.equal(true);
  });

  it('a .gz of a pickle: the pickle is the child', async () => {
    const a = await analyse(fixture('benign/archive/state.pkl.gz'), 'state.pkl.gz');
    expect(a.children.map((c) => [c.path, c.format])).to.deep.equal([['state.pkl.gz!state.pkl', 'pickle']]);
    expect(codesIn(a)).to.deep.equal([]);
  });

  it('a gzip bomb stops at the ratio limit given in the options', async () => {
    const bomb = new Uint8Array(zlib.gzipSync(new Uint8Array(32 << 20), { level: 9 }));
    expect(bomb.length).to.be.lessThan(64 * 1024);
    const a = await analyse(bomb, 'bomb.gz', { ...DEFAULT_ANALYSE_OPTIONS, maxCompressionRatio: 100 });
    expect(a.anomalies.map((x) => x.code)).to.deep.equal(['archive/decompression-bomb']);
    expect(a.children[0]!.size).to.be.lessThan(32 << 20);
  });

  it('7z written by p7zip (LZMA2 default): the pickle member is analysed and its payload found', async () => {
    const a = await analyse(fixture('malicious/archive/payload.7z'), 'payload.7z');
    expect(a.format).to.equal('7z');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.children.map((c) => [c.path, c.format])).to.deep.equal([['payload.7z!model.pkl', 'pickle']]);
    expect((a.children[0] as Extract<Artifact, { format: 'pickle' }>).pickle.imports.map((i) => `${i.module}.${i.name}`)).to.include('posix.getcwd');
  });

  for (const name of ['lzma-solid-encoded-header', 'lzma2', 'copy', 'deflate', 'bzip2']) {
    it(`7z ${name}: members listed and read through their folder, empty ones and directories skipped`, async () => {
      const a = await analyse(data(`${name}.7z`), `${name}.7z`);
      expect(a.anomalies, name).to.deep.equal([]);
      // model/sub, model/sub/empty.txt and three files with data.
      expect((a as Extract<Artifact, { format: '7z' }>).sevenZip.members, name).to.equal(5);
      const byPath = new Map(a.children.map((c) => [c.path.slice(name.length + 4), c]));
      expect([...byPath.keys()].sort(), name).to.deep.equal(['model/README.md', 'model/sub/notes.txt', 'model/weights.pkl']);
      expect(byPath.get('model/weights.pkl')!.format, name).to.equal('pickle');
      expect(byPath.get('model/sub/notes.txt')!.size, name).to.equal(12000);
    });
  }

  it('7z coder chains and encryption are reported with the members they hide; an encrypted header says so', async () => {
    for (const [name, coders] of [['bcj-chain', 'LZMA + BCJ'], ['encrypted', 'AES-256 + LZMA2']] as const) {
      const a = await analyse(data(`${name}.7z`), `${name}.7z`);
      expect(a.children, name).to.deep.equal([]);
      expect(a.anomalies.map((x) => x.code), name).to.deep.equal(['7z/unsupported-coder']);
      expect(a.anomalies[0]!.message, name).to.contain(coders).and.to.contain('"model/weights.pkl"');
    }
    const h = await analyse(data('encrypted-header.7z'), 'encrypted-header.7z');
    expect(h.anomalies.map((x) => [x.code, x.message])).to.deep.equal([
      ['7z/unsupported-coder', 'the 7z header is packed with a chain of AES-256 + LZMA, which modelvet does not decode: its members were not checked'],
    ]);
  });

  it('7z symlinks (p7zip -snl) and absolute names (-spf)', async () => {
    const a = await analyse(data('symlinks.7z'), 'symlinks.7z');
    expect(a.anomalies.map((x) => [x.code, x.detail!.name, x.detail!.linkName, x.detail!.escapes])).to.deep.equal([
      ['7z/link', 'model/passwd', '/etc/passwd', true],
      ['7z/link', 'model/readme-link', 'README.md', false],
    ]);
    expect(a.children.map((c) => c.path)).to.deep.equal(['symlinks.7z!model/README.md']);
    const abs = await analyse(data('absolute.7z'), 'absolute.7z');
    expect(abs.anomalies.map((x) => x.code)).to.deep.equal(['7z/path-traversal']);
  });

  it('7z: a damaged header is reported, members unchecked', async () => {
    const bytes = Uint8Array.from(data('lzma2.7z'));
    bytes[bytes.length - 5] ^= 0xff;
    const a = await analyse(bytes, 'bad.7z');
    expect(a.anomalies.map((x) => [x.code, x.message])).to.deep.equal([['7z/bad-header', 'the 7z header cannot be read (the header fails its CRC): its members were not checked']]);
    const cut = await analyse(data('lzma2.7z').subarray(0, 100), 'cut.7z');
    expect(cut.anomalies.map((x) => x.code)).to.deep.equal(['7z/bad-header']);
  });
});
