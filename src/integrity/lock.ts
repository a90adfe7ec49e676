import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseHubRef } from '../sources/hub/ref.js';
import { lockHubModel } from '../sources/hub/lock.js';
import type { HubRef } from '../sources/hub/types.js';
import { UsageError } from '../util/errors.js';
import { hashFiles, HashError, type HashPoolOptions } from './hash-pool.js';
import { cachePlaceOf, defaultHfCacheDir, GIT_SHA1_NAME, readRefs, repoFolderName, revisionOfSnapshot } from './hf-cache.js';
import { findLockfile, LOCKFILE_NAME, mergeLockfile, readLockfile, writeLockfile } from './lockfile.js';
import { listModelFiles, type ModelFile } from './local-files.js';
import { toPosix } from './paths.js';
import { startProgress } from './progress.js';
import type { LockedModel, Lockfile, LockSource } from './types.js';

export interface LockOptions extends Pick<HashPoolOptions, 'threads' | 'chunkBytes'> {
  /** Local files and folders, `hf:org/name@rev`, `org/name@rev` or Hub URLs; none refreshes every entry of the lockfile. */
  targets?: string[];
  cwd?: string;
  /** Default `<cwd>/modelvet.lock.json`. */
  lockfile?: string;
  /** Hub endpoint and token (default `HF_ENDPOINT`, `HF_TOKEN`); the token is never printed. */
  endpoint?: string;
  token?: string;
  /** Largest non-LFS Hub file downloaded to hash it. */
  maxDownloadBytes?: number;
  /** Download and hash Hub files that have no content hash (over the cap, or Xet-only). */
  allowDownload?: boolean;
  /** Where cache snapshots are looked up when refreshing an entry recovered from the cache. */
  hfCacheDir?: string;
  /** Draw a progress bar on stderr when it is a terminal and the work is long (`--no-progress` clears it). */
  progress?: boolean;
}

export interface LockResult {
  /** Absolute path of the lockfile written. */
  file: string;
  lockfile: Lockfile;
  /** The entries locked by this run. */
  locked: LockedModel[];
  /** False when the lockfile already had exactly these bytes. */
  changed: boolean;
  /** Files inside a locked folder that were not locked, and why (links out of the folder, pipes). */
  skipped: Array<{ path: string; reason: string }>;
}

/** A model whose files are still to be hashed. */
interface LocalPlan {
  source: LockSource;
  files: ModelFile[];
}

type Target = { kind: 'local'; abs: string } | { kind: 'hub'; ref: HubRef; offlineFrom?: LockedModel };

function classify(text: string, cwd: string): Target {
  const abs = resolve(cwd, text);
  if (existsSync(abs)) return { kind: 'local', abs };
  const ref = parseHubRef(text);
  if (ref) return { kind: 'hub', ref };
  throw new UsageError(`not a local file or folder, nor a Hugging Face repo: ${text}`);
}

/** A cache snapshot folder (`…/models--org--name/snapshots/<commit>`) is a Hub model recovered offline. */
function snapshotSource(abs: string): LockSource | undefined {
  const place = cachePlaceOf(abs);
  if (!place || place.area !== 'snapshots' || !place.snapshot || place.relPath !== undefined) return undefined;
  if (!GIT_SHA1_NAME.test(place.snapshot)) return undefined;
  return { type: 'hf', repo: place.repo.repo, repoType: place.repo.repoType, revision: revisionOfSnapshot(place.repo.dir, place.snapshot), commit: place.snapshot };
}

async function planLocal(abs: string, lockDir: string, lockPath: string, skipped: LockResult['skipped']): Promise<LocalPlan> {
  const st = statSync(abs);
  const relToLock = toPosix(relative(lockDir, abs)) || '.';
  if (!st.isDirectory()) {
    if (!st.isFile()) throw new UsageError(`cannot lock ${relToLock}: not a regular file or folder`);
    return { source: { type: 'local', path: relToLock }, files: [{ relPath: basename(abs), absPath: abs, size: st.size }] };
  }
  const listed = await listModelFiles(abs, new Set([lockPath]));
  for (const s of listed.skipped) skipped.push({ path: relToLock === '.' ? s.relPath : `${relToLock}/${s.relPath}`, reason: s.reason });
  return { source: snapshotSource(abs) ?? { type: 'local', path: relToLock }, files: listed.files };
}

/** Entries recovered from a cache snapshot hashed every file locally; refreshing reads the cache again. */
function cacheSnapshotFor(model: LockedModel, cacheDir: string): string | undefined {
  if (model.source.type !== 'hf' || model.files.some((f) => f.from !== 'local')) return undefined;
  const repoDir = join(cacheDir, repoFolderName(model.source.repo, model.source.repoType));
  const revision = model.source.revision;
  const commit = GIT_SHA1_NAME.test(revision) ? revision : readRefs(repoDir).find((r) => r.name === revision)?.content.trim();
  if (!commit) return undefined;
  const snapshot = join(repoDir, 'snapshots', commit);
  return existsSync(snapshot) ? snapshot : undefined;
}

/**
 * `modelvet lock`: pins each target (a local folder or file, a cache snapshot, a Hub repo at a
 * revision) to its files' sizes and SHA-256s, merges the entries into the lockfile (replacing
 * entries of the same source) and writes it deterministically.
 */
export async function lock(options: LockOptions = {}): Promise<LockResult> {
  const cwd = options.cwd ?? process.cwd();
  const file = resolve(cwd, options.lockfile ?? LOCKFILE_NAME);
  const lockDir = dirname(file);
  const existing = existsSync(file) ? readLockfile(file) : undefined;
  const targets: Target[] = [];
  if (options.targets?.length) {
    for (const t of options.targets) targets.push(classify(t, cwd));
  } else {
    if (!existing) throw new UsageError(`nothing to refresh: ${options.lockfile ?? LOCKFILE_NAME} does not exist (give a folder, file or hf:org/name to lock)`);
    const cacheDir = options.hfCacheDir ?? defaultHfCacheDir();
    for (const m of existing.models) {
      if (m.source.type === 'local') {
        const abs = resolve(lockDir, m.source.path);
        if (!existsSync(abs)) throw new UsageError(`cannot refresh ${m.source.path}: no such file or folder (remove its entry from ${basename(file)} or restore it)`);
        targets.push({ kind: 'local', abs });
        continue;
      }
      const snapshot = cacheSnapshotFor(m, cacheDir);
      if (snapshot) targets.push({ kind: 'local', abs: snapshot });
      else targets.push({ kind: 'hub', ref: { repo: m.source.repo, repoType: m.source.repoType, revision: m.source.revision } });
    }
  }

  const skipped: LockResult['skipped'] = [];
  const plans: LocalPlan[] = [];
  for (const t of targets) if (t.kind === 'local') plans.push(await planLocal(t.abs, lockDir, file, skipped));

  const locked: LockedModel[] = [];
  for (const t of targets) {
    if (t.kind !== 'hub') continue;
    locked.push(await lockHubModel(t.ref, { endpoint: options.endpoint, token: options.token, ...(options.maxDownloadBytes !== undefined ? { maxDownloadBytes: options.maxDownloadBytes } : {}), ...(options.allowDownload ? { allowDownload: true } : {}) }));
  }
  locked.push(...(await hashPlans(plans, options)));

  const merged = mergeLockfile(existing, locked);
  const changed = writeLockfile(file, merged);
  return { file, lockfile: merged, locked, changed, skipped };
}

async function hashPlans(plans: readonly LocalPlan[], options: LockOptions): Promise<LockedModel[]> {
  const all = plans.flatMap((p) => p.files);
  const progress = startProgress({ totalBytes: all.reduce((n, f) => n + f.size, 0), label: 'hashing', enabled: options.progress ?? false });
  let digests;
  try {
    digests = await hashFiles(
      all.map((f) => ({ path: f.absPath, size: f.size })),
      { threads: options.threads, chunkBytes: options.chunkBytes, onBytes: (n) => progress.add(n) },
    );
  } finally {
    progress.stop();
  }
  let i = 0;
  return plans.map((plan) => ({
    source: plan.source,
    files: plan.files.map((f) => {
      const d = digests[i++]!;
      if (d instanceof HashError) throw new UsageError(`cannot hash ${f.absPath}: ${d.message}`);
      return { path: f.relPath, size: d.size, sha256: d.sha256!, from: 'local' as const };
    }),
  }));
}

export { findLockfile };
