import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real pre-commit framework installing modelvet from a git repository, as a user's
 * `.pre-commit-config.yaml` would. Skipped where pre-commit is not installed (CI has no Python):
 * set PRE_COMMIT_BIN or put `pre-commit` on PATH to run it. Needs the npm registry (pre-commit
 * runs `npm install` of the repository, whose `prepare` builds dist/): the first run takes about
 * a minute.
 */
const ROOT = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
const FIXTURES = join(ROOT, 'test', 'fixtures');
const MALICIOUS = join(FIXTURES, 'malicious', 'b26-posix-getcwd-via-reduce.pkl');
const CLEAN = join(FIXTURES, 'benign', 'safetensors', 'torch-state-dict.safetensors');

/**
 * What a git install of modelvet reads besides the sources: taken from the working tree so the
 * test checks them before they are committed (everything else is the HEAD commit).
 */
const INSTALL_FILES = ['.pre-commit-hooks.yaml', 'package.json', 'package-lock.json', 'scripts'];

function findPreCommit(): string | undefined {
  const candidates = [process.env.PRE_COMMIT_BIN, 'pre-commit'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && /pre-commit \d/.test(r.stdout)) return c;
  }
  return undefined;
}

describe('pre-commit framework: modelvet installed from git by the real pre-commit', function () {
  this.timeout(15 * 60_000);
  const preCommit = findPreCommit();
  let tmp: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;

  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const run = (...args: string[]): { status: number | null; out: string } => {
    const r = spawnSync(preCommit!, args, { cwd: repo, env, encoding: 'utf8', timeout: 10 * 60_000 });
    return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };

  before(function () {
    if (!preCommit) {
      this.skip(); // pre-commit is not installed here (pip install pre-commit, or set PRE_COMMIT_BIN)
    }
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'modelvet-precommit-')));
    const home = join(tmp, 'gitconfig');
    writeFileSync(home, '');
    env = {
      ...process.env,
      PRE_COMMIT_HOME: join(tmp, 'pre-commit-home'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: home,
      GIT_AUTHOR_NAME: 'modelvet test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'modelvet test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      NO_COLOR: '1',
    };
    // A local clone of this repository at HEAD, plus the working tree's install files.
    const src = join(tmp, 'modelvet-src');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', ROOT, src], { env });
    for (const f of INSTALL_FILES) {
      if (!existsSync(join(ROOT, f))) continue;
      rmSync(join(src, f), { recursive: true, force: true });
      cpSync(join(ROOT, f), join(src, f), { recursive: true });
    }
    git(src, 'add', '-A', '--', ...INSTALL_FILES.filter((f) => existsSync(join(src, f))));
    if (git(src, 'status', '--porcelain').trim() !== '') git(src, 'commit', '-q', '--no-verify', '-m', 'working-tree install files');
    const rev = git(src, 'rev-parse', 'HEAD').trim();

    repo = join(tmp, 'project');
    mkdirSync(join(repo, 'models', 'tiny'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(
      join(repo, '.pre-commit-config.yaml'),
      [
        'repos:',
        `  - repo: file://${src}`,
        `    rev: ${rev}`,
        '    hooks:',
        '      - id: modelvet-models',
        '        language_version: system',
        '      - id: modelvet-code',
        '        language_version: system',
        '      - id: modelvet-bom',
        '        language_version: system',
        '        args: [models/tiny, --output, models/tiny/model.cdx.json]',
        '',
      ].join('\n'),
    );
    copyFileSync(MALICIOUS, join(repo, 'checkpoint.pkl'));
    copyFileSync(CLEAN, join(repo, 'model.safetensors'));
    copyFileSync(CLEAN, join(repo, 'models', 'tiny', 'model.safetensors'));
    writeFileSync(join(repo, 'train.py'), 'import torch\n\nstate = torch.load("checkpoint.pt", weights_only=False)\n');
    writeFileSync(join(repo, 'clean.py'), 'import json\n\nprint(json.dumps({"ok": True}))\n');
    writeFileSync(join(repo, 'README.md'), '# project\n');
    git(repo, 'add', '-A');

    // The first run installs the hook environment: say clearly why when that fails.
    const install = run('install-hooks');
    if (install.status !== 0) {
      const why = install.out.includes('git dep preparation failed')
        ? "npm's global install from git did not install modelvet's dependencies before `prepare` (npm/cli#8440): the prepare script must install them itself"
        : 'see the output';
      throw new Error(`pre-commit could not install modelvet from git: ${why}\n${install.out.slice(-3000)}`);
    }
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('modelvet-models fails on a malicious pickle and names the finding', () => {
    const r = run('run', 'modelvet-models', '--files', 'checkpoint.pkl');
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/modelvet \(model files\)\.+Failed/);
    expect(r.out).to.include('pickle/dangerous-global');
    expect(r.out).to.include('os.getcwd');
  });

  it('modelvet-models passes a clean safetensors file and skips files that are not models', () => {
    const r = run('run', 'modelvet-models', '--files', 'model.safetensors');
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/modelvet \(model files\)\.+Passed/);
    const none = run('run', 'modelvet-models', '--files', 'README.md', 'clean.py');
    expect(none.status, none.out).to.equal(0);
    expect(none.out).to.match(/\(no files to check\)Skipped/);
  });

  it('modelvet-code fails on unsafe loading code and passes clean code', () => {
    const bad = run('run', 'modelvet-code', '--files', 'train.py');
    expect(bad.status, bad.out).to.equal(1);
    expect(bad.out).to.include('code/unsafe-load');
    const good = run('run', 'modelvet-code', '--files', 'clean.py');
    expect(good.status, good.out).to.equal(0);
  });

  it('as the git pre-commit hook it blocks the commit of a malicious checkpoint and lets a clean one through', () => {
    expect(run('install').status).to.equal(0);
    git(repo, 'reset', '-q');
    git(repo, 'add', '.pre-commit-config.yaml', 'model.safetensors', 'README.md', 'clean.py');
    const ok = spawnSync('git', ['commit', '-q', '-m', 'clean'], { cwd: repo, env, encoding: 'utf8' });
    expect(ok.status, `${ok.stdout}${ok.stderr}`).to.equal(0);
    git(repo, 'add', 'checkpoint.pkl');
    const blocked = spawnSync('git', ['commit', '-q', '-m', 'malicious'], { cwd: repo, env, encoding: 'utf8' });
    expect(blocked.status).to.equal(1);
    expect(`${blocked.stdout}${blocked.stderr}`).to.include('pickle/dangerous-global');
    expect(git(repo, 'log', '--format=%s').trim().split('\n')).to.deep.equal(['clean']);
  });

  it('modelvet-bom (manual stage) writes a CycloneDX BOM for the folder given in args', () => {
    const r = run('run', 'modelvet-bom', '--hook-stage', 'manual');
    expect(r.status, r.out).to.be.oneOf([0, 1]); // 1 = "files were modified by this hook" once the BOM is tracked
    const bom = JSON.parse(readFileSync(join(repo, 'models', 'tiny', 'model.cdx.json'), 'utf8')) as { bomFormat: string; specVersion: string };
    expect(bom.bomFormat).to.equal('CycloneDX');
    expect(bom.specVersion).to.equal('1.6');
  });
});
