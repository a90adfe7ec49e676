/** Index over policy/pickle-denylist.json: decides critical (denied) versus high (unknown). */
import { aliasHead, normalizePath } from './aliases.js';
import type { DenyEntry, DenylistFile } from './types.js';

export interface DenyHit {
  /** The path that matched, canonical spelling when its alias form matched. */
  path: string;
  /** The deny target (or attribute) that covers it. */
  matched: string;
  reason: string;
  source: string;
}

export class DenyIndex {
  /** Module/callable targets; a path is denied if any leading run of its components is a key. */
  private readonly paths = new Map<string, DenyEntry>();
  /** Attribute names denied wherever they occur in a dotted name. */
  private readonly attributes = new Map<string, DenyEntry>();
  /** Components in the longest target: no lookup ever needs to read further into a path. */
  private readonly maxDepth: number;

  constructor(readonly file: DenylistFile) {
    for (const entry of file.entries) {
      for (const t of entry.targets) {
        // Stored canonically so `posix.system` and `os.system` hit the same entry.
        if (entry.kind === 'attribute') this.attributes.set(t, this.attributes.get(t) ?? entry);
        else this.paths.set(normalizePath(t), this.paths.get(normalizePath(t)) ?? entry);
      }
    }
    this.maxDepth = Math.max(1, ...[...this.paths.keys()].map((k) => k.split('.').length));
  }

  /** The deny entry covering `path` (a module, a callable, or anything below either). */
  matchPath(path: string): DenyHit | undefined {
    return this.matchAt(path.split('.'), 0);
  }

  /**
   * The deny entry covering the path that starts at `parts[start]`, tried in its canonical
   * spelling and as written. Reads at most maxDepth (+ alias) components, so checking every
   * suffix of a long name is linear in its length, not quadratic.
   */
  matchAt(parts: readonly string[], start: number): DenyHit | undefined {
    const alias = aliasHead(parts, start);
    const spellings = alias ? [{ head: alias.head, rest: start + alias.consumed }, { head: [], rest: start }] : [{ head: [], rest: start }];
    for (const { head, rest } of spellings) {
      const window = [...head, ...parts.slice(rest, rest + this.maxDepth)];
      for (let d = 1; d <= Math.min(window.length, this.maxDepth); d++) {
        const key = window.slice(0, d).join('.');
        const entry = this.paths.get(key);
        if (entry) {
          const path = [...head, ...parts.slice(rest)].join('.');
          if (entry.except?.includes(path)) continue;
          return { path, matched: key, reason: entry.reason, source: entry.source };
        }
      }
    }
    return undefined;
  }

  /** A denied attribute name anywhere in `name` (e.g. `AutoTokenizer.from_pretrained`). */
  matchAttribute(name: string): DenyHit | undefined {
    for (const c of name.split('.')) {
      const entry = this.attributes.get(c);
      if (entry) return { path: name, matched: c, reason: entry.reason, source: entry.source };
    }
    return undefined;
  }

  /** Number of individual targets, for reports and docs. */
  get size(): number {
    return this.paths.size + this.attributes.size;
  }
}
