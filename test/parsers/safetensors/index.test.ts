/** model.safetensors.index.json against the shards beside it, in temporary folders. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS, type AnalyseOptions } from '../../../src/engine/analyse.js';
import { CODES } from '../../../src/parsers/safetensors/codes.js';
import type { SafetensorsIndexArtifact } from '../../../src/parsers/safetensors/types.js';
import { classifyShardPath } from '../../../src/parsers/safetensors/shard-path.js';
import { bufferReader, fileReader } from '../../../src/sources/readers.js';
import { codes, stFile, t } from './helpers.js';

const INDEX = 'model.safetensors.index.json';
const S1 = 'model-00001-of-00002.safetensors';
const S2 = 'model-00002-of-00002.safetensors';

/** Two valid shards: S1 holds a (8 bytes) and b (4), S2 holds c (16): 28 bytes of tensor data. */
const SHARDS: Record<string, Uint8Array> = {
  [S1]: stFile({ __metadata__: { format: 'pt' }, a: t('F32', [2], 0, 8), b: t('F32', [1], 8, 12) }, 12, { pad: true }),
  [S2]: stFile({ __metadata__: { format: 'pt' }, c: t('F32', [4], 0, 16) }, 16, { pad: true }),
};
const WEIGHT_MAP = { a: S1, b: S1, c: S2 };

let root: string;
let n = 0;

async function folder(index: unknown | Uint8Array, shards: Record<string, Uint8Array> = SHARDS): Promise<string> {
  const dir = join(root, `m${n++}`);
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(shards)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  await writeFile(join(dir, INDEX), typeof index === 'string' || index instanceof Uint8Array ? index : JSON.stringify(index));
  return dir;
}

async function analyseIndex(dir: string, options: AnalyseOptions = DEFAULT_ANALYSE_OPTIONS): Promise<SafetensorsIndexArtifact> {
  const path = join(dir, INDEX);
  const reader = await fileReader(path);
  try {
    const artifact = await analyseReader(reader, INDEX, 0, options, { file: { absolutePath: path } });
    expect(artifact.format).to.equal('safetensors-index');
    return artifact as SafetensorsIndexArtifact;
  } finally {
    await reader.close();
  }
}

/** An index as transformers writes it; `null` leaves total_size out. */
const index = (weightMap: Record<string, string>, totalSize: number | null = 28) => ({ metadata: totalSize === null ? {} : { total_size: totalSize }, weight_map: weightMap });

describe('safetensors sharded index', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'modelvet-stidx-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('the index transformers wrote matches its shards', async () => {
    const dir = fileURLToPath(new URL('../../fixtures/benign/safetensors/tiny-bert/', import.meta.url));
    const a = await analyseIndex(dir);
    expect(a.anomalies).to.deep.equal([]);
    expect(a.safetensorsIndex.shardCheck).to.equal('checked');
    expect(a.safetensorsIndex.shards).to.have.length(5);
    expect(a.safetensorsIndex.tensorCount).to.be.greaterThan(10);
    expect(a.safetensorsIndex.totalSize).to.be.a('number');
    expect(a.safetensorsIndex.totalParameters).to.be.a('number');
  });

  it('inside an archive (no local file) the shards are not compared, and the artifact says so', async () => {
    const bytes = readFileSync(new URL('../../fixtures/malicious/safetensors/index-missing-shard/model.safetensors.index.json', import.meta.url));
    const a = (await analyseReader(bufferReader(bytes), `x.zip!${INDEX}`)) as SafetensorsIndexArtifact;
    expect(a.format).to.equal('safetensors-index');
    expect(a.anomalies).to.deep.equal([]);
    expect(a.safetensorsIndex.shardCheck).to.equal('not-local');
  });

  it('a consistent hand-made folder has no anomalies', async () => {
    expect(codes(await analyseIndex(await folder(index(WEIGHT_MAP))))).to.deep.equal([]);
  });

  it('a shard in a subfolder and a symlinked shard (the Hugging Face cache layout) are fine', async () => {
    const dir = await folder(index({ a: `sub/${S1}`, b: `sub/${S1}`, c: S2 }), { [`sub/${S1}`]: SHARDS[S1]!, [`blobs/x`]: SHARDS[S2]! });
    await symlink(join(dir, 'blobs/x'), join(dir, S2));
    expect(codes(await analyseIndex(dir))).to.deep.equal([]);
  });

  it('an index that is itself a link into blobs/ is compared with the shards beside the link', async () => {
    const cache = join(root, `hf${n++}`);
    const snapshot = join(cache, 'snapshots', 'abc123');
    await mkdir(join(cache, 'blobs'), { recursive: true });
    await mkdir(snapshot, { recursive: true });
    const blobs: Record<string, Uint8Array> = { [INDEX]: new TextEncoder().encode(JSON.stringify(index(WEIGHT_MAP))), ...SHARDS };
    for (const [name, bytes] of Object.entries(blobs)) {
      await writeFile(join(cache, 'blobs', `blob-${name}`), bytes);
      await symlink(`../../blobs/blob-${name}`, join(snapshot, name));
    }
    expect(codes(await analyseIndex(snapshot))).to.deep.equal([]);
  });

  it('a missing shard', async () => {
    const a = await analyseIndex(await folder(index(WEIGHT_MAP), { [S1]: SHARDS[S1]! }));
    expect(codes(a)).to.deep.equal([CODES.shardMissing]);
    expect(a.anomalies[0]!.message).to.equal(`the index maps 1 tensor to shard "${S2}", which is not in the folder, so loading the model fails`);
  });

  it('a shard that is a folder', async () => {
    const dir = await folder(index(WEIGHT_MAP), { [S1]: SHARDS[S1]! });
    await mkdir(join(dir, S2));
    const a = await analyseIndex(dir);
    expect(codes(a)).to.deep.equal([CODES.shardMissing]);
    expect(a.anomalies[0]!.message).to.include('is not a regular file');
  });

  it('a shard that is a FIFO is not opened (no hang)', async function () {
    const dir = await folder(index(WEIGHT_MAP), { [S1]: SHARDS[S1]! });
    try {
      execFileSync('mkfifo', [join(dir, S2)]);
    } catch {
      this.skip();
    }
    const a = await analyseIndex(dir);
    expect(codes(a)).to.deep.equal([CODES.shardMissing]);
  });

  it('a tensor its shard does not hold', async () => {
    const a = await analyseIndex(await folder(index({ ...WEIGHT_MAP, 'lm_head.weight': S2 })));
    expect(codes(a)).to.deep.equal([CODES.tensorNotInShard]);
    expect(a.anomalies[0]!.message).to.include('does not hold ("lm_head.weight")');
  });

  it('a tensor the index does not list (medium: loaders that read whole shards load it anyway)', async () => {
    const a = await analyseIndex(await folder(index({ a: S1, c: S2 })));
    // total_size (28) counts b's bytes too: the shards still hold them.
    expect(codes(a)).to.deep.equal([CODES.unmappedTensor]);
    expect(a.anomalies[0]!.message).to.include('holds 1 tensor the index does not list ("b")');
  });

  it('a tensor held by two shards', async () => {
    const shards = { ...SHARDS, [S2]: stFile({ c: t('F32', [4], 0, 16), a: t('F32', [2], 16, 24) }, 24) };
    const a = await analyseIndex(await folder(index(WEIGHT_MAP, 36), shards));
    expect(codes(a)).to.deep.equal([CODES.tensorInTwoShards]);
    expect(a.anomalies[0]!.message).to.match(/also holds 1 tensor the index maps to other shards \("a"\)/);
  });

  it('total_size that does not match the shards', async () => {
    const a = await analyseIndex(await folder(index(WEIGHT_MAP, 1000)));
    expect(codes(a)).to.deep.equal([CODES.totalSizeMismatch]);
    expect(a.anomalies[0]!.message).to.include('total_size is 1000 bytes but its shards hold 28 bytes');
  });

  it('no total_size: nothing to compare', async () => {
    expect(codes(await analyseIndex(await folder(index(WEIGHT_MAP, null))))).to.deep.equal([]);
  });

  it('a shard that is not valid safetensors', async () => {
    const a = await analyseIndex(await folder(index(WEIGHT_MAP), { ...SHARDS, [S2]: new TextEncoder().encode('not safetensors at all') }));
    expect(codes(a)).to.deep.equal([CODES.shardInvalid]);
    expect(a.anomalies[0]!.message).to.match(/^shard "model-00002-of-00002.safetensors" is not a valid safetensors file \(not a valid safetensors file: its first 8 bytes/);
  });

  describe('shard paths', () => {
    for (const [name, shard] of [
      ['a parent folder', '../outside.safetensors'],
      ['a deeper climb', 'sub/../../outside.safetensors'],
      ['an absolute path', '/'], // replaced by the real absolute path of the outside file
      ['a Windows parent', '..\\outside.safetensors'],
      ['a drive letter', 'C:\\models\\outside.safetensors'],
    ] as const) {
      it(`${name} escapes the folder, and the file there is never read`, async () => {
        // The file exists outside, without the tensors: reading it would add tensor-not-in-shard.
        await writeFile(join(root, 'outside.safetensors'), SHARDS[S2]!);
        const target = shard === '/' ? join(root, 'outside.safetensors') : shard;
        const a = await analyseIndex(await folder(index({ a: S1, b: S1, c: target }, null), { [S1]: SHARDS[S1]! }));
        expect(codes(a)).to.deep.equal([CODES.shardPathEscape]);
        expect(a.anomalies[0]!.message).to.include('path escapes the model folder');
      });
    }

    it('an escape is reported inside archives too', async () => {
      const bytes = new TextEncoder().encode(JSON.stringify(index({ a: '../../x.safetensors' })));
      const a = await analyseReader(bufferReader(bytes), `x.zip!${INDEX}`);
      expect(codes(a)).to.deep.equal([CODES.shardPathEscape]);
    });

    it('a backslash without ".." is unusual, not an escape', async () => {
      const a = await analyseIndex(await folder(index({ a: S1, b: S1, c: 'sub\\x.safetensors' }, null), { [S1]: SHARDS[S1]! }));
      expect(codes(a)).to.deep.equal([CODES.shardPathUnusual]);
    });

    it('classifies names', () => {
      expect(classifyShardPath('model-00001-of-00002.safetensors').kind).to.equal('inside');
      expect(classifyShardPath('sub/model.safetensors').kind).to.equal('inside');
      expect(classifyShardPath('./model.safetensors').kind).to.equal('inside');
      expect(classifyShardPath('..model.safetensors').kind).to.equal('inside');
      expect(classifyShardPath('/etc/passwd').kind).to.equal('escape');
      expect(classifyShardPath('\\\\server\\share\\x').kind).to.equal('escape');
      expect(classifyShardPath('a/b/../../../x').kind).to.equal('escape');
      expect(classifyShardPath('d:x').kind).to.equal('escape');
      expect(classifyShardPath('').kind).to.equal('unusual');
      expect(classifyShardPath('a\0b').kind).to.equal('unusual');
    });
  });

  describe('the index document', () => {
    const cases: Array<[string, string, string[], RegExp]> = [
      ['not JSON', '{"weight_map": {', [CODES.indexInvalid], /not valid JSON/],
      ['NaN (Python reads it, the format is JSON)', '{"metadata": {"total_size": NaN}, "weight_map": {}}', [CODES.indexInvalid], /not valid JSON/],
      ['an array', '[]', [CODES.indexInvalid], /is an array, not an object with a weight_map/],
      ['no weight_map', '{"metadata": {}}', [CODES.indexInvalid], /has no weight_map/],
      ['weight_map a list', '{"weight_map": ["a"]}', [CODES.indexInvalid], /weight_map is an array/],
      ['a shard name that is a number', `{"weight_map": {"a": "${S1}", "b": "${S1}", "c": 2}}`, [CODES.indexInvalid], /maps tensor "c" to the number 2/],
      ['a tensor mapped twice', `{"weight_map": {"a": "${S2}", "b": "${S1}", "c": "${S2}", "a": "${S1}"}}`, [CODES.duplicateKey], /tensor "a" is mapped twice in weight_map; Python's json keeps the last/],
      ['metadata a string', `{"metadata": "x", "weight_map": {"a": "${S1}", "b": "${S1}", "c": "${S2}"}}`, [CODES.indexInvalid], /metadata is a string/],
    ];
    for (const [name, text, expected, message] of cases) {
      it(name, async () => {
        const a = await analyseIndex(await folder(text));
        expect(codes(a)).to.deep.equal(expected);
        expect(a.anomalies[0]!.message).to.match(message);
      });
    }

    it('invalid UTF-8', async () => {
      const bytes = new Uint8Array([...new TextEncoder().encode('{"weight_map": {"'), 0xff, ...new TextEncoder().encode(`": "${S1}"}}`)]);
      const a = await analyseIndex(await folder(bytes));
      expect(codes(a)).to.deep.equal([CODES.indexInvalid]);
      expect(a.anomalies[0]!.message).to.equal('the index is not valid UTF-8 (byte 17), so loading the sharded model fails');
    });

    it('a hostile tensor name is just a key', async () => {
      const a = await analyseIndex(await folder(`{"weight_map": {"__proto__": "${S1}", "a": "${S1}", "b": "${S1}", "c": "${S2}"}}`));
      expect(codes(a)).to.deep.equal([CODES.tensorNotInShard]);
      expect(a.anomalies[0]!.message).to.include('("__proto__")');
      expect(({} as Record<string, unknown>)[S1]).to.equal(undefined);
    });

    it('an index over the JSON limit is not analysed', async () => {
      const a = await analyseIndex(await folder(index(WEIGHT_MAP)), { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 20 });
      expect(codes(a)).to.deep.equal([CODES.indexOverLimit]);
    });

    it('more shards than the member limit: the rest are not checked, and that is said', async () => {
      const a = await analyseIndex(await folder(index(WEIGHT_MAP, null)), { ...DEFAULT_ANALYSE_OPTIONS, maxArchiveMembers: 1 });
      expect(codes(a)).to.deep.equal([CODES.shardLimit]);
      expect(a.anomalies[0]!.message).to.include('names 2 shard files, more than the 1 looked at');
    });
  });
});
