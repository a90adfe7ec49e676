/** checkShards re-hashes signed byte ranges of a copy of the `shards` fixture folder. */
import { expect } from 'chai';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkShards, readSigningManifest } from '../../../src/integrity/model-signing/read.js';
import { fixture } from './helpers.js';

describe('model-signing: checkShards', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-shards-'));
    cpSync(fixture('shards'), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const check = async () => checkShards(await readSigningManifest(join(dir, 'model.sig'), {}), dir);
  const failing = (results: Awaited<ReturnType<typeof check>>) => results.filter((r) => !r.ok).map((r) => `${r.path}:${r.start}:${r.end} ${r.problem ?? 'mismatch'}`);

  it('finds every shard of the signed folder intact', async () => {
    const results = await check();
    expect(results.length).to.equal(6);
    expect(results.every((r) => r.ok && r.actual === r.expected)).to.equal(true);
  });

  it('names the one shard holding a changed byte, with both digests', async () => {
    const path = join(dir, 'model.safetensors');
    const bytes = readFileSync(path);
    bytes[100] ^= 0xff;
    writeFileSync(path, bytes);
    const results = await check();
    expect(failing(results)).to.deep.equal(['model.safetensors:64:128 mismatch']);
    const bad = results.find((r) => !r.ok)!;
    expect(bad.actual).to.match(/^[0-9a-f]{64}$/).and.not.equal(bad.expected);
  });

  it('reports bytes appended after the last shard as uncovered', async () => {
    appendFileSync(join(dir, 'config.json'), 'extra');
    expect(failing(await check())).to.deep.equal(['config.json:125:130 uncovered']);
  });

  it('reports a file cut short and a missing file', async () => {
    truncateSync(join(dir, 'model.safetensors'), 150);
    unlinkSync(join(dir, 'config.json'));
    expect(failing(await check())).to.deep.equal(['config.json:0:64 missing', 'config.json:64:125 missing', 'model.safetensors:128:192 short', 'model.safetensors:192:256 short']);
  });

  it('never reads a signed file through a link that leaves the model folder', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'modelvet-outside-'));
    try {
      cpSync(join(dir, 'config.json'), join(outside, 'config.json'));
      unlinkSync(join(dir, 'config.json'));
      symlinkSync(join(outside, 'config.json'), join(dir, 'config.json'));
      expect(failing(await check())).to.deep.equal(['config.json:0:64 outside-root', 'config.json:64:125 outside-root']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
