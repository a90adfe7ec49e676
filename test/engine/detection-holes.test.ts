import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import { buildZip } from '../parsers/zip/helpers/zip-writer.js';
import { kerasConfig } from '../parsers/keras/helpers.js';
import { contentFindings } from '../helpers/content-findings.js';

/**
 * Places a loader reads that an earlier version of the engine left unrecognised (found in review):
 * each must now give the finding the real content deserves.
 */
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'modelvet-holes-'));
const put = (name: string, bytes: Uint8Array | string): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return name;
};
const findings = async (name: string) => contentFindings((await scan({ cwd: dir, paths: [name] })).findings);
const lambdaH5 = new Uint8Array(readFileSync(`${fixtures}malicious/keras/lambda.h5`));
const escape = "{{ cycler.__init__.__globals__.os.getcwd() }}";

describe('engine: formats a loader reads are never left unrecognised', () => {
  it('a .keras zip holding only config.json (load_model builds the model before looking for weights)', async () => {
    const config = JSON.stringify(await kerasConfig('malicious/keras/lambda.keras'));
    const name = put('only-config.keras', buildZip([{ name: 'config.json', data: config }]));
    expect((await findings(name)).filter((f) => f.ruleId === 'keras/lambda-layer' && f.severity === 'critical')).to.have.length(1);
  });

  it('a zip that is both a torch checkpoint and a .keras model is read both ways', async () => {
    const config = JSON.stringify(await kerasConfig('malicious/keras/lambda.keras'));
    const name = put('both.keras', buildZip([
      { name: 'a/data.pkl', data: new Uint8Array([0x80, 0x02, 0x7d, 0x2e]) },
      { name: 'a/version', data: '3\n' },
      { name: 'config.json', data: config },
      { name: 'metadata.json', data: '{"keras_version": "3.15.1"}' },
    ]));
    const all = await findings(name);
    expect(all.some((f) => f.ruleId === 'keras/lambda-layer' && f.path === `${name}!keras`)).to.equal(true);
    expect(all.some((f) => f.ruleId === 'zip/loader-divergence' && /both a PyTorch checkpoint and a keras model/.test(f.message))).to.equal(true);
  });

  for (const [label, prefix] of [['0xff bytes', 0xff], ['zero bytes', 0x00], ['text', 0x41]] as const) {
    it(`an HDF5 model after a 4096-byte user block of ${label} (h5py finds the superblock there)`, async () => {
      const bytes = new Uint8Array(4096 + lambdaH5.length).fill(prefix, 0, 4096);
      bytes.set(lambdaH5, 4096);
      const name = put(`userblock-${prefix}.h5`, bytes);
      expect((await findings(name)).filter((f) => f.ruleId === 'keras/lambda-layer' && f.severity === 'critical')).to.have.length(1);
    });
  }

  it('a zip with an HDF5 model after a user block is read as both', async () => {
    const zip = buildZip([{ name: 'readme.txt', data: 'hello' }]);
    const bytes = new Uint8Array(2048 + lambdaH5.length);
    bytes.set(zip, 0);
    bytes.set(lambdaH5, 2048);
    // The zip's end record must stay findable from the end: append the zip again as the archive a reader sees.
    const name = put('zip-and-h5.h5', new Uint8Array([...bytes, ...zip]));
    const all = await findings(name);
    expect(all.some((f) => f.ruleId === 'keras/lambda-layer' && f.severity === 'critical')).to.equal(true);
  });

  it('tokenizer_config.json with more than 4 KiB of leading whitespace (Python json accepts it)', async () => {
    const name = put('ws/tokenizer_config.json', `${' '.repeat(5000)}${JSON.stringify({ chat_template: escape })}`);
    expect((await findings(name)).some((f) => f.ruleId === 'template/sandbox-escape')).to.equal(true);
  });

  it('tokenizer_config.json that is not JSON is reported, not listed as unrecognised', async () => {
    const name = put('bad/tokenizer_config.json', 'not json');
    expect((await findings(name)).map((f) => [f.ruleId, f.severity])).to.deep.equal([['template/malformed', 'medium']]);
  });

  it('a .jinja template with a NUL byte (valid UTF-8; Jinja renders past it)', async () => {
    const name = put('nul/chat_template.jinja', `{#\u0000#}${escape}`);
    expect((await findings(name)).some((f) => f.ruleId === 'template/sandbox-escape' && f.severity === 'critical')).to.equal(true);
  });

  it('saved_model.pbtxt (tf.saved_model.load falls back to it) fails closed', async () => {
    const name = put('tf/saved_model.pbtxt', 'saved_model_schema_version: 1\n');
    const all = await findings(name);
    expect(all.map((f) => [f.ruleId, f.severity])).to.deep.equal([['tensorflow/malformed', 'high']]);
    expect(all[0]!.message).to.include('its ops were not checked');
  });
});
