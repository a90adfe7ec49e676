import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultCache } from '../../src/cache/result-cache.js';
import { rulesetKey } from '../../src/cache/ruleset-key.js';
import { DEFAULT_STAT_MEMO_LIMITS, StatMemo, fileStamp } from '../../src/cache/stat-memo.js';

const KEY = rulesetKey({ version: 'test' });
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const FAKE = 'f'.repeat(64);

describe('cache: stat memo (sha256For)', () => {
  let base: string;
  let dir: string;
  let memoFile: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'modelvet-memo-'));
    dir = join(base, 'cache');
    memoFile = join(dir, 'v1', 'stat-memo.json');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  /** A file last modified a minute ago: settled, so the memo may keep it. */
  function oldFile(name: string, content: string): string {
    const p = join(base, name);
    writeFileSync(p, content);
    const t = Date.now() / 1000 - 60;
    utimesSync(p, t, t);
    return p;
  }

  const open = (statMemo?: { maxEntries?: number; settleMs?: number }) => ResultCache.open({ dir, rulesetKey: KEY, statMemo });

  /** Replaces the digest the memo holds for `path`, so a later answer shows whether it came from the memo. */
  function plantDigest(path: string, digest: string): void {
    const memo = JSON.parse(readFileSync(memoFile, 'utf8'));
    memo.entries[path].sha256 = digest;
    writeFileSync(memoFile, JSON.stringify(memo), { mode: 0o600 });
  }

  it('hashes on a miss, remembers the file, and answers from the memo next run while stat is unchanged', async () => {
    const p = oldFile('model.bin', 'weights v1');
    const first = open();
    expect(await first.sha256For(p)).to.equal(sha('weights v1'));
    await first.flush();
    expect(statSync(memoFile).mode & 0o777).to.equal(0o600);
    plantDigest(p, FAKE);
    expect(await open().sha256For(p)).to.equal(FAKE); // came from the memo: the file was not read
  });

  it('is invalidated by a new mtime (same size) and by a new size', async () => {
    const p = oldFile('model.bin', 'weights v1');
    const c = open();
    await c.sha256For(p);
    await c.flush();
    plantDigest(p, FAKE);
    // same size, same bytes, only the mtime moves: hashed again
    const t = Date.now() / 1000 - 30;
    utimesSync(p, t, t);
    expect(await open().sha256For(p)).to.equal(sha('weights v1'));

    const c2 = open();
    await c2.sha256For(p);
    await c2.flush();
    plantDigest(p, FAKE);
    writeFileSync(p, 'weights v2 longer');
    utimesSync(p, t, t); // even with the old mtime restored, size and ctime differ
    expect(await open().sha256For(p)).to.equal(sha('weights v2 longer'));
  });

  it('does not remember a file modified moments ago (it could change again within one timestamp tick)', async () => {
    const p = join(base, 'fresh.bin');
    writeFileSync(p, 'fresh');
    const c = open();
    expect(await c.sha256For(p)).to.equal(sha('fresh'));
    await c.flush();
    expect(existsSync(memoFile)).to.equal(false); // nothing worth writing
    expect(await c.sha256For(p)).to.equal(sha('fresh'));
  });

  it('remember: false hashes without recording (temporary copies of staged content)', async () => {
    const p = oldFile('copy.bin', 'staged');
    const c = open();
    expect(await c.sha256For(p, { remember: false })).to.equal(sha('staged'));
    await c.flush();
    let memo: { entries: Record<string, unknown> } = { entries: {} };
    try {
      memo = JSON.parse(readFileSync(memoFile, 'utf8'));
    } catch {
      // no memo written at all is fine too
    }
    expect(memo.entries[p]).to.equal(undefined);
  });

  it('stays bounded, dropping the least recently used entries', async () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((n) => oldFile(n, `content ${n}`));
    mkdirSync(join(dir, 'v1'), { recursive: true, mode: 0o700 });
    let now = Date.now();
    const memo = new StatMemo(() => memoFile, { ...DEFAULT_STAT_MEMO_LIMITS, maxEntries: 3 }, () => now);
    for (const f of files) {
      await memo.sha256For(f);
      now += 1;
    }
    // a is used again well after the others: it survives, b and c (oldest) go
    now += 2 * 3_600_000;
    await memo.sha256For(files[0]);
    await memo.save();
    const saved = JSON.parse(readFileSync(memoFile, 'utf8'));
    expect(Object.keys(saved.entries).sort()).to.deep.equal([files[0], files[3], files[4]].sort());
  });

  it('a corrupt or hostile memo is ignored (no prototype pollution), then rewritten', async () => {
    const p = oldFile('m.bin', 'm');
    const c = open();
    await c.sha256For(p);
    await c.flush();
    for (const text of ['{not json', '[]', '{"statMemoVersion":2,"entries":{}}', `{"statMemoVersion":1,"entries":{"__proto__":{"polluted":true},"${p}":{"size":"1"}}}`]) {
      writeFileSync(memoFile, text, { mode: 0o600 });
      expect(await open().sha256For(p)).to.equal(sha('m'));
    }
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('an unreadable path rejects (the caller reports the file, as a scan does)', async () => {
    let error: unknown;
    try {
      await open().sha256For(join(base, 'missing.bin'));
    } catch (err) {
      error = err;
    }
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
  });

  it('fileStamp changes when the content is rewritten', () => {
    const p = oldFile('s.bin', 'one');
    const before = fileStamp(p);
    expect(before).to.be.a('string');
    writeFileSync(p, 'two');
    expect(fileStamp(p)).to.not.equal(before);
    expect(fileStamp(join(base, 'nope'))).to.equal(undefined);
  });
});
