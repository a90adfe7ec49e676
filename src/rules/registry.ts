import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SEVERITIES } from '../types.js';
import { UsageError } from '../util/errors.js';
import { BUILTIN_RULES } from './builtin.js';
import type { Rule } from './types.js';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/;

/** Every rule, built-in and plug-in, keyed by id. Both kinds pass the same checks. */
export class RuleRegistry {
  readonly #rules = new Map<string, Rule & { source: string }>();

  constructor(rules: readonly Rule[] = BUILTIN_RULES) {
    for (const rule of rules) this.add(rule, 'modelvet');
  }

  add(rule: unknown, source: string): void {
    const problem = ruleProblem(rule);
    if (problem) throw new UsageError(`${source}: invalid rule module: ${problem}`);
    const valid = rule as Rule;
    if (this.#rules.has(valid.meta.id)) {
      throw new UsageError(`${source}: rule '${valid.meta.id}' is already defined by ${this.#rules.get(valid.meta.id)!.source}`);
    }
    this.#rules.set(valid.meta.id, Object.assign(Object.create(null), valid, { source }));
  }

  get(id: string): (Rule & { source: string }) | undefined {
    return this.#rules.get(id);
  }

  all(): Array<Rule & { source: string }> {
    return [...this.#rules.values()].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  }
}

function ruleProblem(rule: unknown): string | undefined {
  if (typeof rule !== 'object' || rule === null) return 'not an object';
  const { meta, check } = rule as Partial<Rule>;
  if (typeof check !== 'function') return 'missing check()';
  if (typeof meta !== 'object' || meta === null) return 'missing meta';
  if (typeof meta.id !== 'string' || !ID_PATTERN.test(meta.id)) return `meta.id must be category/name, got ${JSON.stringify(meta.id)}`;
  if (!SEVERITIES.includes(meta.severity as never)) return `${meta.id}: meta.severity must be one of ${SEVERITIES.join(', ')}`;
  if (typeof meta.description !== 'string' || !meta.description) return `${meta.id}: meta.description is required`;
  if (typeof meta.category !== 'string' || !meta.category) return `${meta.id}: meta.category is required`;
  if (!Array.isArray(meta.appliesTo) || meta.appliesTo.length === 0) return `${meta.id}: meta.appliesTo must list formats or '*'`;
  const docs = meta.docs as Partial<Rule['meta']['docs']> | undefined;
  if (!docs || typeof docs.description !== 'string' || typeof docs.example !== 'string' || typeof docs.fix !== 'string') {
    return `${meta.id}: meta.docs needs description, example and fix`;
  }
  return undefined;
}

/** Resolves a plug-in named in the config: a path relative to the config, or an npm package found from there. */
function resolvePlugin(name: string, baseDir: string): string {
  if (name.startsWith('.') || isAbsolute(name)) {
    const target = resolve(baseDir, name);
    if (!existsSync(target)) throw new UsageError(`plugin '${name}' not found at ${target}`);
    return packageEntry(target) ?? target;
  }
  // Walk node_modules upward ourselves: require.resolve misses ESM-only packages ("exports" with only "import").
  let dir = resolve(baseDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      const entry = packageEntry(candidate);
      if (entry) return entry;
    }
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  try {
    return createRequire(join(baseDir, 'noop.js')).resolve(name);
  } catch {
    throw new UsageError(`plugin '${name}' not found (install it next to your modelvet config: npm install -D ${name})`);
  }
}

function packageEntry(dir: string): string | undefined {
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { main?: string; exports?: unknown };
  const exp = manifest.exports;
  let rel: string | undefined;
  if (typeof exp === 'string') rel = exp;
  else if (exp && typeof exp === 'object') {
    const root = ((exp as Record<string, unknown>)['.'] ?? exp) as unknown;
    if (typeof root === 'string') rel = root;
    else if (root && typeof root === 'object') {
      const conds = root as Record<string, unknown>;
      rel = [conds.import, conds.default, conds.require].find((v): v is string => typeof v === 'string');
    }
  }
  rel ??= manifest.main ?? 'index.js';
  return join(dir, rel);
}

/** Loads `plugins` from the config into the registry. A plug-in exports `rules` (array or object). */
export async function loadPlugins(registry: RuleRegistry, plugins: readonly string[], baseDir: string): Promise<void> {
  for (const name of plugins) {
    const entry = resolvePlugin(name, baseDir);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`plugin '${name}' failed to load: ${(err as Error).message.split('\n')[0]}`);
    }
    const exported = (mod.rules ?? (mod.default as Record<string, unknown> | undefined)?.rules) as unknown;
    const rules = Array.isArray(exported) ? exported : exported && typeof exported === 'object' ? Object.values(exported) : undefined;
    if (!rules || rules.length === 0) throw new UsageError(`plugin '${name}' exports no rules (expected \`export const rules = [...]\`)`);
    for (const rule of rules) registry.add(rule, `plugin '${name}'`);
  }
}
