/**
 * ONNX external data checked against a repo listing (`siblings`, as `modelvet check` passes for a
 * remote model) gives what the local scan of the same folder gives. A listing is only asked for
 * sizes (no data file is opened), never for a location that leaves the folder.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { SiblingFiles } from '../../../src/engine/format-handler.js';
import { ONNX_CODES } from '../../../src/parsers/onnx/codes.js';
import type { OnnxArtifact } from '../../../src/parsers/onnx/types.js';
import { bufferReader, fileReader } from '../../../src/sources/readers.js';
import { folderFiles, memorySiblings, SIBLINGS_REPO } from '../../helpers/memory-siblings.js';
import { mutated } from '../tensorflow/mutate.js';
import { externalTensor, model } from './build.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const REPO = SIBLINGS_REPO;

async function remoteScan(modelBytes: Uint8Array, siblings: SiblingFiles): Promise<OnnxArtifact> {
  const a = await analyseReader(bufferReader(modelBytes), `${REPO}/model.onnx`, 0, DEFAULT_ANALYSE_OPTIONS, { siblings });
  expect(a.format).to.equal('onnx');
  return a as OnnxArtifact;
}

async function localScan(dir: string): Promise<OnnxArtifact> {
  const path = join(FIXTURES, dir, 'model.onnx');
  const reader = await fileReader(path);
  try {
    return (await analyseReader(reader, 'model.onnx', 0, DEFAULT_ANALYSE_OPTIONS, { file: { absolutePath: path } })) as OnnxArtifact;
  } finally {
    await reader.close();
  }
}

const codes = (a: OnnxArtifact): string[] => a.anomalies.map((x) => x.code);

/** A one-tensor model whose external data has these entries. */
const withExternal = (entries: Record<string, string>): Uint8Array => model({ initializer: [externalTensor('w', entries)] });

describe('onnx external data: files in a repo listing', () => {
  const cases: Array<[string, string[]]> = [
    ['benign/onnx/external-data', []],
    ['malicious/onnx/external-absolute', [ONNX_CODES.externalAbsolute]],
    ['malicious/onnx/external-parent', [ONNX_CODES.externalEscape]],
    ['malicious/onnx/external-subdir-climb', [ONNX_CODES.externalEscape]],
    ['malicious/onnx/external-missing', [ONNX_CODES.externalMissing]],
    ['malicious/onnx/external-extra-key', [ONNX_CODES.externalUnknownKey]],
    ['malicious/onnx/external-past-end', [ONNX_CODES.externalOutOfRange]],
  ];
  for (const [dir, expected] of cases) {
    it(`${dir}: the same anomalies as the local scan, "in the repo" for "beside the model"`, async () => {
      const local = await localScan(dir);
      const files = folderFiles(dir);
      const { siblings, opened } = memorySiblings(files);
      const remote = await remoteScan(files.get('model.onnx')!, siblings);
      expect(codes(local)).to.deep.equal(expected);
      expect(codes(remote)).to.deep.equal(expected);
      expect(remote.anomalies.map((a) => a.message)).to.deep.equal(local.anomalies.map((a) => a.message.replace('does not exist beside the model', 'does not exist in the repo')));
      expect(remote.anomalies.map((a) => a.detail)).to.deep.equal(local.anomalies.map((a) => a.detail));
      expect(remote.onnx.externalData).to.deep.equal(local.onnx.externalData);
      expect(opened, 'no data file is opened').to.deep.equal([]);
    });
  }

  it('a missing file is said to be missing from the repo', async () => {
    const files = folderFiles('malicious/onnx/external-missing');
    const a = await remoteScan(files.get('model.onnx')!, memorySiblings(files).siblings);
    expect(a.anomalies[0]!.message).to.equal("tensor 'W': external data file 'missing.bin' does not exist in the repo: loading fails");
  });

  it('never asks the listing about a location that escapes', async () => {
    for (const dir of ['malicious/onnx/external-absolute', 'malicious/onnx/external-parent', 'malicious/onnx/external-subdir-climb']) {
      const files = folderFiles(dir);
      const { siblings, asked } = memorySiblings(files);
      await remoteScan(files.get('model.onnx')!, siblings);
      expect(asked, dir).to.deep.equal([]);
    }
  });

  it('a data file the listing lacks', async () => {
    const files = folderFiles('benign/onnx/external-data');
    files.delete('weights.bin');
    const a = await remoteScan(files.get('model.onnx')!, memorySiblings(files).siblings);
    // Two tensors, one file, one problem: one anomaly naming both.
    expect(codes(a)).to.deep.equal([ONNX_CODES.externalMissing]);
    expect(a.anomalies[0]!.message).to.equal("tensors 'W', 'B': external data file 'weights.bin' does not exist in the repo: loading fails");
  });

  it('a data file shorter in the listing than the model asks for', async () => {
    const files = folderFiles('benign/onnx/external-data');
    const { siblings, asked } = memorySiblings(files, { listedSize: { 'weights.bin': 150 } });
    const a = await remoteScan(files.get('model.onnx')!, siblings);
    expect(codes(a)).to.deep.equal([ONNX_CODES.externalOutOfRange]);
    expect(a.anomalies[0]!.message).to.equal("tensor 'B': external data asks for bytes 128–160 of 'weights.bin', which is 150 bytes long: loading fails or reads the wrong bytes");
    expect(a.anomalies[0]!.detail).to.deep.include({ offset: 128, length: 32, fileSize: 150 });
    expect(asked).to.deep.equal(['weights.bin', 'weights.bin']);
  });

  it('a symlink on disk is no file in a listing: the local scan says symlink, the listing says missing', async () => {
    const dir = 'malicious/onnx/external-symlink';
    expect(codes(await localScan(dir))).to.deep.equal([ONNX_CODES.externalSymlink]);
    const files = folderFiles(dir);
    expect([...files.keys()]).to.deep.equal(['model.onnx']);
    const a = await remoteScan(files.get('model.onnx')!, memorySiblings(files).siblings);
    expect(codes(a)).to.deep.equal([ONNX_CODES.externalMissing]);
  });

  it('asks for a location with "." and ".." inside the folder by its plain name', async () => {
    const files = new Map([['weights.bin', new Uint8Array(64)], ['sub/w.bin', new Uint8Array(16)]]);
    for (const [location, name] of [
      ['./sub/w.bin', 'sub/w.bin'],
      ['sub//w.bin', 'sub/w.bin'],
      ['sub/../weights.bin', 'weights.bin'],
    ] as const) {
      const { siblings, asked } = memorySiblings(files);
      expect(codes(await remoteScan(withExternal({ location }), siblings)), location).to.deep.equal([]);
      expect(asked, location).to.deep.equal([name]);
    }
  });

  it('a location naming the folder itself is not a file, and nothing is asked', async () => {
    for (const location of ['.', './', 'sub/..']) {
      const { siblings, asked } = memorySiblings(new Map([['sub/w.bin', new Uint8Array(16)]]));
      const a = await remoteScan(withExternal({ location }), siblings);
      expect(codes(a), location).to.deep.equal([ONNX_CODES.externalNotFile]);
      expect(asked, location).to.deep.equal([]);
    }
  });

  it('a listing that fails to answer is reported, never a pass', async () => {
    const files = folderFiles('benign/onnx/external-data');
    const a = await remoteScan(files.get('model.onnx')!, memorySiblings(files, { statThrows: new Set(['weights.bin']) }).siblings);
    expect(codes(a)).to.deep.equal([ONNX_CODES.externalMissing]);
    expect(a.anomalies[0]!.message).to.equal("tensors 'W', 'B': external data file 'weights.bin' could not be checked (listing unavailable for weights.bin): loading it may fail");
  });

  it('never throws on mutated models over a listing that may fail', async () => {
    const dirs = ['benign/onnx/external-data', 'malicious/onnx/external-missing', 'malicious/onnx/external-past-end', 'malicious/onnx/external-extra-key'];
    const samples = dirs.map((d) => folderFiles(d).get('model.onnx')!);
    const files = folderFiles('benign/onnx/external-data');
    await fc.assert(
      fc.asyncProperty(mutated(samples), fc.boolean(), fc.nat({ max: 400 }), async (bytes, fails, size) => {
        const { siblings, opened } = memorySiblings(files, { listedSize: { 'weights.bin': size }, ...(fails ? { statThrows: new Set(['weights.bin']) } : {}) });
        const a = await analyseReader(bufferReader(bytes), `${REPO}/model.onnx`, 0, DEFAULT_ANALYSE_OPTIONS, { siblings });
        expect(a.format).to.equal('onnx');
        for (const x of a.anomalies) expect(x.code).to.match(/^onnx\//);
        expect(opened).to.deep.equal([]);
      }),
      { numRuns: 150 },
    );
  });
});
