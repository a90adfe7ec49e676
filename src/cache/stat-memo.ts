import { statSync, type BigIntStats } from 'node:fs';
import { fileReader } from '../sources/readers.js';
import { sha256Of } from '../sources/hash.js';
import { readPrivateFile, writeFileAtomic } from './safe-fs.js';
import type { StatMemoEntry } from './types.js';

export interface StatMemoLimits {
  /** Entries kept; past it the least recently used go first. */
  maxEntries: number;
  /** A memo file larger than this is not read (and starts afresh). */
  maxFileBytes: number;
  /**
   * A file changed less than this long before it was hashed may change again within the same
   * timestamp tick unseen (git's "racily clean" problem), so it is hashed again next time.
   */
  settleMs: number;
}

export const DEFAULT_STAT_MEMO_LIMITS: StatMemoLimits = { maxEntries: 20_000, maxFileBytes: 16 * 1024 * 1024, settleMs: 2_000 };

const SHA256 = /^[0-9a-f]{64}$/;
const USED_AT_RESOLUTION_MS = 3_600_000;
const DECIMAL = /^[0-9]{1,30}$/;

function isEntry(value: unknown): value is StatMemoEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(e.size) &&
    (e.size as number) >= 0 &&
    typeof e.sha256 === 'string' &&
    SHA256.test(e.sha256) &&
    Number.isFinite(e.usedAt) &&
    [e.mtimeNs, e.ctimeNs, e.ino, e.dev].every((v) => typeof v === 'string' && DECIMAL.test(v))
  );
}

/** What identifies one version of a file without reading it. */
function stampOf(stats: BigIntStats): Omit<StatMemoEntry, 'sha256' | 'usedAt'> {
  return { size: Number(stats.size), mtimeNs: stats.mtimeNs.toString(), ctimeNs: stats.ctimeNs.toString(), ino: stats.ino.toString(), dev: stats.dev.toString() };
}

function statBig(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

const sameStamp = (a: Omit<StatMemoEntry, 'sha256' | 'usedAt'>, b: Omit<StatMemoEntry, 'sha256' | 'usedAt'>): boolean =>
  a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;

/** A file's stat identity as one string: equal strings mean, as far as stat can tell, unchanged content. */
export function fileStamp(absPath: string): string | undefined {
  const stats = statBig(absPath);
  if (!stats?.isFile()) return undefined;
  const s = stampOf(stats);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/**
 * `absPath → {size, times, inode, sha256}` so an unchanged work-tree file is not hashed again on
 * every run. Held in a Map (paths are input: no prototype keys), read lazily, written on save.
 */
export class StatMemo {
  private entries: Map<string, StatMemoEntry> | undefined;
  private changed = false;

  constructor(
    /** Where the memo lives, asked when it is read and saved; undefined keeps it in memory only (no usable cache folder). */
    private readonly file: () => string | undefined,
    private readonly limits: StatMemoLimits = DEFAULT_STAT_MEMO_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private load(): Map<string, StatMemoEntry> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    const file = this.file();
    const bytes = file ? readPrivateFile(file, this.limits.maxFileBytes) : undefined;
    if (!bytes) return this.entries;
    try {
      const data = JSON.parse(bytes.toString('utf8')) as unknown;
      if (typeof data !== 'object' || data === null || (data as { statMemoVersion?: unknown }).statMemoVersion !== 1) return this.entries;
      const raw = (data as { entries?: unknown }).entries;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return this.entries;
      for (const [path, entry] of Object.entries(raw)) if (isEntry(entry)) this.entries.set(path, entry);
    } catch {
      // a corrupt memo only costs hashing again
    }
    return this.entries;
  }

  /** The file's SHA-256: from the memo when its stat identity is unchanged, else by reading it. */
  async sha256For(absPath: string, options: { remember?: boolean } = {}): Promise<string> {
    const remember = options.remember ?? true;
    const before = statBig(absPath);
    const entries = remember ? this.load() : undefined;
    if (before && entries) {
      const known = entries.get(absPath);
      if (known && sameStamp(known, stampOf(before))) {
        // Pruning only needs a rough age: refreshing it at most hourly keeps a warm run from rewriting the memo.
        if (this.now() - known.usedAt > USED_AT_RESOLUTION_MS) {
          known.usedAt = this.now();
          this.changed = true;
        }
        return known.sha256;
      }
    }
    const reader = await fileReader(absPath);
    let sha256: string;
    try {
      sha256 = await sha256Of(reader);
    } finally {
      await reader.close();
    }
    const after = statBig(absPath);
    if (entries && before && after && after.isFile()) {
      const stamp = stampOf(after);
      const settled = this.now() - Number(after.mtimeNs / 1_000_000n) >= this.limits.settleMs;
      if (sameStamp(stampOf(before), stamp) && settled) {
        entries.set(absPath, { ...stamp, sha256, usedAt: this.now() });
        this.changed = true;
      } else if (entries.delete(absPath)) this.changed = true;
    }
    return sha256;
  }

  /** Writes the memo (pruned to its bound, least recently used out first) when it changed. Rejects on a write failure. */
  async save(): Promise<void> {
    const file = this.changed && this.entries ? this.file() : undefined;
    if (!file || !this.entries) return;
    const kept = [...this.entries.entries()].sort((a, b) => b[1].usedAt - a[1].usedAt).slice(0, this.limits.maxEntries);
    this.entries = new Map(kept);
    const body = { statMemoVersion: 1, entries: Object.fromEntries(kept) };
    await writeFileAtomic(file, JSON.stringify(body));
    this.changed = false;
  }

  /** Whether save() has anything to write. */
  get dirty(): boolean {
    return this.changed;
  }

  /** Number of remembered files (tests). */
  get size(): number {
    return this.load().size;
  }
}
