import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UsageError } from '../util/errors.js';

/**
 * The folder git runs hooks from, as git itself computes it: `core.hooksPath` when set, the
 * common git dir's `hooks` in a linked worktree, else `.git/hooks`.
 */
export function gitHooksDir(cwd: string): string {
  let out: string;
  try {
    out = execFileSync('git', ['rev-parse', '--git-path', 'hooks'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new UsageError('hook install needs git, which was not found on PATH');
    const why = String(e.stderr ?? e.message).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
    throw new UsageError(`hook install needs a git repository (git rev-parse failed: ${why.trim()})`);
  }
  const path = out.replace(/\r?\n$/, '');
  if (path === '') throw new UsageError('hook install needs a git repository (git rev-parse gave no hooks folder)');
  return resolve(cwd, path);
}
