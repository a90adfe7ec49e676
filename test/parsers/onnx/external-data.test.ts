import { expect } from 'chai';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OnnxArtifact } from '../../../src/parsers/onnx/types.js';
import { fileReader } from '../../../src/sources/readers.js';
import { analyse, externalTensor, model } from './build.js';

/** Checks on disk: each path component lstat'ed from the model's folder, never opened. */
describe('onnx parser: external data on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-onnx-'));
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(64));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'w.bin'), new Uint8Array(16));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function scan(entries: Record<string, string>): Promise<OnnxArtifact> {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, model({ initializer: [externalTensor('w', entries)] }));
    const reader = await fileReader(path);
    try {
      return (await analyse(reader, 'model.onnx', { absolutePath: path })) as OnnxArtifact;
    } finally {
      await reader.close();
    }
  }
  const codes = (a: OnnxArtifact): string[] => a.anomalies.map((x) => x.code);

  it('accepts data inside the folder, in range', async () => {
    expect(codes(await scan({ location: 'weights.bin', offset: '16', length: '48' }))).to.deep.equal([]);
    expect(codes(await scan({ location: './sub/w.bin' }))).to.deep.equal([]);
  });

  it('reports a missing file, and a path through a file', async () => {
    const missing = await scan({ location: 'nope.bin' });
    expect(codes(missing)).to.deep.equal(['onnx/external-missing']);
    expect(missing.anomalies[0].message).to.equal("tensor 'w': external data file 'nope.bin' does not exist beside the model: loading fails");
    expect(codes(await scan({ location: 'weights.bin/x' }))).to.deep.equal(['onnx/external-missing']);
  });

  it('reports a range past the end of the file', async () => {
    const a = await scan({ location: 'weights.bin', offset: '60', length: '8' });
    expect(codes(a)).to.deep.equal(['onnx/external-out-of-range']);
    expect(a.anomalies[0].detail).to.deep.include({ offset: 60, length: 8, fileSize: 64 });
    expect(codes(await scan({ location: 'weights.bin', offset: '65' }))).to.deep.equal(['onnx/external-out-of-range']);
  });

  it('reports a symlink as the data file, even one pointing inside the folder', async () => {
    symlinkSync(join(dir, 'weights.bin'), join(dir, 'link.bin'));
    const a = await scan({ location: 'link.bin' });
    expect(codes(a)).to.deep.equal(['onnx/external-symlink']);
    expect(a.anomalies[0].message).to.include(`link.bin -> ${join(dir, 'weights.bin')}`);
  });

  it('reports a symlinked folder on the way to the data', async () => {
    symlinkSync(tmpdir(), join(dir, 'up'));
    const a = await scan({ location: 'up/anything.bin' });
    expect(codes(a)).to.deep.equal(['onnx/external-symlink']);
    expect(a.anomalies[0].detail).to.deep.include({ link: 'up', target: tmpdir() });
  });

  it('reports a folder in place of the data file', async () => {
    const a = await scan({ location: 'sub' });
    expect(codes(a)).to.deep.equal(['onnx/external-not-file']);
    expect(a.anomalies[0].message).to.include('is a folder');
  });

  it('reports a data file with several hard links', async () => {
    linkSync(join(dir, 'weights.bin'), join(dir, 'other-name.bin'));
    const a = await scan({ location: 'weights.bin', length: '8' });
    expect(codes(a)).to.deep.equal(['onnx/external-hardlink']);
  });

  it('never touches the disk for an absolute or climbing location', async () => {
    expect(codes(await scan({ location: '/dev/zero' }))).to.deep.equal(['onnx/external-absolute']);
    expect(codes(await scan({ location: 'sub/../../weights.bin' }))).to.deep.equal(['onnx/external-escape']);
  });
});
