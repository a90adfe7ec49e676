/**
 * A stand-in fuzz target for testing the oracle itself: the input's name says how to misbehave,
 * so each failure kind is shown to be caught (a fuzzer whose oracle cannot fail proves nothing).
 */
import type { TargetResult } from '../target.js';

let kept: Uint8Array[] = [];

const ok = (format = 'test'): TargetResult => ({ format, findings: [{ ruleId: 'test/ok', message: 'fine' }] });

export async function run(_bytes: Uint8Array, name: string): Promise<TargetResult> {
  switch (name) {
    case 'throw':
      throw new RangeError('offset out of bounds');
    case 'rule-error':
      return { format: 'test', findings: [{ ruleId: 'engine/rule-error', message: 'rule test/broken failed on this artifact, so it was not fully checked: boom' }] };
    case 'hang':
      for (;;) {
        // a parser stuck in a loop
      }
    case 'async-hang':
      return new Promise(() => {});
    case 'heap': {
      const hoard: unknown[] = [];
      for (;;) hoard.push(new Array(1 << 20).fill(hoard.length));
    }
    case 'buffers':
      // kept alive past the run, as a parser's cache would be
      kept = Array.from({ length: 4 }, () => new Uint8Array(64 << 20));
      return ok();
    case 'pollute':
      (Object.prototype as Record<string, unknown>).polluted = 'modelvet';
      return ok();
    case 'abort':
      // fatal to the whole process, as V8's own aborts are: only a separate process survives it
      process.kill(process.pid, 'SIGABRT');
      return new Promise(() => {});
    case 'stray':
      void Promise.reject(new TypeError('a promise nobody awaited'));
      return ok();
    default:
      kept = [];
      return ok();
  }
}
