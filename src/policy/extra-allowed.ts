/**
 * The user's `extraAllowed` config entries: "module.name" (exact) or "module.*" (any name in
 * that one module, not its submodules – a user who trusts `mylib.*` has not vouched for
 * `mylib.vendored.anything`). They are consulted only after the denylist: deny wins, so a
 * config cannot quietly re-allow `os.system` or shadow a known gadget (public-bypasses B39).
 */
import { normalizeModule, normalizePath } from './aliases.js';

export interface ExtraAllowed {
  exact: Set<string>;
  modules: Set<string>;
}

const cache = new WeakMap<readonly string[], ExtraAllowed>();

export function compileExtraAllowed(entries: readonly string[] | undefined): ExtraAllowed {
  if (!entries) return { exact: new Set(), modules: new Set() };
  const hit = cache.get(entries);
  if (hit) return hit;
  const out: ExtraAllowed = { exact: new Set(), modules: new Set() };
  for (const raw of entries) {
    const e = raw.trim();
    if (e.endsWith('.*')) {
      const mod = e.slice(0, -2);
      if (mod.length > 0 && !mod.includes('*')) out.modules.add(normalizeModule(mod));
    } else if (e.includes('.') && !e.includes('*')) {
      out.exact.add(normalizePath(e));
    }
    // Anything else (bare names, inner wildcards) is ignored here; the config schema reports it.
  }
  cache.set(entries, out);
  return out;
}

/** `module`/`name` are already canonical. Matches "module.name" on the full dotted string. */
export function matchExtraAllowed(extra: ExtraAllowed, module: string, name: string): string | undefined {
  const full = `${module}.${name}`;
  if (extra.exact.has(full)) return full;
  if (extra.modules.has(module)) return `${module}.*`;
  return undefined;
}
