/** Legacy (non-zip) torch.save files: five stacked pickles, then storage bytes (A9, A10). */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseTorchLegacy } from '../../../src/parsers/torch/legacy.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { asm, concat } from '../pickle/helpers.js';

const dataDir = new URL('../pickle/data/', import.meta.url);
const file = new Uint8Array(readFileSync(new URL('legacy-torch.pt', dataDir)));
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dataDir), 'utf8')) as { files: Record<string, { dataOffset?: number }> };
// Stream bounds of legacy-torch.pt (see make-data.py): magic, protocol, sys_info, object, keys, data.
const bounds = [0, 15, 21, 137, 376, 400];
const part = (i: number): Uint8Array => file.subarray(bounds[i]!, bounds[i + 1]!);
const storage = file.subarray(400);
const payload = (): Uint8Array => asm().proto(2).callGlobal('os', 'getcwd').stop().build();
const names = (a: { pickle: { imports: Array<{ module: string; name: string }> } }) => a.pickle.imports.map((i) => `${i.module}.${i.name}`);

describe('parseTorchLegacy', () => {
  it('reads a legacy checkpoint: magic, protocol version, data offset, tensors via persistent ids', async () => {
    const a = (await parseTorchLegacy(bufferReader(file), 'model.pt'))!;
    expect(a).to.not.equal(null);
    expect(a.format).to.equal('pytorch-legacy');
    expect(a.legacy).to.deep.equal({ magicOk: true, protocolVersion: 1001, dataOffset: manifest.files['legacy-torch.pt']!.dataOffset });
    expect(a.pickle.streams).to.have.length(5);
    expect(a.pickle.anomalies).to.deep.equal([]);
    expect(a.anomalies).to.deep.equal([]);
    expect(names(a)).to.deep.equal(['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch.FloatStorage']);
    expect(a.pickle.calls.filter((c) => c.via === 'BINPERSID')).to.have.length(2);
    expect(a.pickle.unresolved).to.deep.equal([]);
  });

  it('A9: a payload in any stacked pickle shows up (sys_info, object, storage keys)', async () => {
    for (const at of [2, 3, 4]) {
      const parts = [0, 1, 2, 3, 4].map((i) => (i === at ? payload() : part(i)));
      const a = (await parseTorchLegacy(bufferReader(concat(...parts, storage)), 'model.pt'))!;
      expect(a.legacy.magicOk, `payload in stream ${at}`).to.equal(true);
      expect(names(a), `payload in stream ${at}`).to.include('os.getcwd');
    }
  });

  it('A10: a magic number built by a call is not a reason to stop: every stream is analysed', async () => {
    const evalMagic = asm().proto(2).global('builtins', 'eval').bu('0x1950a86a20f9469cfc6c').op('TUPLE1', 'REDUCE').stop().build();
    const a = (await parseTorchLegacy(bufferReader(concat(evalMagic, part(1), part(2), payload(), part(4), storage)), 'model.pt'))!;
    expect(a).to.not.equal(null);
    expect(a.legacy.magicOk).to.equal(false);
    expect(a.legacy.dataOffset).to.equal(undefined);
    expect(a.pickle.calls[0]!.target).to.deep.equal({ kind: 'global', module: 'builtins', name: 'eval' });
    expect(names(a)).to.include.members(['builtins.eval', 'os.getcwd']);
  });

  it('stops after the fifth pickle when the magic is right: storage bytes are data', async () => {
    const junkStorage = new Uint8Array(64).fill(0xee);
    const a = (await parseTorchLegacy(bufferReader(concat(part(0), part(1), part(2), part(3), part(4), junkStorage)), 'model.pt'))!;
    expect(a.pickle.anomalies).to.deep.equal([]);
    expect(a.legacy.dataOffset).to.equal(400);
  });

  it('a wrong protocol version is reported', async () => {
    const v = asm().proto(2).raw('M', [0xea, 0x03]).stop().build(); // 1002
    const a = (await parseTorchLegacy(bufferReader(concat(part(0), v, part(2), part(3), part(4), storage)), 'model.pt'))!;
    expect(a.legacy.protocolVersion).to.equal(1002);
    expect(a.anomalies.map((x) => x.code)).to.deep.equal(['torch/legacy-protocol-version']);
  });

  it('returns null for plain pickles and non-pickles', async () => {
    expect(await parseTorchLegacy(bufferReader(payload()), 'x.pkl')).to.equal(null);
    expect(await parseTorchLegacy(bufferReader(concat(payload(), payload())), 'x.pkl')).to.equal(null);
    expect(await parseTorchLegacy(bufferReader(new TextEncoder().encode('hello')), 'x.txt')).to.equal(null);
    expect(await parseTorchLegacy(bufferReader(new Uint8Array(0)), 'x')).to.equal(null);
  });

  it('a long plain pickle is not analysed twice to find out it is not legacy', async () => {
    const b = asm().proto(2);
    for (let i = 0; i < 1_200_000; i++) b.op('NONE', 'POP');
    const bytes = b.op('NONE').stop().build();
    let read = 0;
    const inner = bufferReader(bytes);
    const reader = { size: inner.size, read: async (o: number, l: number) => { const r = await inner.read(o, l); read += r.length; return r; } };
    expect(await parseTorchLegacy(reader, 'x.pkl')).to.equal(null);
    // The probe stops after a few thousand opcodes: one window, not the 2.4 MB.
    expect(read).to.be.at.most(1024 * 1024);
  });
});
