import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { bufferReader } from '../../../src/sources/readers.js';
import { readZipDirectory } from '../../../src/parsers/zip/index.js';
import { parseTorchZip, TORCH_ZIP_ANOMALY_CODES } from '../../../src/parsers/torch/zip-checkpoint.js';
import { buildZip, type TestEntry, type ZipOptions } from '../zip/helpers/zip-writer.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../zip/data/torch/${name}`, import.meta.url)));
const pickle = '\x80\x02}q\x00.';

async function parse(bytes: Uint8Array, path = 'model.pt') {
  const reader = bufferReader(bytes);
  const dir = await readZipDirectory(reader);
  return parseTorchZip(reader, path, dir);
}
const build = (entries: TestEntry[], opts?: ZipOptions) => parse(buildZip(entries, opts));
const codes = (r: NonNullable<Awaited<ReturnType<typeof parse>>>) => r.artifact.anomalies.map((a) => a.code);

const torchSave = (extra: TestEntry[] = []): TestEntry[] => [
  { name: 'archive/data.pkl', data: pickle },
  { name: 'archive/.format_version', data: '1' },
  { name: 'archive/.storage_alignment', data: '64' },
  { name: 'archive/byteorder', data: 'little' },
  { name: 'archive/data/0', data: new Uint8Array(16) },
  { name: 'archive/version', data: '3\n' },
  { name: 'archive/.data/serialization_id', data: '0123456789' },
  ...extra,
];

describe('torch/parseTorchZip', () => {
  it('reads a real torch.save checkpoint without anomalies', async () => {
    const result = (await parse(fixture('torch-save.pt'), 'torch-save.pt'))!;
    expect(result.artifact.anomalies).to.deep.equal([]);
    expect(result.artifact.format).to.equal('pytorch-zip');
    expect(result.artifact.torch).to.deep.include({ archiveName: 'torch-save', version: '3', codeFiles: [], pickleMembers: ['torch-save/data.pkl'] });
    expect(result.artifact.torch.records).to.include.members(['data.pkl', 'byteorder', 'data/0', 'data/1', 'version', '.data/serialization_id']);
    const roles = Object.fromEntries(result.members.map((m) => [m.name, m.role]));
    expect(roles).to.deep.equal({
      'torch-save/data.pkl': 'pickle',
      'torch-save/.format_version': 'record',
      'torch-save/.storage_alignment': 'record',
      'torch-save/byteorder': 'record',
      'torch-save/data/0': 'storage',
      'torch-save/data/1': 'storage',
      'torch-save/version': 'record',
      'torch-save/.data/serialization_id': 'record',
    });
  });

  it('reads a real TorchScript archive: code, debug pickles, constants', async () => {
    const result = (await parse(fixture('torchscript.pt')))!;
    expect(result.artifact.anomalies).to.deep.equal([]);
    expect(result.artifact.format).to.equal('torchscript');
    expect(result.artifact.torch.codeFiles).to.deep.equal([
      'torchscript/code/__torch__.py',
      'torchscript/code/__torch__/torch/nn/modules/linear.py',
    ]);
    expect(result.artifact.torch.pickleMembers).to.have.members([
      'torchscript/data.pkl',
      'torchscript/code/__torch__.py.debug_pkl',
      'torchscript/code/__torch__/torch/nn/modules/linear.py.debug_pkl',
      'torchscript/constants.pkl',
    ]);
  });

  it('a synthetic torch.save layout and a TorchScript-like one', async () => {
    const plain = (await build(torchSave()))!;
    expect(plain.artifact.anomalies).to.deep.equal([]);
    expect(plain.artifact.format).to.equal('pytorch-zip');

    const script = (await build([
      { name: 'archive/data.pkl', data: pickle },
      { name: 'archive/code/__torch__/model.py', data: 'def forward(self, x):\n  return x\n', method: 8 },
      { name: 'archive/constants.pkl', data: pickle },
      { name: 'archive/constants/0', data: new Uint8Array(8) },
      { name: 'archive/version', data: '8' },
    ]))!;
    expect(script.artifact.format).to.equal('torchscript');
    expect(script.artifact.anomalies).to.deep.equal([]);
    expect(script.members.map((m) => m.role)).to.deep.equal(['pickle', 'code', 'pickle', 'storage', 'record']);
  });

  it('is not a torch checkpoint without data.pkl, constants.pkl or version', async () => {
    expect(await build([{ name: 'word/document.xml', data: '<x/>' }])).to.equal(null);
    expect(await build([{ name: 'flat.txt', data: 'x' }])).to.equal(null);
    expect(await parse(new Uint8Array(0))).to.equal(null);
  });

  it('names the archive folder after the first entry, as PyTorchStreamReader does', async () => {
    const result = (await build([
      { name: 'mymodel/version', data: '3' },
      { name: 'mymodel/data.pkl', data: pickle },
      { name: 'archive/data.pkl', data: pickle },
    ]))!;
    expect(result.artifact.torch.archiveName).to.equal('mymodel');
    expect(result.artifact.torch.pickleMembers).to.deep.equal(['mymodel/data.pkl']);
    const outside = result.artifact.anomalies.find((a) => a.code === 'torch/outside-archive')!;
    expect(outside.detail).to.deep.include({ names: ['archive/data.pkl'], archiveName: 'mymodel' });
    expect(result.members[2]!.role).to.equal('other');
  });

  it('flags a first entry outside any folder, but still describes the layout', async () => {
    const result = (await build([{ name: 'README', data: 'hi' }, ...torchSave()]))!;
    expect(codes(result)).to.include('torch/no-archive-folder');
    expect(result.artifact.torch.archiveName).to.equal('archive');
  });

  it('storage names that are not keys, unexpected members, pickles under odd names', async () => {
    const result = (await build(torchSave([
      { name: 'archive/data/payload', data: pickle },
      { name: 'archive/data/0/nested', data: 'x' },
      { name: 'archive/notes.txt', data: pickle },
      { name: 'archive/extra.pkl', data: pickle },
    ])))!;
    const byCode = Object.fromEntries(result.artifact.anomalies.map((a) => [a.code, a.detail!.names]));
    expect(byCode['torch/storage-name']).to.deep.equal(['archive/data/payload', 'archive/data/0/nested']);
    expect(byCode['torch/unexpected-member']).to.deep.equal(['archive/notes.txt', 'archive/extra.pkl']);
    const roles = Object.fromEntries(result.members.map((m) => [m.name, m.role]));
    expect(roles['archive/data/payload']).to.equal('other');
    expect(roles['archive/notes.txt']).to.equal('other');
    expect(roles['archive/extra.pkl']).to.equal('pickle');
  });

  it('follows the loader through duplicates and case: the shadowed entry is marked', async () => {
    const result = (await build([
      { name: 'archive/data.pkl', data: pickle },
      { name: 'archive/data.pkl', data: 'second' },
      { name: 'archive/version', data: '3' },
    ]))!;
    expect(result.members.map((m) => m.shadowed ?? false)).to.deep.equal([false, true, false]);
    expect(result.artifact.torch.pickleMembers).to.deep.equal(['archive/data.pkl']);
    expect(result.artifact.torch.records).to.deep.equal(['data.pkl', 'version']);
    expect(codes(result)).to.include('zip/duplicate-name');

    // torch 2.13 loads archive/DATA.PKL for data.pkl (verified); a scanner matching ".pkl" exactly does not.
    const upper = (await build([{ name: 'archive/DATA.PKL', data: pickle }, { name: 'archive/version', data: '3' }]))!;
    expect(upper).not.to.equal(null);
    expect(codes(upper)).not.to.include('torch/missing-record');
    expect(upper.members[0]!.role).to.equal('pickle');
    expect(upper.artifact.torch.pickleMembers).to.deep.equal(['archive/DATA.PKL']);
    expect(upper.artifact.anomalies.find((a) => a.code === 'torch/record-case')!.detail)
      .to.include({ record: 'archive/data.pkl', name: 'archive/DATA.PKL' });
  });

  it('CRC-checks pickles and records, never storages', async () => {
    const result = (await build(torchSave([
      { name: 'archive/data/1', data: new Uint8Array(8), crc: 1 },
    ]).map((e) => (e.name === 'archive/data.pkl' ? { ...e, crc: 0xbad } : e))))!;
    const crc = result.artifact.anomalies.filter((a) => a.code === 'zip/bad-crc');
    expect(crc.map((a) => a.detail!.name)).to.deep.equal(['archive/data.pkl']);
  });

  it('missing records and bad version/byteorder values', async () => {
    const result = (await build([
      { name: 'archive/version', data: 'three' },
      { name: 'archive/byteorder', data: 'middle' },
    ]))!;
    expect(codes(result)).to.include.members(['torch/missing-record', 'torch/bad-version', 'torch/bad-byteorder']);
    const noVersion = (await build([{ name: 'archive/data.pkl', data: pickle }]))!;
    expect(noVersion.artifact.anomalies.find((a) => a.code === 'torch/missing-record')!.detail).to.deep.equal({ name: 'archive/version' });
  });

  it('carries the zip anomalies (flags, name mismatch, prepended data) into the artifact', async () => {
    const result = (await build(torchSave().map((e) =>
      e.name === 'archive/data.pkl' ? { ...e, localFlags: 0x1, localName: 'archive/xxxx.pkl' } : e)))!;
    expect(codes(result)).to.include.members(['zip/flag-bits', 'zip/name-mismatch']);

    const prepended = (await build(torchSave(), { prefix: new Uint8Array([0x80, 0x02]) }))!;
    expect(codes(prepended)).to.include('zip/prepended-data');
    expect(prepended.artifact.torch.pickleMembers).to.deep.equal(['archive/data.pkl']);
  });

  it('documents its codes', () => {
    for (const code of Object.keys(TORCH_ZIP_ANOMALY_CODES)) expect(code).to.match(/^torch\/[a-z-]+$/);
  });

  it('never throws on damaged checkpoints', async () => {
    const sample = buildZip(torchSave());
    await fc.assert(
      fc.asyncProperty(fc.nat(sample.length), fc.array(fc.nat(sample.length - 1), { maxLength: 6 }), async (cut, flips) => {
        const bytes = sample.slice(0, cut);
        for (const at of flips) if (at < bytes.length) bytes[at]! ^= 0x5a;
        await parse(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
