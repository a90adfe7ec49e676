import type { Report } from '../types.js';

/**
 * Evidence carries values parsers read from files; a 64-bit integer past 2^53 stays exact as a
 * BigInt, which JSON cannot hold: it is written as its decimal string.
 */
export const jsonSafe = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, jsonSafe, 2)}\n`;
}
