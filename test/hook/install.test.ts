import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BEGIN_MARKER, END_MARKER } from '../../src/hook/block.js';
import { installHook, uninstallHook } from '../../src/hook/install.js';
import { interpreterOf, isShellHook } from '../../src/hook/shebang.js';
import { UsageError } from '../../src/util/errors.js';
import { fakeModelvet, minimalPath, tempRepo, type TempRepo } from './git-repo.js';

const count = (text: string, needle: string): number => text.split(needle).length - 1;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('hook install: the pre-commit block', () => {
  let repo: TempRepo;
  let hook: string;
  const savedEnv = { ...process.env };
  beforeEach(() => {
    repo = tempRepo();
    hook = join(repo.dir, '.git', 'hooks', 'pre-commit');
    // installHook runs git in this process: give it the test's config-free environment.
    Object.assign(process.env, { HOME: repo.home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: repo.env.GIT_CONFIG_GLOBAL });
  });
  afterEach(() => {
    for (const k of ['HOME', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL']) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    rmSync(dirname(repo.dir), { recursive: true, force: true });
  });

  /**
   * Runs the installed hook as git commit would (git hook run), with `modelvet` answered by
   * `body`. Git sends a hook's stdout to stderr, so `out` is the one stream a user sees.
   */
  function runHook(body: string): { status: number | null; out: string } {
    const bin = fakeModelvet(dirname(repo.dir), 'fakebin', body);
    const r = repo.run('git', ['hook', 'run', 'pre-commit'], { env: { PATH: minimalPath(bin) } });
    return { status: r.status, out: r.stdout + r.stderr };
  }

  it('creates an executable sh hook holding one block that runs modelvet scan --staged --quiet', async () => {
    const result = await installHook({ cwd: repo.dir });
    expect(result.outcome).to.equal('created');
    expect(result.hookPath).to.equal(hook);
    const text = readFileSync(hook, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).to.equal(true);
    expect(count(text, BEGIN_MARKER)).to.equal(1);
    expect(count(text, END_MARKER)).to.equal(1);
    expect(statSync(hook).mode & 0o777).to.equal(0o755);
    // the shell accepts it
    execFileSync('sh', ['-n', hook]);
    const r = runHook('echo "modelvet $*"; exit 0');
    expect(r.status).to.equal(0);
    expect(r.out).to.include('modelvet scan --staged --quiet');
  });

  it('is idempotent: a second install leaves one block and writes nothing', async () => {
    await installHook({ cwd: repo.dir });
    const first = readFileSync(hook, 'utf8');
    const again = await installHook({ cwd: repo.dir });
    expect(again.outcome).to.equal('unchanged');
    expect(readFileSync(hook, 'utf8')).to.equal(first);
  });

  it('repairs duplicated blocks into one, and makes a non-executable hook executable', async () => {
    await installHook({ cwd: repo.dir });
    const text = readFileSync(hook, 'utf8');
    const block = text.slice(text.indexOf(BEGIN_MARKER));
    writeFileSync(hook, `${text}echo between\n${block}`);
    chmodSync(hook, 0o644);
    expect((await installHook({ cwd: repo.dir })).outcome).to.equal('updated');
    const fixed = readFileSync(hook, 'utf8');
    expect(count(fixed, BEGIN_MARKER)).to.equal(1);
    expect(fixed).to.include('echo between');
    expect(statSync(hook).mode & 0o777).to.equal(0o755);
  });

  it('keeps an existing shell hook: the block goes after its shebang, so it runs before an exec or exit', async () => {
    const original = '#!/usr/bin/env bash\nset -e\necho "lint ran"\nexit 0\n';
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, original, { mode: 0o755 });
    expect((await installHook({ cwd: repo.dir })).outcome).to.equal('inserted');
    const text = readFileSync(hook, 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n# >>> modelvet >>>')).to.equal(true);
    expect(text.endsWith('set -e\necho "lint ran"\nexit 0\n')).to.equal(true);

    const blocked = runHook('echo "modelvet says no" >&2; exit 1');
    expect(blocked.status).to.equal(1);
    expect(blocked.out).to.include('modelvet says no');
    expect(blocked.out).to.not.include('lint ran');
    const passed = runHook('exit 0');
    expect(passed.status).to.equal(0);
    expect(passed.out).to.include('lint ran');

    // uninstall gives back the very bytes
    expect((await uninstallHook({ cwd: repo.dir })).outcome).to.equal('removed-block');
    expect(readFileSync(hook, 'utf8')).to.equal(original);
  });

  it('passes modelvet exit code 2 (an error) through: the commit is blocked, not let through', async () => {
    await installHook({ cwd: repo.dir });
    expect(runHook('echo "modelvet: bad config" >&2; exit 2').status).to.equal(2);
  });

  it('blocks with a clear message when modelvet cannot be found', async () => {
    await installHook({ cwd: repo.dir });
    const r = repo.run('git', ['hook', 'run', 'pre-commit'], { env: { PATH: minimalPath() } });
    expect(r.status).to.equal(1);
    expect(r.stdout + r.stderr).to.match(/modelvet not found .*commit is blocked/);
  });

  it("prefers the repository's node_modules/.bin/modelvet over one on PATH", async () => {
    await installHook({ cwd: repo.dir });
    fakeModelvet(join(repo.dir, 'node_modules'), '.bin', 'echo "local $*"');
    const r = runHook('echo "from PATH"');
    expect(r.out).to.include('local scan --staged --quiet');
    expect(r.out).to.not.include('from PATH');
  });

  it('blocks a real git commit when modelvet exits 1 and lets it through on 0', async () => {
    await installHook({ cwd: repo.dir });
    writeFileSync(join(repo.dir, 'a.txt'), 'a');
    repo.git('add', 'a.txt');
    const no = fakeModelvet(dirname(repo.dir), 'no', 'echo "CRITICAL finding" >&2; exit 1');
    const blocked = repo.run('git', ['commit', '-q', '-m', 'x'], { env: { PATH: minimalPath(no) } });
    expect(blocked.status).to.equal(1);
    expect(blocked.stderr).to.include('CRITICAL finding');
    expect(repo.run('git', ['rev-parse', '--verify', '-q', 'HEAD']).status).to.not.equal(0);
    const yes = fakeModelvet(dirname(repo.dir), 'yes', 'exit 0');
    expect(repo.run('git', ['commit', '-q', '-m', 'x'], { env: { PATH: minimalPath(yes) } }).status).to.equal(0);
  });

  it('refuses a hook in another language with one line naming the alternatives, unless --force', async () => {
    const python = '#!/usr/bin/env python3\nimport pathlib\npathlib.Path("python-hook-ran").write_text("yes")\n';
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, python, { mode: 0o755 });
    const err = await rejection(installHook({ cwd: repo.dir }));
    expect(err).to.be.instanceOf(UsageError);
    expect(err.message).to.match(/python3 script.*pre-commit framework.*--force/);
    expect(err.message).to.not.include('\n');
    expect(readFileSync(hook, 'utf8')).to.equal(python);

    const chained = await installHook({ cwd: repo.dir, force: true });
    expect(chained.outcome).to.equal('chained');
    expect(readFileSync(`${hook}.modelvet-orig`, 'utf8')).to.equal(python);
    const r = runHook('echo "modelvet ran"');
    expect(r.status).to.equal(0);
    expect(r.out).to.include('modelvet ran');
    expect(readFileSync(join(repo.dir, 'python-hook-ran'), 'utf8')).to.equal('yes');
    // the original's failure blocks too
    writeFileSync(`${hook}.modelvet-orig`, '#!/usr/bin/env python3\nraise SystemExit(3)\n');
    expect(runHook('echo "modelvet ran"').status).to.equal(3);
    writeFileSync(`${hook}.modelvet-orig`, python);

    // installing again keeps the chain; uninstalling puts the original back, mode included
    expect((await installHook({ cwd: repo.dir, force: true })).outcome).to.equal('unchanged');
    expect((await uninstallHook({ cwd: repo.dir })).outcome).to.equal('restored');
    expect(readFileSync(hook, 'utf8')).to.equal(python);
    expect(statSync(hook).mode & 0o777).to.equal(0o755);
    expect(existsSync(`${hook}.modelvet-orig`)).to.equal(false);
  });

  it('uninstall deletes a hook that held only the block, and is a no-op when nothing is installed', async () => {
    expect((await uninstallHook({ cwd: repo.dir })).outcome).to.equal('no-hook');
    await installHook({ cwd: repo.dir });
    expect((await uninstallHook({ cwd: repo.dir })).outcome).to.equal('deleted');
    expect(existsSync(hook)).to.equal(false);
    writeFileSync(hook, '#!/bin/sh\necho mine\n', { mode: 0o755 });
    expect((await uninstallHook({ cwd: repo.dir })).outcome).to.equal('not-installed');
    expect(readFileSync(hook, 'utf8')).to.equal('#!/bin/sh\necho mine\n');
  });

  it('never writes through a symbolic link at the hook (install and uninstall refuse)', async () => {
    const target = join(repo.dir, 'shared-hook.sh');
    writeFileSync(target, '#!/bin/sh\necho shared\n', { mode: 0o755 });
    mkdirSync(dirname(hook), { recursive: true });
    symlinkSync(target, hook);
    for (const attempt of [installHook({ cwd: repo.dir }), installHook({ cwd: repo.dir, force: true }), uninstallHook({ cwd: repo.dir })]) {
      const err = await rejection(attempt);
      expect(err).to.be.instanceOf(UsageError);
      expect(err.message).to.match(/symbolic link \(to .*shared-hook\.sh\).*does not write through it/);
    }
    expect(readFileSync(target, 'utf8')).to.equal('#!/bin/sh\necho shared\n');
    expect(lstatSync(hook).isSymbolicLink()).to.equal(true);
  });

  it('refuses a hook whose markers are unbalanced rather than guess what to remove', async () => {
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, `#!/bin/sh\n${BEGIN_MARKER}\necho half\n`, { mode: 0o755 });
    for (const attempt of [installHook({ cwd: repo.dir }), uninstallHook({ cwd: repo.dir })]) expect((await rejection(attempt)).message).to.match(/marker without its partner/);
  });

  it('keeps CRLF line breaks in a CRLF hook', async () => {
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\r\necho crlf\r\n', { mode: 0o755 });
    await installHook({ cwd: repo.dir });
    const text = readFileSync(hook, 'utf8');
    expect(text.replace(/\r\n/g, '')).to.not.include('\n');
    await uninstallHook({ cwd: repo.dir });
    expect(readFileSync(hook, 'utf8')).to.equal('#!/bin/sh\r\necho crlf\r\n');
  });

  it('honours core.hooksPath (relative to the work tree) when run from a subfolder', async () => {
    repo.git('config', 'core.hooksPath', '.githooks');
    mkdirSync(join(repo.dir, 'src', 'deep'), { recursive: true });
    const result = await installHook({ cwd: join(repo.dir, 'src', 'deep') });
    expect(result.hookPath).to.equal(join(repo.dir, '.githooks', 'pre-commit'));
    expect(existsSync(hook)).to.equal(false);
    expect(runHook('echo "hooked via hooksPath"').out).to.include('hooked via hooksPath');
  });

  it('installs from a linked worktree into the shared hooks folder', async () => {
    writeFileSync(join(repo.dir, 'f'), 'f');
    repo.git('add', 'f');
    repo.git('commit', '-q', '--no-verify', '-m', 'init');
    const wt = join(dirname(repo.dir), 'wt');
    repo.git('worktree', 'add', '-q', wt);
    const result = await installHook({ cwd: wt });
    expect(result.hookPath).to.equal(hook);
  });

  it('outside a git repository: a UsageError (exit 2) with one line', async () => {
    const outside = join(dirname(repo.dir), 'home');
    const err = await rejection(installHook({ cwd: outside }));
    expect(err).to.be.instanceOf(UsageError);
    expect(err.message).to.match(/^hook install needs a git repository \(git rev-parse failed: fatal: not a git repository/);
    expect(err.message).to.not.include('\n');
  });
});

describe('hook install: shebangs', () => {
  it('knows which hooks are shell scripts', () => {
    expect(interpreterOf('#!/bin/sh\n')).to.equal('sh');
    expect(interpreterOf('#! /usr/bin/env -S bash -e\n')).to.equal('bash');
    expect(interpreterOf('#!/usr/bin/env -u FOO zsh\n')).to.equal('zsh');
    expect(interpreterOf('#!/usr/bin/env LANG=C python3\n')).to.equal('python3');
    expect(interpreterOf('echo no shebang\n')).to.equal(undefined);
    expect(isShellHook('echo no shebang: git runs it with sh\n')).to.equal(true);
    expect(isShellHook('')).to.equal(true);
    expect(isShellHook('#!/usr/bin/python3\r\n')).to.equal(false);
    expect(isShellHook('#!/usr/bin/env node\n')).to.equal(false);
    expect(isShellHook('#!/bin/dash\n')).to.equal(true);
  });
});
