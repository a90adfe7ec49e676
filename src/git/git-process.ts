/**
 * Running git for `--staged`: never through a shell, never taking a lock, never running anything a
 * repository's configuration could point git at (external diff, textconv, fsmonitor hook), never
 * fetching from a promisor remote. The environment is inherited on purpose: inside a pre-commit hook
 * git sets GIT_INDEX_FILE (and GIT_DIR) to the index being committed, which may not be .git/index.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** `-c` options every git call takes: stable output, no helper programs started from repo config. */
const GLOBAL_ARGS = ['--no-pager', '-c', 'core.quotepath=false', '-c', 'core.fsmonitor=false', '-c', 'color.ui=false'];

const ENV_OVERRIDES: Record<string, string> = {
  GIT_OPTIONAL_LOCKS: '0',
  GIT_TERMINAL_PROMPT: '0',
  GIT_NO_LAZY_FETCH: '1',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
};

/** stderr kept for messages: a runaway git should not grow our memory. */
const MAX_STDERR = 8 * 1024;

export interface GitResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Thrown when the git program cannot be started at all (not installed, not executable). */
export class GitSpawnError extends Error {
  override name = 'GitSpawnError';
}

export function spawnGit(args: readonly string[], cwd: string): ChildProcessWithoutNullStreams {
  return spawn('git', [...GLOBAL_ARGS, ...args], {
    cwd,
    env: { ...process.env, ...ENV_OVERRIDES },
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/** Collects stderr up to a bound; the text is only ever shown in a message. */
export function boundedStderr(child: ChildProcessWithoutNullStreams): () => string {
  let text = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (text.length < MAX_STDERR) text += chunk.toString('utf8').slice(0, MAX_STDERR - text.length);
  });
  return () => text;
}

/** The first meaningful line of git's complaint, for a one-line message. */
export function firstLine(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  return line ?? 'no message';
}

/**
 * Runs one short git command to completion. Its stdout is bounded by what the command lists (paths,
 * a config value), never by blob sizes: blob content goes through `CatFile`.
 */
export function runGit(args: readonly string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawnGit(args, cwd);
    } catch (err) {
      reject(new GitSpawnError(`git could not be started: ${(err as Error).message}`));
      return;
    }
    const chunks: Buffer[] = [];
    const stderr = boundedStderr(child);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdin.on('error', () => undefined);
    child.stdin.end();
    child.on('error', (err) => reject(new GitSpawnError(`git could not be started: ${err.message}`)));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr: stderr() }));
  });
}

/** Splits `-z` output into its NUL-terminated fields (a final field without NUL is kept). */
export function nulFields(out: Buffer): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let i = out.indexOf(0, start); i >= 0; i = out.indexOf(0, start)) {
    fields.push(out.subarray(start, i).toString('utf8'));
    start = i + 1;
  }
  if (start < out.length) fields.push(out.subarray(start).toString('utf8'));
  return fields;
}
