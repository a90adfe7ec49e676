import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isCacheEntry } from './entry-schema.js';
import { resolveCacheDir, type CacheDirInput } from './location.js';
import { ensurePrivateDir, isPrivateDir, pathExists, readPrivateFile, writeFileAtomic } from './safe-fs.js';
import { DEFAULT_STAT_MEMO_LIMITS, StatMemo, type StatMemoLimits } from './stat-memo.js';
import type { CachedResult, CacheEntryFile } from './types.js';

/** Bumped when the layout or the entry format changes: an old cache is then simply not seen. */
const LAYOUT = 'v1';
const SHA256 = /^[0-9a-f]{64}$/;

export interface ResultCacheOptions extends Omit<CacheDirInput, 'dir'> {
  /** `--cache-dir`; see resolveCacheDir for the fallbacks. */
  dir?: string;
  /** rulesetKey(...) of the version, rules and settings in force. */
  rulesetKey: string;
  /** Largest entry read or written; a result with more findings than fit is not cached. */
  maxEntryBytes?: number;
  statMemo?: Partial<StatMemoLimits>;
}

export const DEFAULT_MAX_ENTRY_BYTES = 4 * 1024 * 1024;

/** The layout root: not there yet, ours, or something we must not trust (another user's, a link, group-writable). */
type RootState = 'absent' | 'private' | 'foreign';

/**
 * Findings by content SHA-256 and rule set, one small JSON file per entry under
 * `<dir>/v1/<rulesetKey[0:16]>/<sha[0:2]>/<sha>.json`. The cache only ever saves time: an entry
 * that is missing, corrupt, a link, another user's, or written for other content is a miss, and
 * a write that fails (read-only home, full disk) is dropped. Nothing here throws to the caller.
 */
export class ResultCache {
  readonly dir: string;
  readonly rulesetKey: string;
  private readonly root: string;
  private readonly keyDir: string;
  private readonly maxEntryBytes: number;
  private readonly pending = new Set<Promise<void>>();
  /** Folders found or made private this run, so a lookup costs one open rather than three lstats. */
  private readonly trustedDirs = new Set<string>();
  private rootState: RootState | undefined;
  /** Set when the root could not be created (read-only home): no further attempts this run. */
  private unwritable = false;
  private readonly memo: StatMemo;

  private constructor(options: ResultCacheOptions) {
    this.rulesetKey = options.rulesetKey;
    this.dir = resolveCacheDir(options);
    this.root = join(this.dir, LAYOUT);
    this.keyDir = join(this.root, this.rulesetKey.slice(0, 16));
    this.maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    const memoFile = join(this.root, 'stat-memo.json');
    this.memo = new StatMemo(() => (this.checkRoot() === 'private' ? memoFile : undefined), { ...DEFAULT_STAT_MEMO_LIMITS, ...options.statMemo });
  }

  static open(options: ResultCacheOptions): ResultCache {
    if (!SHA256.test(options.rulesetKey)) throw new TypeError('rulesetKey must be 64 lowercase hex digits (use rulesetKey())');
    return new ResultCache(options);
  }

  /** Looked at once per run: a cache folder that is not ours is never read or written. */
  private checkRoot(): RootState {
    if (this.rootState === undefined || this.rootState === 'absent') {
      this.rootState = isPrivateDir(this.root) ? 'private' : pathExists(this.root) ? 'foreign' : 'absent';
      if (this.rootState === 'private') this.trustedDirs.add(this.root);
    }
    return this.rootState;
  }

  private entryPath(sha256: string, variant: string | undefined): { folder: string; file: string } {
    const folder = join(this.keyDir, sha256.slice(0, 2));
    const name = variant === undefined ? sha256 : `${sha256}.${createHash('sha256').update(variant).digest('hex').slice(0, 16)}`;
    return { folder, file: join(folder, `${name}.json`) };
  }

  private trusted(folder: string): boolean {
    if (this.checkRoot() !== 'private') return false;
    for (const f of [this.keyDir, folder]) {
      if (this.trustedDirs.has(f)) continue;
      if (!isPrivateDir(f)) return false;
      this.trustedDirs.add(f);
    }
    return true;
  }

  /**
   * The cached result for this content, or undefined. `variant` names anything else the result
   * depended on (a file name the parsers went by); an entry matches only the same variant.
   */
  get(sha256: string, variant?: string): CachedResult | undefined {
    if (!SHA256.test(sha256)) return undefined;
    const { folder, file } = this.entryPath(sha256, variant);
    if (!this.trusted(folder)) return undefined;
    const bytes = readPrivateFile(file, this.maxEntryBytes);
    if (!bytes) return undefined;
    let data: unknown;
    try {
      data = JSON.parse(bytes.toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isCacheEntry(data)) return undefined;
    // A valid entry for other content or another rule set (copied, or a shared 16-digit prefix) is not this one.
    if (data.sha256 !== sha256 || data.rulesetKey !== this.rulesetKey || data.variant !== variant) return undefined;
    return data.result;
  }

  /** Stores a result; the write happens in the background and `flush()` waits for it. */
  put(sha256: string, result: CachedResult, variant?: string): void {
    if (!SHA256.test(sha256)) return;
    const entry: CacheEntryFile = { cacheEntryVersion: 1, sha256, rulesetKey: this.rulesetKey, ...(variant === undefined ? {} : { variant }), result };
    let text: string;
    try {
      text = JSON.stringify(entry);
    } catch {
      return; // evidence that JSON cannot hold (a cycle, a BigInt) is simply not cached
    }
    if (Buffer.byteLength(text) > this.maxEntryBytes || !isCacheEntry(JSON.parse(text))) return;
    const { folder, file } = this.entryPath(sha256, variant);
    if (!this.makeFolders(folder)) return;
    const tracked: Promise<void> = writeFileAtomic(file, text)
      .catch(() => undefined)
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private makeFolders(folder: string): boolean {
    if (this.trustedDirs.has(folder)) return true;
    if (this.unwritable) return false;
    const state = this.checkRoot();
    if (state === 'foreign') return false;
    if (state === 'absent') {
      if (!ensurePrivateDir(this.root)) {
        this.unwritable = true;
        return false;
      }
      this.rootState = undefined;
      if (this.checkRoot() !== 'private') return false;
    }
    // Below a private root only we can create folders; one that is odd anyway costs this entry only.
    for (const f of [this.keyDir, folder]) {
      if (this.trustedDirs.has(f)) continue;
      if (!ensurePrivateDir(f)) return false;
      this.trustedDirs.add(f);
    }
    return true;
  }

  /**
   * A work-tree file's SHA-256, from the stat memo when its size, times and inode are unchanged.
   * `remember: false` for files that will not be seen again (temporary copies of staged content).
   */
  sha256For(absPath: string, options: { remember?: boolean } = {}): Promise<string> {
    return this.memo.sha256For(absPath, { remember: options.remember ?? true });
  }

  /** Waits for background writes and saves the stat memo. Never rejects. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    try {
      if (this.memo.dirty && this.checkRoot() === 'absent' && !this.unwritable && ensurePrivateDir(this.root)) this.rootState = undefined;
      await this.memo.save();
    } catch {
      // a memo that could not be written only costs hashing again next run
    }
  }
}
