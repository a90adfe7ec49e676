/**
 * Reading untrusted parsed documents (JSON objects, YAML maps read as `Map`s). Keys come from the
 * file, so a field is looked up as an own property or a map entry, never through a prototype.
 */

export type Tree = Map<unknown, unknown> | Record<string, unknown>;

export function isTree(v: unknown): v is Tree {
  return v instanceof Map || (typeof v === 'object' && v !== null && !Array.isArray(v));
}

export function field(tree: unknown, key: string): unknown {
  if (tree instanceof Map) return tree.get(key);
  if (isTree(tree)) return Object.hasOwn(tree, key) ? (tree as Record<string, unknown>)[key] : undefined;
  return undefined;
}

/** A non-empty string, trimmed, cut to `max` characters (a card is free text of any size). */
export function text(v: unknown, max = 500): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t.slice(0, max);
}

/** A string, or a list of them: cards write `license: mit` and `license: [mit, apache-2.0]` alike. */
export function texts(v: unknown, maxItems: number, max = 500): string[] {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list) {
    if (out.length >= maxItems) break;
    const t = text(item, max);
    if (t !== undefined) out.push(t);
  }
  return out;
}

/** A list's items (a single value counts as a list of one). */
export function items(v: unknown, maxItems: number): unknown[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).slice(0, maxItems);
}

/** A scalar written as a string: what a BOM carries for a metric or a hyperparameter. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return String(v);
  return text(v, 200);
}

/** A positive safe integer (a dimension, a count), else undefined. */
export function positiveInteger(v: unknown): number | undefined {
  if (typeof v === 'bigint') return v > 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** Sorted, without repeats: lists in the BOM never depend on the order a file happened to use. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareText);
}

/** Code-unit order: the same on every machine and locale (localeCompare is not). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders by each key in turn; an absent key sorts first. */
export function byKeys<T>(...keys: Array<(t: T) => string | number | undefined>): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return compareText(String(x), String(y));
    }
    return 0;
  };
}
