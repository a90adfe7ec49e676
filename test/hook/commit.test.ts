import { expect } from 'chai';
import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { DEV_BIN, fakeModelvet, minimalPath, tempRepo, type TempRepo } from './git-repo.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const MALICIOUS = join(FIXTURES, 'malicious', 'b26-posix-getcwd-via-reduce.pkl');
const CLEAN = join(FIXTURES, 'benign', 'safetensors', 'torch-state-dict.safetensors');

/** Whether the pieces these tests drive are in the CLI yet (asked once, when first needed). */
let staged: boolean | undefined;
let hookCommand: boolean | undefined;
const hasStaged = (): boolean => (staged ??= runCli(['scan', '--help']).stdout.includes('--staged'));
function hasHookCommand(): boolean {
  if (hookCommand === undefined) {
    const help = runCli(['hook', 'install', '--help']);
    hookCommand = help.status === 0 && help.stdout.includes('--uninstall');
  }
  return hookCommand;
}

function walk(dir: string): string[] {
  let out: string[] = [];
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) out = out.concat(e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
  } catch {
    // no cache folder yet
  }
  return out;
}

describe('hook install: the CLI command', function () {
  this.timeout(120_000);
  let repo: TempRepo;
  beforeEach(function () {
    if (!hasHookCommand()) this.skip(); // `hook install` is registered in src/commands/index.ts by the lead
    repo = tempRepo('modelvet-hookcli-');
  });
  afterEach(() => repo && rmSync(dirname(repo.dir), { recursive: true, force: true }));

  it('installs, reinstalls idempotently and uninstalls; exit 2 with one line outside a repository', () => {
    const first = runCli(['hook', 'install'], { cwd: repo.dir, env: repo.env });
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/created \.git\/hooks\/pre-commit/);
    const second = runCli(['hook', 'install'], { cwd: repo.dir, env: repo.env });
    expect(second.stdout).to.match(/already runs modelvet/);
    const hook = readFileSync(join(repo.dir, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(hook.split('# >>> modelvet >>>')).to.have.length(2);
    const gone = runCli(['hook', 'install', '--uninstall'], { cwd: repo.dir, env: repo.env });
    expect(gone.status).to.equal(0);
    expect(gone.stdout).to.match(/removed/);

    const outside = runCli(['hook', 'install'], { cwd: repo.home, env: repo.env });
    expect(outside.status).to.equal(2);
    expect(outside.stderr.trim().split('\n')).to.have.length(1);
    expect(outside.stderr).to.match(/^modelvet: hook install needs a git repository/);
  });
});

describe('hook install: real commits through modelvet scan --staged', function () {
  this.timeout(180_000);
  let repo: TempRepo;
  let env: NodeJS.ProcessEnv;
  let cacheDir: string;
  before(function () {
    if (!hasStaged()) this.skip(); // `scan --staged` is the lead's integration of src/git (issue 7, part A)
  });
  beforeEach(async () => {
    repo = tempRepo('modelvet-commit-');
    cacheDir = join(dirname(repo.dir), 'cache');
    // The hook finds `modelvet` on PATH: here, the CLI from the sources.
    const bin = fakeModelvet(dirname(repo.dir), 'bin', `exec "${process.execPath}" "${DEV_BIN}" "$@"`);
    env = { PATH: minimalPath(bin), MODELVET_CACHE_DIR: cacheDir };
    const { installHook } = await import('../../src/hook/install.js');
    const saved = { HOME: process.env.HOME, GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL };
    Object.assign(process.env, { HOME: repo.home, GIT_CONFIG_GLOBAL: repo.env.GIT_CONFIG_GLOBAL });
    try {
      await installHook({ cwd: repo.dir });
    } finally {
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    }
  });
  afterEach(() => repo && rmSync(dirname(repo.dir), { recursive: true, force: true }));

  const commit = (message: string) => repo.run('git', ['commit', '-q', '-m', message], { env });
  const head = (): string => repo.run('git', ['rev-parse', '--verify', '-q', 'HEAD']).stdout.trim();

  it('blocks a commit that stages a malicious checkpoint and lets a clean one through', () => {
    copyFileSync(CLEAN, join(repo.dir, 'model.safetensors'));
    repo.git('add', 'model.safetensors');
    const ok = commit('clean model');
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    const before = head();
    expect(before).to.match(/^[0-9a-f]{40}$/);

    copyFileSync(MALICIOUS, join(repo.dir, 'checkpoint.pkl'));
    repo.git('add', 'checkpoint.pkl');
    const blocked = commit('malicious checkpoint');
    expect(blocked.status).to.equal(1);
    expect(blocked.stdout + blocked.stderr).to.match(/CRITICAL[\s\S]*os\.getcwd[\s\S]*pickle\/dangerous-global/);
    expect(head()).to.equal(before);
  });

  it('analyses the staged content, not the work tree', () => {
    copyFileSync(MALICIOUS, join(repo.dir, 'checkpoint.pkl'));
    repo.git('add', 'checkpoint.pkl');
    // the work-tree copy is made clean after staging: the commit would still record the malicious bytes
    copyFileSync(CLEAN, join(repo.dir, 'checkpoint.pkl'));
    expect(commit('sneaky').status).to.equal(1);
  });

  it('a second run with unchanged content takes the findings from the cache (analysis skipped)', () => {
    copyFileSync(CLEAN, join(repo.dir, 'model.safetensors'));
    repo.git('add', 'model.safetensors');
    const hookRun = () => repo.run('git', ['hook', 'run', 'pre-commit'], { env });
    expect(hookRun().status).to.equal(0);
    const sha = (repo.run('sha256sum', [join(repo.dir, 'model.safetensors')]).stdout.split(' ')[0] ?? '').trim();
    const entries = walk(cacheDir).filter((p) => p.endsWith('.json') && p.includes(sha));
    expect(entries, `scan --staged wrote no cache entry for ${sha} under ${cacheDir}`).to.have.length.greaterThan(0);
    // Plant a finding in the entry: only a run that reads the cache instead of analysing can report it.
    for (const p of entries) {
      const entry = JSON.parse(readFileSync(p, 'utf8'));
      entry.result.findings.push({ ruleId: 'pickle/dangerous-global', severity: 'critical', message: 'planted by the cache test', suffix: '' });
      writeFileSync(p, JSON.stringify(entry), { mode: 0o600 });
    }
    const second = hookRun();
    expect(second.status).to.equal(1);
    expect(second.stdout + second.stderr).to.include('planted by the cache test');
  });
});
