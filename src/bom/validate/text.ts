import { createHash } from 'node:crypto';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Code-unit order, as `Array.prototype.sort` uses by default: locale-independent, so output is too. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** A list field, or none when the facts (typed, but possibly built by hand) lack it. */
export const list = <T>(v: readonly T[] | undefined): readonly T[] => (Array.isArray(v) ? v : []);

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
