/**
 * Defensive reads of parsed JSON: only own properties (a `constructor` or `__proto__` key in the
 * input is data, and a missing key never falls through to Object.prototype), only the expected type.
 */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export const own = (object: JsonObject, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);

export function ownString(object: JsonObject, key: string): string | undefined {
  const value = own(object, key);
  return typeof value === 'string' ? value : undefined;
}

export function ownArray(object: JsonObject, key: string): readonly unknown[] {
  const value = own(object, key);
  return Array.isArray(value) ? value : [];
}

export function ownObject(object: JsonObject, key: string): JsonObject | undefined {
  const value = own(object, key);
  return isObject(value) ? value : undefined;
}

/** A string field that says something: SPDX writes `NOASSERTION` / `NONE` where it knows nothing. */
export function assertedString(object: JsonObject, key: string): string | undefined {
  const value = ownString(object, key)?.trim();
  return value && value !== 'NOASSERTION' && value !== 'NONE' ? value : undefined;
}

export type Segments = ReadonlyArray<string | number>;

/** RFC 6901 JSON pointer of a path of keys and indices. */
export const jsonPointer = (segments: Segments): string => segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** A file path as a BOM writes it, relative to the BOM's folder: SPDX writers prefix `./`. */
export const relativePath = (path: string): string => (path.startsWith('./') ? path.slice(2) : path);
