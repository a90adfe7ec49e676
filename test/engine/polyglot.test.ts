import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import { analyseReader } from '../../src/engine/analyse.js';
import { bufferReader } from '../../src/sources/readers.js';
import { sniffPickle } from '../../src/parsers/pickle/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe('pickle polyglots: both readings are analysed', () => {
  for (const [file, hdf5Path] of [
    ['malicious/polyglot/pickle-hdf5-512.pkl', ''],
    ['malicious/polyglot/pickle-hdf5-8192.pkl', '!hdf5'],
  ] as const) {
    it(`${file}: the pickle's call, the HDF5 model's Lambda and the double reading are all reported`, async () => {
      const report = await scan({ cwd: fixtures, paths: [file] });
      const by = (rule: string) => report.findings.filter((f) => f.ruleId === rule);
      expect(by('pickle/dangerous-global').map((f) => f.message).join()).to.include('os.getcwd');
      expect(by('keras/lambda-layer')).to.have.length(1);
      expect(by('keras/lambda-layer')[0]!.path).to.equal(`${file}${hdf5Path}`);
      const double = by('zip/loader-divergence');
      expect(double.map((f) => [f.severity, f.message])).to.deep.equal([['high', 'the file is both a pickle and hdf5: pickle.load and torch.load run the pickle, while a loader of hdf5 reads the other content']]);
    });
  }

  it('a safetensors file whose header length happens to read as pickle opcodes is not a polyglot', async () => {
    // 22056 = 0x5628: the file starts '(' (MARK) 'V' (UNICODE) …, which sniffs as a pickle that imports nothing.
    const enc = new TextEncoder();
    const json = JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    const header = enc.encode(json + ' '.repeat(22056 - json.length));
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    expect(sniffPickle(bytes.subarray(0, 4096), bytes.length).isPickle).to.equal(true);
    const artifact = await analyseReader(bufferReader(bytes), 'x.safetensors');
    expect(artifact.format).to.equal('safetensors');
    expect(artifact.anomalies).to.deep.equal([]);
    expect(artifact.children).to.deep.equal([]);
  });
});
