import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal settings give equal text whatever order
 * they were built in. `undefined` and functions are dropped as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return canonicalJson(withJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Map) return canonicalJson(Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v])));
  if (value instanceof Set) return canonicalJson([...value].map(canonicalJson).sort());
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The key of everything a cached result depends on besides the bytes: the modelvet version, every
 * rule id and severity in force, the settings rules read. SHA-256 of the canonical JSON, hex.
 */
export function rulesetKey(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
