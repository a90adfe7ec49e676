/**
 * Real temporary git repositories for the `--staged` tests: `git init` in a fresh folder, git run
 * with no system or global configuration so the machine's settings cannot change what a test sees.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const created: string[] = [];

const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'modelvet test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'modelvet test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
});

export class TestRepo {
  constructor(readonly root: string) {}

  /** Runs git in the repository (or a folder under it) and returns its stdout. */
  git(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer } = {}): Buffer {
    return execFileSync('git', args, {
      cwd: options.cwd ?? this.root,
      env: { ...gitEnv(), ...options.env },
      input: options.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  /** Writes a work-tree file, creating its folders. */
  write(path: string, content: string | Uint8Array): string {
    const abs = join(this.root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    return abs;
  }

  add(...paths: string[]): void {
    this.git(['add', '--', ...paths]);
  }

  commit(message = 'commit'): void {
    this.git(['commit', '-q', '--no-verify', '-m', message]);
  }

  /** The blob id the index holds for a path (stage 0). */
  indexBlob(path: string): string {
    return this.git(['rev-parse', `:${path}`]).toString('utf8').trim();
  }

  /** What the repository looks like to git: work tree status and the index file's bytes. */
  snapshot(): { status: string; index: string; gitFiles: string } {
    // The index first, and status told not to refresh it: the snapshot itself must not write.
    const index = createHash('sha256').update(readFileSync(join(this.root, '.git', 'index'))).digest('hex');
    const gitFiles = execFileSync('find', ['.git', '-not', '-path', '.git/objects/*'], { cwd: this.root }).toString('utf8').split('\n').sort().join('\n');
    const status = this.git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored'], { env: { GIT_OPTIONAL_LOCKS: '0' } }).toString('utf8');
    return { status, index, gitFiles };
  }
}

/** A fresh repository on branch `main` with no commits. */
export function makeRepo(): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'modelvet-git-'));
  created.push(root);
  const repo = new TestRepo(root);
  repo.git(['init', '-q', '-b', 'main']);
  repo.git(['config', 'commit.gpgsign', 'false']);
  return repo;
}

export function removeRepos(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** A Git LFS pointer as git-lfs writes it. */
export const lfsPointer = (oid: string, size: number): string => `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`;

/**
 * Protocol-2 pickles written by hand: one whose loading would call `os.getcwd` (the harmless
 * stand-in for a payload; never loaded here), one that only builds a dict.
 */
export const GETCWD_PICKLE = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\ngetcwd\n)R.', 'latin1')]);
export const CLEAN_PICKLE = Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);
