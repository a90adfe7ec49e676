/**
 * Parallel scanning (`--jobs`): files analysed in worker threads give the very report the
 * in-thread scan gives; a file that hangs is stopped at its time budget, one whose thread dies
 * (crash, out of memory) is reported, and either way the scan goes on with the other files.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepare, scan, type ScanOptions } from '../../src/engine/scan.js';
import { sharedScanPool } from '../../src/engine/worker-pool.js';
import type { Rule } from '../../src/rules/types.js';
import type { Report } from '../../src/types.js';
import { UsageError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';
import { CLEAN_PICKLE, GETCWD_PICKLE, makeRepo, removeRepos } from '../git/git-repo.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repo, 'test/fixtures');
/** The in-thread scan: one file at a time, no budget (the reference every parallel scan must equal). */
const IN_THREAD = { jobs: 1, fileTimeBudgetMs: 0 } as const;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'modelvet-parallel-'));
}

/** Runs `body` with test hooks set (the worker honours them only under NODE_ENV=test). */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const findingsOf = (report: Report, path: string) => report.findings.filter((f) => f.path === path);

describe('parallel scan (worker threads, --jobs)', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const dir = (): string => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    removeRepos();
  });

  it('gives the in-thread report on the whole fixture tree: same findings in the same order, same artifacts, same errors', async () => {
    const options: ScanOptions = { cwd: repo, paths: ['test/fixtures'], today: '2026-01-01' };
    const progress: string[] = [];
    const before = sharedScanPool().stats.files;
    const serial = await scan({ ...options, ...IN_THREAD });
    expect(sharedScanPool().stats.files, 'the in-thread scan used no thread').to.equal(before);
    const parallel = await scan({ ...options, jobs: 3, onProgress: (_done, _total, path) => progress.push(path) });
    // Every file went through a thread (the report below is not two in-thread scans compared).
    expect(sharedScanPool().stats.files - before).to.equal(parallel.artifacts.length);
    expect(serial.artifacts.length).to.be.greaterThan(300);
    expect(serial.summary.critical).to.be.greaterThan(50);
    expect(parallel).to.deep.equal(serial);
    // Progress fires once per file whatever order the threads finish in.
    expect([...progress].sort()).to.deep.equal(progress.slice().sort());
    expect(new Set(progress).size).to.equal(progress.length);
    expect(progress.length).to.be.at.least(serial.artifacts.length);
  });

  it('gives the in-thread report with --hash (hashes taken in the main thread) and on integrity records (BOM, model.sig) whose digests the threads wait for', async () => {
    const options: ScanOptions = { cwd: repo, paths: ['test/fixtures/projects/integrity', 'test/fixtures/projects/integrity-signing', 'test/fixtures/benign/safetensors'], today: '2026-01-01', hash: true };
    const serial = await scan({ ...options, ...IN_THREAD });
    const parallel = await scan({ ...options, jobs: 2 });
    expect(serial.artifacts.every((a) => a.format === 'unknown' || /^[0-9a-f]{64}$/.test(a.sha256 ?? ''))).to.equal(true);
    // The records are read: a mismatch or a signature finding is among them, so the threads did get integrity status.
    expect(serial.findings.some((f) => f.ruleId.startsWith('integrity/') && f.ruleId !== 'integrity/missing-checksum')).to.equal(true);
    expect(parallel).to.deep.equal(serial);
  });

  it('gives the in-thread report on many small files sent several to a message, with progress per file', async () => {
    const d = dir();
    for (let i = 0; i < 120; i++) writeFileSync(join(d, `m${String(i).padStart(3, '0')}.pkl`), i % 7 === 0 ? GETCWD_PICKLE : CLEAN_PICKLE);
    const serial = await scan({ cwd: d, ...IN_THREAD });
    const seen: number[] = [];
    const before = { ...sharedScanPool().stats };
    const parallel = await scan({ cwd: d, jobs: 2, onProgress: (done, total) => (expect(total).to.equal(120), seen.push(done)) });
    expect(sharedScanPool().stats.files - before.files).to.equal(120);
    // Several files went per message (a batch), and still each was reported to the progress callback.
    expect(sharedScanPool().stats.batches - before.batches).to.be.below(60);
    expect(parallel).to.deep.equal(serial);
    expect(seen).to.deep.equal(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(parallel.findings.filter((f) => f.severity === 'critical').map((f) => f.path)).to.have.length(18);
    expect(sharedScanPool().threads).to.be.at.most(3); // this scan's 2, perhaps one left idle from the 3-job scan
  });

  it('gives the in-thread report for --staged (siblings from the staged tree)', async () => {
    const git = makeRepo();
    cpSync(join(fixtures, 'malicious/safetensors/index-missing-shard'), join(git.root, 'sharded'), { recursive: true });
    cpSync(join(fixtures, 'benign/safetensors/tiny-bert'), join(git.root, 'bert'), { recursive: true });
    git.write('model.pkl', GETCWD_PICKLE);
    git.add('.');
    const options: ScanOptions = { cwd: git.root, staged: true, cache: false, today: '2026-01-01' };
    const serial = await scan({ ...options, ...IN_THREAD });
    const parallel = await scan({ ...options, jobs: 2 });
    expect(serial.findings.some((f) => f.path.startsWith('sharded/') && f.ruleId.startsWith('safetensors/'))).to.equal(true);
    expect(parallel).to.deep.equal(serial);
  });

  it('stops a real file past the time budget (libhdf5 loops on a corrupted HDF5 file), reports it high, and finishes the scan', async () => {
    const d = dir();
    cpSync(join(fixtures, 'malicious/keras/hdf5-loop.h5'), join(d, 'loop.h5'));
    writeFileSync(join(d, 'evil.pkl'), GETCWD_PICKLE);
    const report = await scan({ cwd: d, jobs: 2, fileTimeBudgetMs: 1500 });
    const stopped = findingsOf(report, 'loop.h5');
    expect(stopped.map((f) => [f.ruleId, f.severity])).to.deep.equal([['engine/time-budget', 'high']]);
    expect(stopped[0]!.message).to.equal('not fully analysed: the analysis passed the 1.5 s time budget and was stopped');
    expect(report.errors).to.deep.equal([{ path: 'loop.h5', message: stopped[0]!.message }]);
    expect(report.artifacts).to.deep.equal([
      { path: 'evil.pkl', format: 'pickle', size: GETCWD_PICKLE.length },
      { path: 'loop.h5', format: 'unknown', size: 0 },
    ]);
    expect(findingsOf(report, 'evil.pkl').some((f) => f.severity === 'critical' && f.message.includes('os.getcwd'))).to.equal(true);
  });

  it('stops a synchronous hang (which no timer in the same thread could interrupt), even with --jobs 1, and the next file is analysed', async () => {
    const d = dir();
    writeFileSync(join(d, 'a-hangs.pkl'), CLEAN_PICKLE);
    writeFileSync(join(d, 'b-evil.pkl'), GETCWD_PICKLE);
    const report = await withEnv({ NODE_ENV: 'test', MODELVET_TEST_HANG_NAME: 'a-hangs.pkl' }, () => scan({ cwd: d, jobs: 1, fileTimeBudgetMs: 300 }));
    expect(findingsOf(report, 'a-hangs.pkl').map((f) => [f.ruleId, f.severity, f.message])).to.deep.equal([
      ['engine/time-budget', 'high', 'not fully analysed: the analysis passed the 0.3 s time budget and was stopped'],
    ]);
    expect(findingsOf(report, 'b-evil.pkl').some((f) => f.severity === 'critical')).to.equal(true);
  });

  it('reports a file whose thread crashes, replaces the thread and goes on', async () => {
    const d = dir();
    for (const name of ['a.pkl', 'crash.pkl', 'z.pkl']) writeFileSync(join(d, name), name === 'z.pkl' ? GETCWD_PICKLE : CLEAN_PICKLE);
    const report = await withEnv({ NODE_ENV: 'test', MODELVET_TEST_CRASH_NAME: 'crash.pkl' }, () => scan({ cwd: d, jobs: 1 }));
    expect(findingsOf(report, 'crash.pkl').map((f) => [f.ruleId, f.severity, f.message])).to.deep.equal([
      ['engine/parser-error', 'high', 'not fully analysed: the analysis thread crashed (the thread exited with code 70)'],
    ]);
    expect(report.errors.map((e) => e.path)).to.deep.equal(['crash.pkl']);
    expect(report.artifacts.map((a) => [a.path, a.format])).to.deep.equal([
      ['a.pkl', 'pickle'],
      ['crash.pkl', 'unknown'],
      ['z.pkl', 'pickle'],
    ]);
    expect(findingsOf(report, 'z.pkl').some((f) => f.severity === 'critical')).to.equal(true);
  });

  it('reports a file whose analysis runs out of memory as not fully analysed, and goes on', async () => {
    const d = dir();
    writeFileSync(join(d, 'hog.pkl'), CLEAN_PICKLE);
    writeFileSync(join(d, 'next.pkl'), GETCWD_PICKLE);
    const report = await withEnv({ NODE_ENV: 'test', MODELVET_TEST_OOM_NAME: 'hog.pkl' }, () => scan({ cwd: d, jobs: 2 }));
    const hog = findingsOf(report, 'hog.pkl');
    expect(hog.map((f) => [f.ruleId, f.severity])).to.deep.equal([['engine/parser-error', 'high']]);
    expect(hog[0]!.message).to.match(/^not fully analysed: the analysis ran out of memory \(its thread may use \d+ MB\)$/);
    expect(findingsOf(report, 'next.pkl').some((f) => f.severity === 'critical')).to.equal(true);
  });

  it('ignores the test hooks outside NODE_ENV=test', async () => {
    const d = dir();
    writeFileSync(join(d, 'hang.pkl'), GETCWD_PICKLE);
    const report = await withEnv({ NODE_ENV: 'production', MODELVET_TEST_HANG_NAME: 'hang.pkl' }, () => scan({ cwd: d, jobs: 2, fileTimeBudgetMs: 5000 }));
    expect(report.findings.map((f) => f.ruleId)).to.include('pickle/dangerous-global');
    expect(report.errors).to.deep.equal([]);
  });

  it('runs rules added to the registry in code (not by a plug-in) in this thread, so they still apply', async () => {
    const d = dir();
    writeFileSync(join(d, 'x.pkl'), CLEAN_PICKLE);
    const prepared = await prepare({ cwd: d });
    const rule: Rule = {
      meta: { id: 'custom/every-file', description: 'x', severity: 'low', category: 'custom', appliesTo: ['*'], docs: { description: 'x', example: 'x', fix: 'x' } },
      *check({ artifact, root }) {
        if (artifact === root) yield { message: 'seen' };
      },
    };
    prepared.registry.add(rule, 'an embedding tool');
    const report = await scan({ cwd: d, prepared, jobs: 2 });
    expect(report.findings.filter((f) => f.ruleId === 'custom/every-file').map((f) => f.path)).to.deep.equal(['x.pkl']);
  });

  it('loads the configuration\'s plug-ins in the threads: a plug-in rule reports from a parallel scan as from an in-thread one', async () => {
    const project = join(fixtures, 'plugin-project');
    expect(readdirSync(project)).to.include('modelvet.config.yaml');
    const serial = await scan({ cwd: project, today: '2026-01-01', ...IN_THREAD });
    const parallel = await scan({ cwd: project, today: '2026-01-01', jobs: 2 });
    expect(serial.findings.filter((f) => f.ruleId.startsWith('example/')).map((f) => f.path)).to.deep.equal(['models/notes.txt']);
    expect(parallel).to.deep.equal(serial);
  });

  it('rejects a jobs count that is not a whole number of 1 or more (library)', async () => {
    for (const jobs of [0, -1, 1.5, Number.NaN]) {
      let error: unknown;
      await scan({ cwd: repo, paths: ['examples/benign'], jobs }).catch((e: unknown) => (error = e));
      expect(error, String(jobs)).to.be.instanceOf(UsageError);
      expect((error as Error).message).to.match(/^--jobs must be a whole number of 1 or more/);
    }
  });

  it('rejects --jobs 0, negative and non-integer values with a one-line error and exit code 2 (CLI)', () => {
    for (const value of ['0', '-1', '1.5']) {
      const r = runCli(['scan', 'examples/benign', `--jobs=${value}`], { cwd: repo });
      expect(r.status, `${value}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.equal(`modelvet: --jobs must be a whole number of 1 or more, got '${value}'\n`);
    }
    const ok = runCli(['scan', 'examples/benign', '--jobs', '2', '--format', 'json'], { cwd: repo });
    expect(ok.status, ok.stderr).to.equal(0);
    expect((JSON.parse(ok.stdout) as Report).artifacts).to.have.length(1);
  });
});

describe('time-budget rule', () => {
  it('is documented and reports the anomaly high', async () => {
    const { default: rule } = await import('../../src/rules/engine/time-budget.js');
    expect(rule.meta).to.include({ id: 'engine/time-budget', severity: 'high' });
    const anomaly = { code: 'engine/time-budget', message: 'not fully analysed: the analysis passed the 60 s time budget and was stopped' };
    const artifact = { path: 'm.h5', format: 'unknown' as const, size: 0, children: [], anomalies: [anomaly] };
    expect([...rule.check({ artifact, root: artifact, ancestors: [], settings: { allowedGlobals: [], trustedPublishers: [] } })].map((f) => f.message)).to.deep.equal([anomaly.message]);
  });
});

