/**
 * `modelvet scan --staged` end to end in real temporary git repositories: the index's content is
 * judged (not the work tree), Git LFS objects are read from .git/lfs/objects or their absence is a
 * finding, and a second run reuses cached results instead of analysing unchanged content again.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/types.js';
import { runCliAsync } from '../helpers/cli.js';
import { reportValidator } from '../helpers/schemas.js';
import { CLEAN_PICKLE, GETCWD_PICKLE, lfsPointer, makeRepo, removeRepos, sha256 } from '../git/git-repo.js';

describe('modelvet scan --staged (CLI, real git repositories)', function () {
  this.timeout(60_000);
  let cacheDir: string;
  const scanStaged = async (cwd: string, extra: string[] = []) => {
    const r = await runCliAsync(['scan', '--staged', '--format', 'json', ...extra], { cwd, env: { MODELVET_CACHE_DIR: cacheDir } });
    const report = JSON.parse(r.stdout || '{}') as Report;
    return { ...r, report };
  };

  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'modelvet-cache-'));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));
  after(() => removeRepos());

  it('judges what is staged, not the work tree: a staged malicious pickle fails even when the work tree is clean', async () => {
    const repo = makeRepo();
    repo.write('model.pkl', GETCWD_PICKLE);
    repo.add('model.pkl');
    repo.write('model.pkl', CLEAN_PICKLE);
    const r = await scanStaged(repo.root);
    expect(r.status, r.stderr).to.equal(1);
    const validate = reportValidator();
    expect(validate(r.report), JSON.stringify(validate.errors)).to.equal(true);
    const critical = r.report.findings.filter((f) => f.severity === 'critical');
    expect(critical.map((f) => f.path)).to.deep.equal(['model.pkl']);
    expect(critical[0]!.message).to.contain('os.getcwd');

    // And the other way round: a clean staged file passes although the work tree copy is malicious.
    repo.write('model.pkl', CLEAN_PICKLE);
    repo.add('model.pkl');
    repo.write('model.pkl', GETCWD_PICKLE);
    const clean = await scanStaged(repo.root);
    expect(clean.status, clean.stderr).to.equal(0);
    expect(clean.report.findings.filter((f) => f.severity === 'critical')).to.deep.equal([]);
  });

  it('a second run with the same staged content reuses every result, and a changed file is analysed again', async () => {
    const repo = makeRepo();
    repo.write('a.pkl', GETCWD_PICKLE);
    repo.write('b.pkl', CLEAN_PICKLE);
    repo.add('a.pkl', 'b.pkl');
    const first = await scanStaged(repo.root);
    expect(first.report.cache).to.deep.equal({ hits: 0, misses: 2 });
    const second = await scanStaged(repo.root);
    expect(second.report.cache).to.deep.equal({ hits: 2, misses: 0 });
    expect(second.status).to.equal(first.status);
    expect(second.report.findings).to.deep.equal(first.report.findings);
    repo.write('b.pkl', Buffer.concat([CLEAN_PICKLE.subarray(0, -1), Buffer.from('0N.', 'latin1')]));
    repo.add('b.pkl');
    expect((await scanStaged(repo.root)).report.cache).to.deep.equal({ hits: 1, misses: 1 });
    // The same bytes under another name are analysed again: rules read names.
    repo.git(['mv', 'a.pkl', 'renamed.bin']);
    expect((await scanStaged(repo.root)).report.cache).to.deep.equal({ hits: 1, misses: 1 });
    expect((await scanStaged(repo.root, ['--no-cache'])).report.cache).to.equal(undefined);
  });

  it('reads a staged Git LFS file from .git/lfs/objects, and fails closed when the object is missing', async () => {
    const repo = makeRepo();
    const oid = sha256(GETCWD_PICKLE);
    const objects = join(repo.root, '.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4));
    mkdirSync(objects, { recursive: true });
    writeFileSync(join(objects, oid), GETCWD_PICKLE);
    repo.write('weights.pkl', lfsPointer(oid, GETCWD_PICKLE.length));
    repo.add('weights.pkl');
    const present = await scanStaged(repo.root);
    expect(present.status).to.equal(1);
    expect(present.report.findings.some((f) => f.path === 'weights.pkl' && f.severity === 'critical' && f.message.includes('os.getcwd'))).to.equal(true);

    const missing = 'f'.repeat(64);
    repo.write('other.pkl', lfsPointer(missing, 1234));
    repo.add('other.pkl');
    const absent = await scanStaged(repo.root);
    const row = absent.report.findings.find((f) => f.path === 'other.pkl');
    expect(row).to.include({ ruleId: 'source/lfs-object-missing', severity: 'high' });
    expect(row!.message).to.contain(missing);
  });

  it('scan --cache on a work tree: unchanged files are not analysed again; an edited one is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-worktree-'));
    try {
      writeFileSync(join(dir, 'a.pkl'), GETCWD_PICKLE);
      writeFileSync(join(dir, 'b.pkl'), CLEAN_PICKLE);
      const run = async () => JSON.parse((await runCliAsync(['scan', '.', '--cache', '--format', 'json'], { cwd: dir, env: { MODELVET_CACHE_DIR: cacheDir } })).stdout) as Report;
      const first = await run();
      expect(first.cache).to.deep.equal({ hits: 0, misses: 2 });
      // The stat memo trusts a file's times only once they are settled (two seconds).
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const second = await run();
      expect(second.cache).to.deep.equal({ hits: 2, misses: 0 });
      expect(second.findings).to.deep.equal(first.findings);
      writeFileSync(join(dir, 'b.pkl'), GETCWD_PICKLE);
      const third = await run();
      expect(third.cache!.misses).to.be.at.least(1);
      expect(third.findings.filter((f) => f.severity === 'critical').map((f) => f.path).sort()).to.deep.equal(['a.pkl', 'b.pkl']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('outside a git repository: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-nogit-'));
    try {
      const r = await runCliAsync(['scan', '--staged'], { cwd: dir, env: { MODELVET_CACHE_DIR: cacheDir, GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(r.status).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.contain('--staged needs a git repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
