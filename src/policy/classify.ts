/**
 * The verdict for one pickle global. Order matters and is the whole policy:
 *   1. introspection (dunder) chains and denylist hits → denied (critical), checked on the full
 *      path and on every dotted suffix, before anything can allow;
 *   2. the curated allowlist, then the user's extraAllowed → allowed;
 *   3. everything else → unknown (high). Not being on the denylist never makes a global safe.
 */
import { normalizeGlobal } from './aliases.js';
import { AllowIndex } from './allowlist.js';
import { DenyIndex } from './denylist.js';
import { candidateStarts, findIntrospection, isWellFormed } from './dotted.js';
import { compileExtraAllowed, matchExtraAllowed } from './extra-allowed.js';
import { loadAllowlist, loadDenylist } from './load.js';
import type { GlobalVerdict, PolicyOptions } from './types.js';

let indexes: { allow: AllowIndex; deny: DenyIndex } | undefined;

/** Loaded lazily so importing the library costs nothing until a pickle is actually classified. */
export function policyIndexes(): { allow: AllowIndex; deny: DenyIndex } {
  indexes ??= { allow: new AllowIndex(loadAllowlist()), deny: new DenyIndex(loadDenylist()) };
  return indexes;
}

export function classifyGlobal(module: string, name: string, opts: PolicyOptions = {}): GlobalVerdict {
  const { allow, deny } = policyIndexes();
  const context = opts.context ?? 'pickle';
  const canon = normalizeGlobal(module, name);
  const full = `${canon.module}.${canon.name}`;

  // Denylist before the dunder rule: a specific reason ("runs shell commands") beats a generic one.
  const { parts, starts } = candidateStarts(canon.module, canon.name);
  for (const start of starts) {
    const hit = deny.matchAt(parts, start);
    if (hit) return { verdict: 'denied', matched: hit.matched, reason: hit.reason, source: hit.source, resolvedAs: hit.path };
  }
  const attr = deny.matchAttribute(canon.name);
  if (attr) return { verdict: 'denied', matched: attr.matched, reason: attr.reason, source: attr.source, resolvedAs: full };

  // On the names as written too: `__builtin__` is a legitimate root only before aliasing rewrites it.
  const dunder = findIntrospection(module, name) ?? findIntrospection(canon.module, canon.name);
  if (dunder) {
    const { reason, source } = deny.file.introspection;
    return { verdict: 'denied', matched: dunder, reason, source, resolvedAs: full };
  }

  if (!isWellFormed(canon.module, canon.name)) return { verdict: 'unknown', resolvedAs: full };

  const allowed = allow.match(canon.module, canon.name, context);
  if (allowed) return { verdict: 'allowed', matched: allowed.matched, source: allowed.source };

  const extra = matchExtraAllowed(compileExtraAllowed(opts.extraAllowed), canon.module, canon.name);
  if (extra) return { verdict: 'allowed', matched: extra, source: 'user config (extraAllowed)' };

  return { verdict: 'unknown', resolvedAs: full };
}
