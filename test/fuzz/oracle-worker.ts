/**
 * The oracle, in a worker thread with a heap cap: runs the target on each input it is sent and
 * answers with an outcome. An exception, a rule that failed (`engine/rule-error`), ArrayBuffer
 * memory past the cap (the heap cap itself ends the worker, which the runner sees), or a changed
 * built-in prototype is a failure. Time is kept by the runner, which terminates a worker that
 * runs past the budget.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TargetModule } from './target.js';
import type { Outcome } from './types.js';

export interface OracleConfig {
  entry: string;
  /** URL of the target module. */
  target: string;
  memoryMb: number;
  innerTimeoutMs: number;
}

export interface OracleRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
}

export type OracleMessage = { type: 'ready' } | { type: 'result'; id: number; outcome: Outcome; recycle: boolean };

const config = workerData as OracleConfig;
const port = parentPort!;

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype], ['Array.prototype', Array.prototype], ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype], ['Number.prototype', Number.prototype], ['Promise.prototype', Promise.prototype],
  ['Map.prototype', Map.prototype], ['Uint8Array.prototype', Uint8Array.prototype],
];

type Snapshot = Array<Map<string | symbol, PropertyDescriptor>>;
const snapshot = (): Snapshot => PROTOTYPES.map(([, p]) => new Map(Reflect.ownKeys(p).map((k) => [k, Reflect.getOwnPropertyDescriptor(p, k)!])));
const sameDescriptor = (a: PropertyDescriptor, b: PropertyDescriptor) => a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable;

/** What changed on the built-in prototypes since the baseline; the changes are undone so the report is about this input only. */
function pollution(base: Snapshot): string[] {
  const found: string[] = [];
  PROTOTYPES.forEach(([label, proto], i) => {
    const before = base[i]!;
    for (const key of Reflect.ownKeys(proto)) {
      const was = before.get(key);
      const now = Reflect.getOwnPropertyDescriptor(proto, key)!;
      if (!was) {
        found.push(`${label}.${String(key)} added`);
        Reflect.deleteProperty(proto, key);
      } else if (!sameDescriptor(was, now)) {
        found.push(`${label}.${String(key)} changed`);
        Reflect.defineProperty(proto, key, was);
      }
    }
    for (const [key, was] of before) {
      if (!Reflect.getOwnPropertyDescriptor(proto, key)) {
        found.push(`${label}.${String(key)} removed`);
        Reflect.defineProperty(proto, key, was);
      }
    }
  });
  return found;
}

const target = (await import(config.target)) as TargetModule;
await target.setup?.({ innerTimeoutMs: config.innerTimeoutMs });
// After the target's modules loaded: their own (legitimate) start-up is the baseline.
const baseline = snapshot();
const capBytes = config.memoryMb * 1024 * 1024;

let current: number | undefined;
let peakBuffers = 0;
setInterval(() => {
  if (current !== undefined) peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
}, 20);

const errorOutcome = (kind: 'exception', err: unknown, ms: number): Outcome => {
  const e = err instanceof Error ? err : new Error(String(err));
  return { ok: false, kind, message: `${e.name}: ${e.message}`, ...(e.stack ? { stack: e.stack } : {}), ms };
};

/** An error thrown outside the awaited chain (a stray promise, a callback) still belongs to the input being analysed. */
let stray: unknown;
process.on('unhandledRejection', (err) => (stray ??= err));
process.on('uncaughtException', (err) => (stray ??= err));

port.on('message', async (req: OracleRequest) => {
  current = req.id;
  peakBuffers = 0;
  stray = undefined;
  const started = performance.now();
  let outcome: Outcome;
  try {
    const result = await target.run(req.bytes, req.name);
    // let stray rejections of this input surface before judging it
    await new Promise((r) => setImmediate(r));
    const ms = performance.now() - started;
    const ruleErrors = result.findings.filter((f) => f.ruleId === 'engine/rule-error');
    peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
    if (stray !== undefined) outcome = errorOutcome('exception', stray, ms);
    else if (ruleErrors.length > 0) outcome = { ok: false, kind: 'rule-error', message: ruleErrors.map((f) => f.message).join('\n'), ms };
    else if (peakBuffers > capBytes) outcome = { ok: false, kind: 'memory', message: `ArrayBuffers reached ${Math.round(peakBuffers / 2 ** 20)} MB (cap ${config.memoryMb} MB)`, ms };
    else outcome = { ok: true, ms, format: result.format, heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) };
  } catch (err) {
    outcome = errorOutcome('exception', err, performance.now() - started);
  }
  const polluted = pollution(baseline);
  if (polluted.length > 0) outcome = { ok: false, kind: 'prototype-pollution', message: polluted.join(', '), ms: outcome.ms };
  current = undefined;
  // A worker that changed a prototype or holds too much memory is not trusted with the next input.
  port.postMessage({ type: 'result', id: req.id, outcome, recycle: polluted.length > 0 || (!outcome.ok && outcome.kind === 'memory') } satisfies OracleMessage);
});

port.postMessage({ type: 'ready' } satisfies OracleMessage);
