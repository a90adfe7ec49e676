import { byString } from '../validate/text.js';
import type { CdxProperty } from './types.js';

/** Properties sorted by name, then value (CycloneDX allows repeated names): the order is part of the output. */
export function sortedProperties(properties: readonly CdxProperty[]): CdxProperty[] | undefined {
  if (!properties.length) return undefined;
  return [...properties].sort((a, b) => byString(a.name, b.name) || byString(a.value ?? '', b.value ?? ''));
}

/**
 * `cdx:ai-ml:model:parameter:count` is written the way the taxonomy asks: a number and M, B or T
 * (`124M`, `8.03B`), three significant digits. The exact count goes in `modelvet:parameter-count`.
 */
export function parameterCountLabel(count: number): string {
  const units: Array<[string, number]> = [['M', 1e6], ['B', 1e9], ['T', 1e12]];
  let i = 0;
  // Rounding can carry into the next unit (999,999,999 is 1B, not 1000M).
  while (i < units.length - 1 && Number((count / units[i]![1]).toPrecision(3)) >= 1000) i++;
  const [unit, scale] = units[i]!;
  return `${Number((count / scale).toPrecision(3))}${unit}`;
}
