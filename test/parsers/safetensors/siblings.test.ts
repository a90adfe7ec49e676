/**
 * A sharded safetensors index checked against a repo listing (`siblings`, as `modelvet check`
 * passes for a remote file) gives what the local scan of the same folder gives, reading no more:
 * 8 bytes and the header of each shard, never a path that leaves the folder.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS, type AnalyseOptions } from '../../../src/engine/analyse.js';
import type { SiblingFiles } from '../../../src/engine/format-handler.js';
import { CODES } from '../../../src/parsers/safetensors/codes.js';
import type { SafetensorsIndexArtifact } from '../../../src/parsers/safetensors/types.js';
import { bufferReader, fileReader } from '../../../src/sources/readers.js';
import { folderFiles, memorySiblings, SIBLINGS_REPO, type SiblingFaults } from '../../helpers/memory-siblings.js';
import { mutated } from '../tensorflow/mutate.js';
import { codes, stFile, t } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const INDEX = 'model.safetensors.index.json';
const REPO = SIBLINGS_REPO;

async function remoteScan(files: ReadonlyMap<string, Uint8Array>, siblings: SiblingFiles, options: AnalyseOptions = DEFAULT_ANALYSE_OPTIONS): Promise<SafetensorsIndexArtifact> {
  const a = await analyseReader(bufferReader(files.get(INDEX)!), `${REPO}/${INDEX}`, 0, options, { siblings });
  expect(a.format).to.equal('safetensors-index');
  return a as SafetensorsIndexArtifact;
}

async function localScan(dir: string): Promise<SafetensorsIndexArtifact> {
  const path = join(FIXTURES, dir, INDEX);
  const reader = await fileReader(path);
  try {
    return (await analyseReader(reader, INDEX, 0, DEFAULT_ANALYSE_OPTIONS, { file: { absolutePath: path } })) as SafetensorsIndexArtifact;
  } finally {
    await reader.close();
  }
}

const headerBytes = (shard: Uint8Array): number => 8 + Number(new DataView(shard.buffer, shard.byteOffset, 8).getBigUint64(0, true));
const shardNames = (files: ReadonlyMap<string, Uint8Array>): string[] => [...files.keys()].filter((n) => n.endsWith('.safetensors'));

describe('safetensors index: shards in a repo listing', () => {
  const cases: Array<[string, string[]]> = [
    ['benign/safetensors/tiny-bert', []],
    ['malicious/safetensors/index-missing-shard', [CODES.shardMissing]],
    ['malicious/safetensors/index-tensor-not-in-shard', [CODES.tensorNotInShard]],
    ['malicious/safetensors/index-path-escape', [CODES.shardPathEscape]],
  ];
  for (const [dir, expected] of cases) {
    it(`${dir}: the same anomalies as the local scan, "in the repo" for "in the folder"`, async () => {
      const local = await localScan(dir);
      const files = folderFiles(dir);
      const remote = await remoteScan(files, memorySiblings(files).siblings);
      expect(codes(local)).to.deep.equal(expected);
      expect(codes(remote)).to.deep.equal(expected);
      expect(remote.anomalies.map((a) => a.message)).to.deep.equal(local.anomalies.map((a) => a.message.replace('is not in the folder', 'is not in the repo')));
      expect(remote.anomalies.map((a) => a.detail)).to.deep.equal(local.anomalies.map((a) => a.detail));
      expect(remote.safetensorsIndex).to.deep.equal(local.safetensorsIndex);
      expect(remote.safetensorsIndex.shardCheck).to.equal('checked');
    });
  }

  it('the missing shard is said to be missing from the repo', async () => {
    const files = folderFiles('malicious/safetensors/index-missing-shard');
    const a = await remoteScan(files, memorySiblings(files).siblings);
    expect(a.anomalies[0]!.message).to.equal('the index maps 2 tensors to shard "model-00002-of-00002.safetensors", which is not in the repo, so loading the model fails');
  });

  it('reads 8 bytes and the header of each shard, nothing of their data', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    const { siblings, bytesRead } = memorySiblings(files);
    await remoteScan(files, siblings);
    const shards = shardNames(files);
    expect(shards).to.have.length(5);
    for (const shard of shards) expect(bytesRead.get(shard), shard).to.equal(headerBytes(files.get(shard)!));
    expect([...bytesRead.keys()].sort()).to.deep.equal(shards.sort());
  });

  it('never asks the listing for a shard path that escapes', async () => {
    const files = folderFiles('malicious/safetensors/index-path-escape');
    const { siblings, asked } = memorySiblings(files);
    await remoteScan(files, siblings);
    expect(asked.length).to.be.greaterThan(0);
    for (const rel of asked) expect(rel).to.equal('model-00001-of-00002.safetensors');
  });

  it('a shard the listing lacks', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    files.delete('model-00003-of-00005.safetensors');
    const a = await remoteScan(files, memorySiblings(files).siblings);
    expect(codes(a)).to.deep.equal([CODES.shardMissing]);
    expect(a.anomalies[0]!.message).to.match(/^the index maps \d+ tensors? to shard "model-00003-of-00005.safetensors", which is not in the repo, so loading the model fails$/);
  });

  it('a shard shorter than its header says (cut in its data): invalid, and total_size is not judged on a partial read', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    const name = 'model-00002-of-00005.safetensors';
    files.set(name, files.get(name)!.slice(0, headerBytes(files.get(name)!) + 4));
    const a = await remoteScan(files, memorySiblings(files).siblings);
    expect(codes(a)).to.deep.equal([CODES.shardInvalid]);
    expect(a.anomalies[0]!.message).to.include(`shard "${name}" is not a valid safetensors file`);
    expect(a.anomalies[0]!.detail).to.deep.include({ code: CODES.offsetsOutOfBounds });
  });

  it('a shard the listing says is shorter than its header: invalid, the header is not fetched', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    const name = 'model-00004-of-00005.safetensors';
    const { siblings, bytesRead } = memorySiblings(files, { listedSize: { [name]: 100 } });
    const a = await remoteScan(files, siblings);
    expect(codes(a)).to.deep.equal([CODES.shardInvalid]);
    expect(a.anomalies[0]!.detail).to.deep.include({ shard: name, code: CODES.headerLength });
    expect(bytesRead.get(name)).to.equal(8);
  });

  it('a read that stops short (a fetch cap) is a shard not read, never a pass', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    const name = 'model-00001-of-00005.safetensors';
    const real = files.get(name)!;
    // The listing and the reader claim the whole file; the bytes served end inside the header.
    const { siblings } = memorySiblings(new Map([...files, [name, real.slice(0, 40)]]), { listedSize: { [name]: real.length } });
    const a = await remoteScan(files, siblings);
    expect(codes(a)).to.deep.equal([CODES.shardInvalid]);
    expect(a.anomalies[0]!.message).to.include('only 32 of its 128 header bytes could be read');
  });

  for (const [what, faults, reason] of [
    ['the listing throws', (n: string): SiblingFaults => ({ statThrows: new Set([n]) }), /which cannot be read \(listing unavailable for .*\), so loading the model fails/],
    ['the open throws', (n: string): SiblingFaults => ({ openThrows: new Set([n]) }), /which cannot be read \(HTTP 503 for .*\), so loading the model fails/],
    ['a read throws', (n: string): SiblingFaults => ({ readThrows: new Set([n]) }), /which cannot be read \(connection reset reading .*\), so loading the model fails/],
    ['the file is gone when opened', (n: string): SiblingFaults => ({ openMissing: new Set([n]) }), /which is not in the repo, so loading the model fails/],
  ] as const) {
    it(`${what}: the shard is reported, the others are still checked`, async () => {
      const files = folderFiles('benign/safetensors/tiny-bert');
      const name = 'model-00005-of-00005.safetensors';
      const { siblings, bytesRead } = memorySiblings(files, faults(name));
      const a = await remoteScan(files, siblings);
      expect(codes(a)).to.deep.equal([CODES.shardMissing]);
      expect(a.anomalies[0]!.message).to.match(reason);
      expect(a.anomalies[0]!.detail).to.deep.include({ shard: name });
      for (const other of shardNames(files).filter((n) => n !== name)) expect(bytesRead.get(other), other).to.equal(headerBytes(files.get(other)!));
    });
  }

  it('a shard header over the JSON limit is not fetched', async () => {
    const S1 = 'model-00001-of-00002.safetensors';
    const big = stFile({ __metadata__: { note: 'x'.repeat(4000) }, a: t('F32', [1], 0, 4) }, 4);
    const files = new Map([[INDEX, new TextEncoder().encode(JSON.stringify({ weight_map: { a: S1 } }))], [S1, big]]);
    const { siblings, bytesRead } = memorySiblings(files);
    const a = await remoteScan(files, siblings, { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 1000 });
    expect(codes(a)).to.deep.equal([CODES.shardInvalid]);
    expect(a.anomalies[0]!.detail).to.deep.include({ code: CODES.headerOverLimit });
    expect(bytesRead.get(S1)).to.equal(8);
  });

  it('more shards than the member limit: only that many are read, and the rest is said', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    const { siblings, bytesRead } = memorySiblings(files);
    const a = await remoteScan(files, siblings, { ...DEFAULT_ANALYSE_OPTIONS, maxArchiveMembers: 2 });
    expect(codes(a)).to.deep.equal([CODES.shardLimit]);
    expect(bytesRead.size).to.equal(2);
  });

  it('reads a few shards at once, and reports in index order whichever answers first', async () => {
    const files = folderFiles('benign/safetensors/tiny-bert');
    const shards = shardNames(files).sort();
    // The first shard answers last; the second and fourth are broken.
    files.set(shards[1]!, new TextEncoder().encode('not safetensors'));
    files.delete(shards[3]!);
    const { siblings, maxInFlight } = memorySiblings(files, { delay: { [shards[0]!]: 40, [shards[1]!]: 20, [shards[2]!]: 5 } });
    const a = await remoteScan(files, siblings);
    expect(a.anomalies.map((x) => [x.code, x.detail?.shard])).to.deep.equal([
      [CODES.shardInvalid, shards[1]],
      [CODES.shardMissing, shards[3]],
    ]);
    expect(maxInFlight()).to.be.within(2, 4);
  });

  it('inside an archive with no siblings, shards are still not compared', async () => {
    const files = folderFiles('malicious/safetensors/index-missing-shard');
    const a = (await analyseReader(bufferReader(files.get(INDEX)!), `x.zip!${INDEX}`)) as SafetensorsIndexArtifact;
    expect(codes(a)).to.deep.equal([]);
    expect(a.safetensorsIndex.shardCheck).to.equal('not-local');
  });

  it('never throws on mutated indexes and shards, or a listing that fails anywhere', async () => {
    const base = folderFiles('benign/safetensors/tiny-bert');
    const names = [...base.keys()].filter((n) => n !== 'config.json').sort();
    const samples = names.map((n) => base.get(n)!);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: names.length - 1 }), mutated(samples), fc.subarray(names), fc.subarray(names), async (which, bytes, broken, gone) => {
        const files = new Map(base);
        files.set(names[which]!, bytes);
        for (const n of gone) if (n !== INDEX) files.delete(n);
        const set = new Set(broken);
        const { siblings } = memorySiblings(files, { statThrows: set, openThrows: set, readThrows: new Set(broken.slice(1)) });
        const a = await analyseReader(bufferReader(files.get(INDEX)!), `${REPO}/${INDEX}`, 0, DEFAULT_ANALYSE_OPTIONS, { siblings });
        expect(a.format).to.be.oneOf(['safetensors-index', 'safetensors', 'pickle', 'unknown']);
        if (a.format === 'safetensors-index') for (const x of a.anomalies) expect(x.code).to.match(/^safetensors\//);
        // A listing that misses or fails a shard the index names is never silently clean.
        if (a.format === 'safetensors-index' && names[which] !== INDEX && (gone.some((n) => n !== INDEX) || broken.some((n) => n !== INDEX))) {
          expect(a.anomalies.length).to.be.greaterThan(0);
        }
      }),
      { numRuns: 120 },
    );
  });
});
