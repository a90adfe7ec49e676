import type { InlineDataHook } from './inline.js';
import type { PickleBudgets } from './types.js';

/**
 * State shared by everything one top-level analysis runs: its streams, resync trials and nested
 * pickles. The opcode budget is shared so nesting cannot multiply it; the copyreg extension
 * registry is shared because CPython's is process-wide.
 */
export class EngineContext {
  opcodes = 0;
  readonly extRegistry = new Map<number, { module: string; name: string }>();

  readonly inlineClasses: ReadonlySet<string>;

  constructor(
    readonly budgets: PickleBudgets,
    readonly inline?: InlineDataHook,
  ) {
    this.inlineClasses = new Set(inline?.classes ?? []);
  }
}
