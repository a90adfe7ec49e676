import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/projects/integrity/', import.meta.url));

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const gitBlobSha1 = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** A fresh temporary project holding a copy of the integrity fixtures. */
export function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-integrity-'));
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

export interface CacheFile {
  path: string;
  content: Buffer;
  /** LFS files are stored under their SHA-256, others under their git blob id (as huggingface_hub does). */
  lfs: boolean;
}

/**
 * Builds the Hugging Face cache layout for one repo at one commit, as huggingface_hub writes it:
 * blobs named by content hash, snapshots/<commit>/<path> as relative links to them, refs/<name>.
 */
export function makeCacheRepo(cacheRoot: string, repo: string, commit: string, files: CacheFile[], refs: Record<string, string> = { main: commit }): { repoDir: string; snapshot: string; blobOf: Record<string, string> } {
  const repoDir = join(cacheRoot, `models--${repo.replace('/', '--')}`);
  const snapshot = join(repoDir, 'snapshots', commit);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  const blobOf: Record<string, string> = {};
  for (const f of files) {
    const name = f.lfs ? sha256(f.content) : gitBlobSha1(f.content);
    const blob = join(repoDir, 'blobs', name);
    writeFileSync(blob, f.content);
    const link = join(snapshot, ...f.path.split('/'));
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), blob), link);
    blobOf[f.path] = blob;
  }
  for (const [name, value] of Object.entries(refs)) {
    mkdirSync(dirname(join(repoDir, 'refs', name)), { recursive: true });
    writeFileSync(join(repoDir, 'refs', name), value);
  }
  return { repoDir, snapshot, blobOf };
}

export const COMMIT = '3c5d0f1e2a4b6c8d9e0f1a2b3c4d5e6f7a8b9c0d';
