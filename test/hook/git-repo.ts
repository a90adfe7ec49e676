import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEV_BIN = fileURLToPath(new URL('../../bin/dev.js', import.meta.url));

/**
 * Environment for git in tests: no system or user config (a global core.hooksPath on the machine
 * must not move the hooks), a fixed identity, no pager.
 */
export function gitEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_AUTHOR_NAME: 'modelvet test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'modelvet test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    GIT_PAGER: 'cat',
    NO_COLOR: '1',
    ...extra,
  };
}

export interface TempRepo {
  /** Work-tree top (real path, so it compares equal to what git prints). */
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  /** Runs a command in the repo; never throws. */
  run(cmd: string, args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): { status: number | null; stdout: string; stderr: string };
}

export function tempRepo(prefix = 'modelvet-hook-'): TempRepo {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const home = join(root, 'home');
  const dir = join(root, 'repo');
  mkdirSync(home);
  mkdirSync(dir);
  writeFileSync(join(home, '.gitconfig'), '');
  const env = gitEnv(home);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  return {
    dir,
    home,
    env,
    git,
    run(cmd, args, options = {}) {
      const r = spawnSync(cmd, args, { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, encoding: 'utf8', timeout: 120_000 });
      return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
  };
}

/** A folder holding an executable `modelvet` script with this body, for PATH. */
export function fakeModelvet(parent: string, name: string, body: string): string {
  const bin = join(parent, name);
  mkdirSync(bin, { recursive: true });
  const file = join(bin, 'modelvet');
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return bin;
}

/** PATH with only the system folders git and sh live in, plus `first` in front. */
export function minimalPath(...first: string[]): string {
  return [...first, '/usr/bin', '/bin'].join(delimiter);
}
