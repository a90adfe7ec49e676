/** How the engine finds safetensors files and indexes: by magic, by name when the magic fails, never over a pickle. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { analyseReader } from '../../../src/engine/analyse.js';
import { scan } from '../../../src/engine/scan.js';
import { CODES } from '../../../src/parsers/safetensors/codes.js';
import { sniffSafetensors } from '../../../src/parsers/safetensors/handler.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { buildZip } from '../zip/helpers/zip-writer.js';
import { codes, stFile, t } from './helpers.js';
import { contentFindings } from '../../helpers/content-findings.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}${name}`));
const analyse = (bytes: Uint8Array, name: string) => analyseReader(bufferReader(bytes), name);
const sniff = (bytes: Uint8Array) => sniffSafetensors({ head: bytes.subarray(0, 4096), size: bytes.length });

describe('safetensors detection', () => {
  it('sniffs the length prefix and the "{"', () => {
    expect(sniff(fixture('benign/safetensors/torch-state-dict.safetensors'))).to.equal(true);
    expect(sniff(fixture('benign/safetensors/empty.safetensors'))).to.equal(true);
    expect(sniff(stFile('{}'))).to.equal(true);
    expect(sniff(stFile('{'))).to.equal(false); // N < 2
    expect(sniff(stFile('[]'))).to.equal(false); // byte 8 is not "{"
    expect(sniff(stFile(' {}'))).to.equal(false);
    expect(sniff(stFile('{}', 0, { declared: 3n }))).to.equal(false); // past the end
    expect(sniff(stFile('{}', 0, { declared: 100_000_001n }))).to.equal(false);
    expect(sniff(new Uint8Array(9))).to.equal(false);
  });

  it('a valid file is safetensors whatever its name', async () => {
    const a = await analyse(fixture('benign/safetensors/numpy.safetensors'), 'weights.bin');
    expect(a.format).to.equal('safetensors');
    expect(a.anomalies).to.deep.equal([]);
  });

  it('a .safetensors file that fails the sniff is still read, and said to be invalid', async () => {
    const text = await analyse(new TextEncoder().encode('this is not a model, just some text'), 'model.safetensors');
    expect(text.format).to.equal('safetensors');
    expect(codes(text)).to.deep.equal([CODES.headerTooLarge]);
    expect(text.anomalies[0]!.message).to.match(/^not a valid safetensors file/);

    const empty = await analyse(new Uint8Array(0), 'model.safetensors');
    expect(codes(empty)).to.deep.equal([CODES.fileTooSmall]);

    const array = await analyse(fixture('malicious/safetensors/header-array.safetensors'), 'model.SafeTensors');
    expect(codes(array)).to.deep.equal([CODES.headerNotObject]);
  });

  it('the same bytes under another name are not claimed', async () => {
    expect((await analyse(fixture('malicious/safetensors/header-array.safetensors'), 'blob.bin')).format).to.equal('unknown');
  });

  it('a pickle named .safetensors stays a pickle (the pickle rules and extension-mismatch report it)', async () => {
    const a = await analyse(fixture('benign/numpy-array-p2.pkl'), 'model.safetensors');
    expect(a.format).to.equal('pickle');
  });

  it('an index is found by its name and read as JSON', async () => {
    const bytes = fixture('benign/safetensors/tiny-bert/model.safetensors.index.json');
    expect((await analyse(bytes, 'model.safetensors.index.json')).format).to.equal('safetensors-index');
    expect((await analyse(bytes, 'diffusion_pytorch_model.safetensors.index.json')).format).to.equal('safetensors-index');
    expect((await analyse(bytes, 'index.json')).format).not.to.equal('safetensors-index');
  });

  it('a safetensors file inside a zip is checked as a member', async () => {
    const zip = buildZip([{ name: 'm/model.safetensors', data: stFile({ a: t('U8', [1], 0, 1) }, 2) }]);
    const a = await analyse(zip, 'bundle.zip');
    const member = a.children.find((c) => c.path.endsWith('model.safetensors'));
    expect(member?.format).to.equal('safetensors');
    expect(codes(member!)).to.deep.equal([CODES.trailingData]);
  });
});

describe('safetensors end to end (scan)', () => {
  const findings = async (path: string) => contentFindings((await scan({ cwd: FIXTURES, paths: [path] })).findings).map((f) => `${f.severity} ${f.ruleId}: ${f.message}`);

  it('benign files and a sharded model: nothing at medium or above', async () => {
    const report = await scan({ cwd: FIXTURES, paths: ['benign/safetensors'] });
    expect(contentFindings(report.findings).filter((f) => ['critical', 'high', 'medium'].includes(f.severity))).to.deep.equal([]);
    expect(report.findings.map((f) => f.ruleId)).to.include('safetensors/prototype-tensor-name');
    expect(report.artifacts.filter((a) => a.format === 'safetensors')).to.have.length(4 + 5);
    expect(report.artifacts.filter((a) => a.format === 'safetensors-index')).to.have.length(1);
  });

  it('a duplicate tensor name is a high malformed finding', async () => {
    expect(await findings('malicious/safetensors/duplicate-key.safetensors')).to.deep.equal([
      'high safetensors/malformed: tensor "w" appears twice in the header; safetensors silently keeps the last entry while other readers may keep the first',
    ]);
  });

  it('an escaping shard path is critical', async () => {
    const found = await findings('malicious/safetensors/index-path-escape/model.safetensors.index.json');
    expect(found).to.have.length(1);
    expect(found[0]).to.match(/^critical safetensors\/shard-path-escape: the index maps 2 tensors to "\.\.\/\.\.\/modelvet-fixture-nonexistent\/model\.safetensors", which climbs out/);
  });

  it('a missing shard is a high index-mismatch finding', async () => {
    expect(await findings('malicious/safetensors/index-missing-shard/model.safetensors.index.json')).to.deep.equal([
      'high safetensors/index-mismatch: the index maps 2 tensors to shard "model-00002-of-00002.safetensors", which is not in the folder, so loading the model fails',
    ]);
  });
});
