import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFiles, HashError, HashPool } from '../../src/integrity/hash-pool.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

describe('integrity: parallel hash pool', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-pool-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes many files of many sizes across threads, each as node:crypto does, in input order', async () => {
    // Sizes straddle the inline limit, the chunk size (a small one forces many chunks) and zero.
    const sizes = [0, 1, 100, 64 * 1024, 64 * 1024 + 1, 300_000, 1_048_576, 1_048_577, 3_000_001, 77];
    const files = sizes.map((n, i) => {
      const bytes = randomBytes(n);
      const path = join(dir, `f${i}.bin`);
      writeFileSync(path, bytes);
      return { path, bytes };
    });
    let progressed = 0;
    const results = await hashFiles(
      files.map((f) => ({ path: f.path, size: f.bytes.length, algorithms: ['sha256', 'git-sha1'] as const })),
      { threads: 3, chunkBytes: 256 * 1024, onBytes: (n) => (progressed += n) },
    );
    results.forEach((r, i) => {
      expect(r, files[i]!.path).not.to.be.instanceOf(HashError);
      const d = r as Exclude<typeof r, HashError>;
      expect(d.size).to.equal(sizes[i]);
      expect(d.sha256).to.equal(sha256(files[i]!.bytes));
      expect(d.gitSha1).to.equal(gitSha1(files[i]!.bytes));
    });
    expect(progressed).to.equal(sizes.reduce((a, b) => a + b, 0));
  });

  it('computes only the algorithms asked for', async () => {
    const path = join(dir, 'one.bin');
    writeFileSync(path, randomBytes(200_000));
    const [d] = await hashFiles([{ path, size: 200_000 }]);
    expect(d).to.have.property('sha256');
    expect(d).not.to.have.property('gitSha1');
  });

  it('reports a missing file as that file\'s error, and the others still hash', async () => {
    const ok = join(dir, 'ok.bin');
    writeFileSync(ok, 'hello');
    const results = await hashFiles([{ path: join(dir, 'nope.bin') }, { path: ok }]);
    expect(results[0]).to.be.instanceOf(HashError);
    expect((results[0] as HashError).code).to.equal('ENOENT');
    expect((results[1] as { sha256: string }).sha256).to.equal(sha256(Buffer.from('hello')));
  });

  it('refuses a named pipe at once instead of blocking on it', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    const [inline] = await hashFiles([{ path: fifo, size: 0 }]);
    const [threaded] = await hashFiles([{ path: fifo }]);
    expect(Date.now() - started).to.be.lessThan(5000);
    for (const r of [inline, threaded]) {
      expect(r).to.be.instanceOf(HashError);
      expect((r as HashError).code).to.equal('ENOTFILE');
    }
  });

  it('a closed pool rejects new work and queued jobs', async () => {
    const pool = new HashPool({ threads: 1 });
    await pool.close();
    let error: unknown;
    await pool.hash(join(dir, 'ok.bin')).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/closed/);
  });
});
