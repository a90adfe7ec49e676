import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { bufferReader } from '../../../src/sources/readers.js';
import { parseTorchLegacyTar, TORCH_LEGACY_TAR_ANOMALY_CODES } from '../../../src/parsers/torch/legacy-tar.js';
import { buildTar } from '../archive/helpers/tar-writer.js';

const fixture = new Uint8Array(readFileSync(new URL('../archive/data/legacy-torch.tar', import.meta.url)));
const dec = new TextDecoder('latin1');
const text = async (r: { size: number; read(o: number, l: number): Promise<Uint8Array> }) => dec.decode(await r.read(0, r.size));
const parse = (bytes: Uint8Array) => parseTorchLegacyTar(bufferReader(bytes), 'old.pt');
const layout = (extra: Parameters<typeof buildTar>[0] = []) => buildTar([
  { name: 'sys_info', data: '\x80\x02}q\x00.' },
  { name: 'pickle', data: '\x80\x02K*.' },
  { name: 'storages', data: '\x80\x02K\x00.\x80\x02]q\x00.' },
  { name: 'tensors', data: '\x80\x02K\x00.' },
  ...extra,
]);

describe('torch/parseTorchLegacyTar', () => {
  it('reads a legacy tar checkpoint made with Python tarfile (torch.load accepts it)', async () => {
    const result = (await parse(fixture))!;
    expect(result.artifact.format).to.equal('pytorch-legacy-tar');
    expect(result.artifact.anomalies).to.deep.equal([]);
    expect(result.artifact.tar.members).to.deep.equal(['sys_info', 'pickle', 'storages', 'tensors']);
    expect(result.members.map((m) => [m.name, m.role, m.layout])).to.deep.equal([
      ['sys_info', 'pickle', 'pickle'],
      ['pickle', 'pickle', 'pickle'],
      ['storages', 'pickle', 'pickle-stream'],
      ['tensors', 'pickle', 'pickle-stream'],
    ]);
    const pickle = result.members[1]!.reader;
    const bytes = await pickle.read(0, pickle.size);
    expect(bytes[0]).to.equal(0x80);
    expect(bytes[bytes.length - 1]).to.equal(0x2e);
  });

  it('is null for non-tars and for tars without torch members', async () => {
    expect(await parse(new TextEncoder().encode('\x80\x02K\x00.'))).to.equal(null);
    expect(await parse(buildTar([{ name: 'readme.txt', data: 'hello' }]))).to.equal(null);
  });

  it('other members are kept for sniffing; missing members are reported', async () => {
    const result = (await parse(buildTar([{ name: 'pickle', data: 'x' }, { name: 'payload.txt', data: 'y' }])))!;
    expect(result.members.map((m) => m.role)).to.deep.equal(['pickle', 'other']);
    const missing = result.artifact.anomalies.filter((a) => a.code === 'torch/missing-record').map((a) => a.detail!.name);
    expect(missing).to.deep.equal(['storages', 'tensors']);
  });

  it('follows tarfile: the last duplicate wins, links resolve to their target', async () => {
    const result = (await parse(buildTar([
      { name: 'pickle', data: 'benign' },
      { name: 'real', data: 'evil-bytes' },
      { name: 'pickle', type: '1', linkName: 'real' },
      { name: 'storages', type: '2', linkName: '/etc/passwd' },
      { name: 'tensors', data: 't' },
    ])))!;
    const pickles = result.members.filter((m) => m.name === 'pickle');
    expect(pickles.map((m) => m.shadowed ?? false)).to.deep.equal([true, false]);
    expect(pickles[1]!.resolvedFrom).to.equal('real');
    expect(await text(pickles[1]!.reader)).to.equal('evil-bytes');
    const links = result.artifact.anomalies.filter((a) => a.code === 'torch/legacy-link');
    expect(links.map((a) => [a.detail!.name, a.detail!.resolvedTo, a.detail!.escapes, a.detail!.readsHostFile])).to.deep.equal([
      ['pickle', 'real', false, false],
      ['storages', null, true, true],
    ]);
  });

  it('a tar that breaks part-way makes torch fall back to the legacy pickle loader', async () => {
    const whole = layout([{ name: 'big', data: 'x'.repeat(5000) }]);
    const result = (await parse(whole.subarray(0, whole.length - 1024 - 2048)))!;
    const codes = result.artifact.anomalies.map((a) => a.code);
    expect(codes).to.include.members(['tar/truncated', 'torch/legacy-fallback']);
  });

  it('documents its codes', () => {
    for (const code of Object.keys(TORCH_LEGACY_TAR_ANOMALY_CODES)) expect(code).to.match(/^torch\/[a-z-]+$/);
  });

  it('reads the synthetic layout without anomalies', async () => {
    const result = (await parse(layout()))!;
    expect(result.artifact.anomalies).to.deep.equal([]);
    expect(await text(result.members[3]!.reader)).to.equal('\x80\x02K\x00.');
  });
});
