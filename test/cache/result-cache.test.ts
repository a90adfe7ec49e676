import { expect } from 'chai';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResultCache } from '../../src/cache/result-cache.js';
import { rulesetKey } from '../../src/cache/ruleset-key.js';
import type { CachedResult } from '../../src/cache/types.js';
import { isCacheEntry } from '../../src/cache/entry-schema.js';

const KEY = rulesetKey({ version: '0.1.0', rules: { 'pickle/dangerous-global': 'critical' } });
const OTHER_KEY = rulesetKey({ version: '0.1.0', rules: { 'pickle/dangerous-global': 'high' } });
const SHA = createHash('sha256').update('model bytes').digest('hex');
const RESULT: CachedResult = {
  format: 'pytorch-zip',
  size: 2600,
  findings: [
    { ruleId: 'pickle/dangerous-global', severity: 'critical', message: 'loading calls os.getcwd', suffix: '!archive/data.pkl', location: { offset: 2 }, evidence: { module: 'os', name: 'getcwd' }, fix: 'use safetensors' },
    { ruleId: 'pickle/prefer-safetensors', severity: 'low', message: 'stored as a PyTorch checkpoint', suffix: '' },
  ],
};
const writer = fileURLToPath(new URL('./helpers/writer.ts', import.meta.url));
const isRoot = process.getuid?.() === 0;

function entryFile(dir: string, key: string, sha: string): string {
  return join(dir, 'v1', key.slice(0, 16), sha.slice(0, 2), `${sha}.json`);
}

describe('cache: ResultCache', () => {
  let base: string;
  let dir: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'modelvet-cache-'));
    dir = join(base, 'cache');
  });
  afterEach(() => {
    chmodSync(base, 0o700);
    rmSync(base, { recursive: true, force: true });
  });

  async function stored(key = KEY, sha = SHA, result = RESULT): Promise<void> {
    const cache = ResultCache.open({ dir, rulesetKey: key });
    cache.put(sha, result);
    await cache.flush();
  }

  it('misses before a put and hits afterwards, in a fresh instance (another run)', async () => {
    expect(ResultCache.open({ dir, rulesetKey: KEY }).get(SHA)).to.equal(undefined);
    await stored();
    expect(ResultCache.open({ dir, rulesetKey: KEY }).get(SHA)).to.deep.equal(RESULT);
    expect(ResultCache.open({ dir, rulesetKey: KEY }).get('0'.repeat(64))).to.equal(undefined);
  });

  it('lays entries out as v1/<key16>/<sha2>/<sha>.json, files 0600 and folders 0700', async () => {
    await stored();
    const file = entryFile(dir, KEY, SHA);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    for (const folder of [dirname(file), dirname(dirname(file)), join(dir, 'v1'), dir]) expect(statSync(folder).mode & 0o777, folder).to.equal(0o700);
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    expect(entry).to.include({ cacheEntryVersion: 1, sha256: SHA, rulesetKey: KEY });
    // no temporary files left behind
    expect(readdirSync(dirname(file))).to.deep.equal([`${SHA}.json`]);
  });

  it('misses when the rule set changes (another version, severity or setting)', async () => {
    await stored();
    expect(ResultCache.open({ dir, rulesetKey: OTHER_KEY }).get(SHA)).to.equal(undefined);
  });

  it('keeps results for the same bytes under different variants (file names) apart', async () => {
    const cache = ResultCache.open({ dir, rulesetKey: KEY });
    cache.put(SHA, RESULT, 'tokenizer_config.json');
    await cache.flush();
    const again = ResultCache.open({ dir, rulesetKey: KEY });
    expect(again.get(SHA, 'tokenizer_config.json')).to.deep.equal(RESULT);
    expect(again.get(SHA, 'other.json')).to.equal(undefined);
    expect(again.get(SHA)).to.equal(undefined);
  });

  it('treats a corrupt, invalid or misplaced entry as a miss', async () => {
    await stored();
    const file = entryFile(dir, KEY, SHA);
    const good = readFileSync(file, 'utf8');
    const cases: Array<[string, string]> = [
      ['truncated JSON', good.slice(0, good.length >> 1)],
      ['not JSON', '\u0000\u0001garbage'],
      ['empty', ''],
      ['schema violation: unknown severity', good.replace('"critical"', '"catastrophic"')],
      ['schema violation: extra key', good.replace('{', '{"extra":1,')],
      ['suffix not starting with !', good.replace('"!archive/data.pkl"', '"archive/data.pkl"')],
      ['entry for other content', good.replace(`"sha256":"${SHA}"`, `"sha256":"${'1'.repeat(64)}"`)],
      ['entry for another rule set sharing the folder', good.replace(`"rulesetKey":"${KEY}"`, `"rulesetKey":"${KEY.slice(0, 16)}${'0'.repeat(48)}"`)],
      ['prototype keys', '{"__proto__":{"polluted":true},"cacheEntryVersion":1}'],
    ];
    for (const [what, text] of cases) {
      writeFileSync(file, text, { mode: 0o600 });
      expect(ResultCache.open({ dir, rulesetKey: KEY }).get(SHA), what).to.equal(undefined);
    }
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('a randomly mutated or truncated entry is a miss or a schema-valid result, never an exception', async () => {
    await stored();
    const file = entryFile(dir, KEY, SHA);
    const good = readFileSync(file);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(good.length), (edits, cut) => {
        const bytes = Buffer.from(good.subarray(0, Math.max(cut, 1)));
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        writeFileSync(file, bytes, { mode: 0o600 });
        const got = ResultCache.open({ dir, rulesetKey: KEY }).get(SHA);
        if (got !== undefined) expect(isCacheEntry({ cacheEntryVersion: 1, sha256: SHA, rulesetKey: KEY, result: got })).to.equal(true);
      }),
      { numRuns: 150 },
    );
  });

  it('never follows a symbolic link at an entry or at its folder', async () => {
    await stored();
    const file = entryFile(dir, KEY, SHA);
    // A perfectly valid entry, but reached through a link: ignored.
    const elsewhere = join(base, 'elsewhere.json');
    writeFileSync(elsewhere, readFileSync(file), { mode: 0o600 });
    rmSync(file);
    symlinkSync(elsewhere, file);
    expect(ResultCache.open({ dir, rulesetKey: KEY }).get(SHA)).to.equal(undefined);

    // The shard folder itself a link to a folder holding the valid entry.
    const shard = dirname(file);
    const realShard = join(base, 'real-shard');
    mkdirSync(realShard, { mode: 0o700 });
    writeFileSync(join(realShard, `${SHA}.json`), readFileSync(elsewhere), { mode: 0o600 });
    rmSync(shard, { recursive: true });
    symlinkSync(realShard, shard);
    expect(ResultCache.open({ dir, rulesetKey: KEY }).get(SHA)).to.equal(undefined);

    // The layout root a link to a real cache: the whole cache is not trusted.
    const realCache = join(base, 'real-cache');
    await (async () => {
      const c = ResultCache.open({ dir: realCache, rulesetKey: KEY });
      c.put(SHA, RESULT);
      await c.flush();
    })();
    rmSync(join(dir, 'v1'), { recursive: true });
    symlinkSync(join(realCache, 'v1'), join(dir, 'v1'));
    expect(ResultCache.open({ dir: realCache, rulesetKey: KEY }).get(SHA)).to.deep.equal(RESULT);
    expect(ResultCache.open({ dir, rulesetKey: KEY }).get(SHA)).to.equal(undefined);
  });

  it('a put replaces a symbolic link at the entry path instead of writing through it', async () => {
    await stored();
    const file = entryFile(dir, KEY, SHA);
    const target = join(base, 'target.txt');
    writeFileSync(target, 'do not touch');
    rmSync(file);
    symlinkSync(target, file);
    await stored();
    expect(readFileSync(target, 'utf8')).to.equal('do not touch');
    expect(lstatSync(file).isFile()).to.equal(true);
  });

  it('does not trust a cache folder others can write to: every lookup misses and nothing is written', async () => {
    await stored();
    chmodSync(join(dir, 'v1'), 0o777);
    const cache = ResultCache.open({ dir, rulesetKey: KEY });
    expect(cache.get(SHA)).to.equal(undefined);
    const other = createHash('sha256').update('other').digest('hex');
    cache.put(other, RESULT);
    await cache.flush();
    expect(existsSync(entryFile(dir, KEY, other))).to.equal(false);
  });

  it('skips a result larger than the entry cap (it is analysed again next time)', async () => {
    const cache = ResultCache.open({ dir, rulesetKey: KEY, maxEntryBytes: 200 });
    cache.put(SHA, RESULT);
    await cache.flush();
    expect(existsSync(entryFile(dir, KEY, SHA))).to.equal(false);
    expect(cache.get(SHA)).to.equal(undefined);
  });

  it('a cache folder that cannot be created (a file in the way) is a silent no-op', async () => {
    writeFileSync(join(base, 'file'), 'x');
    const cache = ResultCache.open({ dir: join(base, 'file', 'cache'), rulesetKey: KEY });
    cache.put(SHA, RESULT);
    await cache.flush();
    expect(cache.get(SHA)).to.equal(undefined);
    expect(await cache.sha256For(join(base, 'file'))).to.equal(createHash('sha256').update('x').digest('hex'));
    await cache.flush();
  });

  it('a read-only cache folder is a silent no-op', async function () {
    if (isRoot) this.skip(); // root writes through mode bits; the ENOTDIR case above covers the failure path
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o500);
    const cache = ResultCache.open({ dir, rulesetKey: KEY });
    cache.put(SHA, RESULT);
    await cache.flush();
    expect(cache.get(SHA)).to.equal(undefined);
    chmodSync(dir, 0o700);
  });

  it('a write that fails after the folders exist (entry path taken by a folder) is dropped', async () => {
    mkdirSync(entryFile(dir, KEY, SHA), { recursive: true, mode: 0o700 });
    const cache = ResultCache.open({ dir, rulesetKey: KEY });
    cache.put(SHA, RESULT);
    await cache.flush();
    expect(cache.get(SHA)).to.equal(undefined);
    expect(readdirSync(dirname(entryFile(dir, KEY, SHA)))).to.deep.equal([`${SHA}.json`]);
  });

  it('rejects a rulesetKey that is not a SHA-256 and ignores malformed content digests', () => {
    expect(() => ResultCache.open({ dir, rulesetKey: 'v1' })).to.throw(TypeError);
    const cache = ResultCache.open({ dir, rulesetKey: KEY });
    cache.put('../../escape', RESULT);
    expect(cache.get('../../escape')).to.equal(undefined);
    expect(existsSync(dir)).to.equal(false);
  });

  it('two processes writing the same entry never leave a torn entry for a reader', async function () {
    this.timeout(60_000);
    const sha = createHash('sha256').update('contended').digest('hex');
    const run = (tag: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, KEY, sha, tag, '60'], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('close', resolve);
      });
    const file = entryFile(dir, KEY, sha);
    const seen = new Set<string>();
    let reads = 0;
    let done = false;
    const both = Promise.all([run('A'), run('B')]).finally(() => (done = true));
    const reader = ResultCache.open({ dir, rulesetKey: KEY });
    while (!done) {
      if (existsSync(file)) {
        // Raw bytes: always a whole JSON document from one writer.
        const text = readFileSync(file, 'utf8');
        const parsed = JSON.parse(text) as { result: CachedResult };
        seen.add(parsed.result.findings[0].message[0]);
        expect(reader.get(sha)?.findings).to.have.length(400);
        reads++;
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(await both).to.deep.equal([0, 0]);
    expect(reads).to.be.greaterThan(0);
    expect([...seen].every((t) => t === 'A' || t === 'B')).to.equal(true);
    expect(readdirSync(dirname(file))).to.deep.equal([`${sha}.json`]);
  });
});

describe('cache: rulesetKey', () => {
  it('is a SHA-256 of canonical JSON: key order does not matter, values do', () => {
    const a = rulesetKey({ version: '1', rules: { a: 'high', b: 'off' }, settings: { allow: ['x'] } });
    const b = rulesetKey({ settings: { allow: ['x'] }, rules: { b: 'off', a: 'high' }, version: '1' });
    expect(a).to.match(/^[0-9a-f]{64}$/).and.equal(b);
    expect(rulesetKey({ version: '1', rules: { a: 'medium', b: 'off' }, settings: { allow: ['x'] } })).to.not.equal(a);
    expect(rulesetKey({ version: '1', rules: { a: 'high', b: 'off' }, settings: { allow: ['x', 'y'] } })).to.not.equal(a);
    expect(rulesetKey(['a', 'b'])).to.not.equal(rulesetKey(['b', 'a']));
    expect(rulesetKey(new Map([['b', 1], ['a', 2]]))).to.equal(rulesetKey({ a: 2, b: 1 }));
  });
});
