import type { PickleBudgets } from './types.js';

/**
 * Limits that keep a hostile pickle from exhausting the scanner. Real checkpoints stay far below
 * them (a large language model's data.pkl has a few hundred thousand opcodes); crossing one stops
 * analysis with `pickle/budget-exceeded`, which fails closed.
 */
export const DEFAULT_PICKLE_BUDGETS: Readonly<PickleBudgets> = Object.freeze({
  maxOpcodes: 10_000_000,
  maxMemo: 1_000_000,
  maxStackDepth: 1_000_000,
  maxNesting: 4,
  maxStreams: 64,
  maxResyncBytes: 16 * 1024 * 1024,
  maxRecords: 100_000,
});

export function resolveBudgets(partial?: Partial<PickleBudgets>): PickleBudgets {
  const out: PickleBudgets = { ...DEFAULT_PICKLE_BUDGETS };
  if (partial) {
    for (const [key, value] of Object.entries(partial) as Array<[keyof PickleBudgets, number | undefined]>) {
      // A missing or nonsensical override keeps the default rather than disabling the limit.
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[key] = value;
    }
  }
  return out;
}
