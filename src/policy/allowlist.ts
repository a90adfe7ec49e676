/** Index over policy/pickle-allowlist.json: the only way a global becomes "allowed". */
import { normalizeModule } from './aliases.js';
import type { AllowEntry, AllowlistFile, PolicyContext } from './types.js';

export interface AllowHit {
  matched: string;
  source: string;
}

interface Wildcard {
  module: string;
  includeSubmodules: boolean;
  entry: AllowEntry;
}

export class AllowIndex {
  /** `${context}\0${module}\0${name}` → entry; exact (module, name) pairs as GLOBAL carries them. */
  private readonly exact = new Map<string, AllowEntry>();
  private readonly wildcards: Array<Wildcard & { context: PolicyContext | undefined }> = [];

  constructor(readonly file: AllowlistFile) {
    for (const entry of file.entries) {
      // Entries are written canonically, but normalising here keeps `numpy._core` entries valid too.
      const module = normalizeModule(entry.module);
      for (const name of entry.names) {
        if (name === '*') {
          this.wildcards.push({ module, includeSubmodules: entry.includeSubmodules === true, entry, context: entry.context });
        } else {
          const key = `${entry.context ?? ''}\0${module}\0${name}`;
          if (!this.exact.has(key)) this.exact.set(key, entry);
        }
      }
    }
  }

  /**
   * Exact match on the (module, name) split only. `torch` + `nn.modules.linear.Linear` names the
   * same class as `torch.nn.modules.linear` + `Linear` but no pickler writes it that way, and an
   * attribute walk can diverge from an import when a package attribute shadows a submodule.
   */
  match(module: string, name: string, context: PolicyContext): AllowHit | undefined {
    for (const ctx of ['', context]) {
      const entry = this.exact.get(`${ctx}\0${module}\0${name}`);
      if (entry) return { matched: `${module}.${name}`, source: entry.source };
    }
    for (const w of this.wildcards) {
      if (w.context !== undefined && w.context !== context) continue;
      const inModule = module === w.module || (w.includeSubmodules && module.startsWith(w.module + '.'));
      if (inModule) return { matched: `${w.module}${w.includeSubmodules ? '.**' : '.*'}`, source: w.entry.source };
    }
    return undefined;
  }

  /** Every exact entry as [module, name, context], for consistency checks. */
  *exactEntries(): Iterable<[string, string, PolicyContext | undefined]> {
    for (const key of this.exact.keys()) {
      const [ctx, module, name] = key.split('\0') as [string, string, string];
      yield [module, name, ctx === '' ? undefined : (ctx as PolicyContext)];
    }
  }

  get size(): number {
    return this.exact.size + this.wildcards.length;
  }
}
