import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { sortedEntries } from './small-files.js';

/**
 * The Hugging Face cache layout (huggingface_hub's `file_download.py`, "cache-system" docs):
 *
 *   <cache>/models--org--name/blobs/<sha256 of an LFS file | git blob sha1 of a small file>
 *   <cache>/models--org--name/blobs/<name>.incomplete        (a download in progress or abandoned)
 *   <cache>/models--org--name/snapshots/<commit>/<path>      (links to ../../blobs/<name>)
 *   <cache>/models--org--name/refs/<branch or tag or pr/N>   (text: the commit)
 *
 * `datasets--` and `spaces--` repos look the same. Repo ids cannot contain `--`, so the folder
 * name splits back into org and name.
 */

export const SHA256_NAME = /^[0-9a-f]{64}$/;
export const GIT_SHA1_NAME = /^[0-9a-f]{40}$/;

export type RepoType = 'model' | 'dataset' | 'space';

const PREFIX: Record<RepoType, string> = { model: 'models', dataset: 'datasets', space: 'spaces' };
const TYPE_OF: Record<string, RepoType> = { models: 'model', datasets: 'dataset', spaces: 'space' };

const REPO_FOLDER = /^(models|datasets|spaces)--(.+)$/;

export interface CacheRepo {
  /** Absolute path of `models--org--name`. */
  dir: string;
  repo: string;
  repoType: RepoType;
}

/** Where huggingface_hub keeps its cache: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME or ~/.cache. */
export function defaultHfCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const hub = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  if (hub) return resolve(hub);
  if (env.HF_HOME) return resolve(env.HF_HOME, 'hub');
  return resolve(env.XDG_CACHE_HOME || join(home, '.cache'), 'huggingface', 'hub');
}

export function repoFolderName(repo: string, repoType: RepoType): string {
  return `${PREFIX[repoType]}--${repo.split('/').join('--')}`;
}

export function parseRepoFolder(name: string, dir: string): CacheRepo | undefined {
  const m = REPO_FOLDER.exec(name);
  if (!m) return undefined;
  return { dir, repo: m[2]!.split('--').join('/'), repoType: TYPE_OF[m[1]!]! };
}

/** Where a path sits in a cache, when it does: the repo folder and what is below it. */
export interface CachePlace {
  cacheRoot: string;
  repo: CacheRepo;
  /** `snapshots`, `blobs`, `refs`, or undefined for the repo folder itself. */
  area?: string;
  /** For a snapshot path: its commit (the folder name) and the file's posix path inside it. */
  snapshot?: string;
  relPath?: string;
}

export function cachePlaceOf(absPath: string): CachePlace | undefined {
  const parts = resolve(absPath).split(sep);
  // The innermost repo folder wins: a cache nested in a project is still found.
  for (let i = parts.length - 1; i >= 1; i--) {
    const repo = parseRepoFolder(parts[i]!, parts.slice(0, i + 1).join(sep));
    if (!repo) continue;
    const rest = parts.slice(i + 1);
    const place: CachePlace = { cacheRoot: parts.slice(0, i).join(sep) || sep, repo };
    if (rest[0]) place.area = rest[0];
    if (rest[0] === 'snapshots' && rest[1]) {
      place.snapshot = rest[1];
      if (rest.length > 2) place.relPath = rest.slice(2).join('/');
    }
    return place;
  }
  return undefined;
}

/** A folder holding `models--…` (or `datasets--…`) folders is a cache root. */
export function isCacheRoot(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && REPO_FOLDER.test(e.name) && existsSync(join(dir, e.name, 'snapshots')));
  } catch {
    return false;
  }
}

export function cacheRepos(cacheRoot: string): CacheRepo[] {
  let entries;
  try {
    entries = readdirSync(cacheRoot, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => parseRepoFolder(e.name, join(cacheRoot, e.name)))
    .filter((r): r is CacheRepo => r !== undefined)
    .sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

/** Every `refs/<name>` (nested names like `refs/pr/1` too) with its raw content, capped. */
export function readRefs(repoDir: string): Array<{ name: string; content: string }> {
  const out: Array<{ name: string; content: string }> = [];
  const walk = (dir: string, prefix: string, depth: number): void => {
    if (depth > 8) return;
    for (const e of sortedEntries(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`, depth + 1);
      else if (e.isFile()) {
        // A ref is 40 characters; a big file there is not a ref, and is not read whole.
        const content = statSync(p).size <= 1024 ? readFileSync(p, 'utf8') : '<larger than 1 KiB>';
        out.push({ name: `${prefix}${e.name}`, content });
      }
    }
  };
  walk(join(repoDir, 'refs'), '', 0);
  return out;
}

/** The ref a snapshot was fetched as (`main` first, then any branch or tag), or the commit itself. */
export function revisionOfSnapshot(repoDir: string, commit: string): string {
  const refs = readRefs(repoDir).filter((r) => r.content.trim() === commit);
  return (refs.find((r) => r.name === 'main') ?? refs[0])?.name ?? commit;
}
