/**
 * Runs inputs through the oracle, one at a time, and keeps the time. The oracle is a worker
 * thread with a heap cap (`resourceLimits.maxOldGenerationSizeMb`), hosted in a child process
 * (host.ts) so that a failure fatal to a whole V8 process ends the child, not the fuzzer. A run
 * past the per-file budget kills the host (and its worker); so does a heap past the cap, a crash
 * or a changed prototype. The next input gets a fresh one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OracleConfig, OracleMessage, OracleRequest } from './oracle-worker.js';
import type { Outcome } from './types.js';

export interface RunnerOptions {
  /** Per-input wall-clock budget. */
  budgetMs: number;
  /** The worker's old-generation heap cap, and the ArrayBuffer cap the worker checks. */
  memoryMb: number;
  /** The parsers' own wall-clock limits inside the worker (h5wasm, tree-sitter), kept below the budget. */
  innerTimeoutMs: number;
  /** The target module's URL (test targets in tests); modelvet's engine by default. */
  target?: string;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = { budgetMs: 5_000, memoryMb: 512, innerTimeoutMs: 2_000 };

/** Time a host may take to load the target before the harness itself is considered broken. */
const START_TIMEOUT_MS = 120_000;
const STDERR_KEPT = 8192;

type HostMessage = OracleMessage | { type: 'worker-error'; code?: string; name: string; message: string; stack?: string };

const sourceUrl = (file: string): string =>
  // Built or copied as JavaScript, the files sit side by side as .js.
  new URL(`./${file}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** What a dead host's stderr says: V8's fatal out-of-memory reports are memory failures. */
const diedOfMemory = (stderr: string): boolean => /out of memory|heap limit|Allocation failed/i.test(stderr);

export class OracleRunner {
  private host: ChildProcess | undefined;
  private starting: Promise<ChildProcess> | undefined;
  private seq = 0;
  private stderr = '';
  /** Hosts started, including replacements. */
  starts = 0;

  constructor(readonly options: RunnerOptions = DEFAULT_RUNNER_OPTIONS) {}

  private spawn(): Promise<ChildProcess> {
    const config: OracleConfig = {
      entry: sourceUrl('oracle-worker'),
      target: this.options.target ?? sourceUrl('engine-target'),
      memoryMb: this.options.memoryMb,
      innerTimeoutMs: this.options.innerTimeoutMs,
    };
    this.starts++;
    this.stderr = '';
    // The boot file registers tsx itself; an inherited --import would load it twice.
    const host = fork(fileURLToPath(new URL('./worker-boot.mjs', import.meta.url)), [sourceUrl('host'), JSON.stringify(config)], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    host.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT)));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`the oracle did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        host.kill('SIGKILL');
        reject(new Error(`the oracle failed to start: ${err.message}\n${this.stderr}`));
      };
      host.once('error', fail);
      host.once('exit', (code, signal) => fail(new Error(`exit ${signal ?? code}`)));
      host.once('message', (m: HostMessage) => {
        if (m.type !== 'ready') return fail(new Error(m.type === 'worker-error' ? m.message : `unexpected first message ${m.type}`));
        clearTimeout(timer);
        host.removeAllListeners('error');
        host.removeAllListeners('exit');
        // Between inputs nobody listens: an error must not crash the harness, and a host that
        // died idle is replaced before the next input instead of timing it out.
        host.on('error', () => {});
        host.once('exit', () => {
          if (this.host === host) this.host = undefined;
        });
        resolve(host);
      });
    });
  }

  /** Starts the host now (so its start-up is not charged to the first input). */
  async ready(): Promise<void> {
    if (this.host) return;
    this.starting ??= this.spawn();
    try {
      this.host = await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private discard(host: ChildProcess): void {
    if (this.host === host) this.host = undefined;
    host.kill('SIGKILL');
  }

  async run(name: string, bytes: Uint8Array): Promise<Outcome> {
    await this.ready();
    const host = this.host!;
    const id = ++this.seq;
    const { budgetMs, memoryMb } = this.options;
    return new Promise<Outcome>((resolve) => {
      const started = performance.now();
      let settled = false;
      const finish = (outcome: Outcome, discard: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        host.off('message', onMessage);
        host.off('exit', onExit);
        if (discard) this.discard(host);
        resolve(outcome);
      };
      const ms = () => performance.now() - started;
      const onMessage = (m: HostMessage) => {
        if (m.type === 'result' && m.id === id) finish(m.outcome, m.recycle);
        if (m.type === 'worker-error') {
          const memory = m.code === 'ERR_WORKER_OUT_OF_MEMORY';
          finish({ ok: false, kind: memory ? 'memory' : 'crash', message: memory ? `the heap passed the ${memoryMb} MB cap` : `${m.name}: ${m.message}`, ...(m.stack && !memory ? { stack: m.stack } : {}), ms: ms() }, true);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        // stderr may still be draining: give it a moment so a fatal report is read whole
        setTimeout(() => {
          const tail = this.stderr.trim().split('\n').filter((l) => !/^\s*\d+: 0x/.test(l)).slice(-6).join('\n');
          const memory = diedOfMemory(this.stderr);
          finish({ ok: false, kind: memory ? 'memory' : 'crash', message: `the process analysing it died (${signal ?? `exit ${code}`})${memory ? ' out of memory' : ''}: ${tail}`, ms: ms() }, true);
        }, 50);
      };
      const timer = setTimeout(() => finish({ ok: false, kind: 'timeout', message: `the analysis ran past the ${budgetMs} ms budget`, ms: ms() }, true), budgetMs);
      host.on('message', onMessage);
      host.on('exit', onExit);
      host.send({ id, name, bytes } satisfies OracleRequest);
    });
  }

  /**
   * Runs an input; a time-out is confirmed by a second run in a fresh worker, so a machine busy
   * with other work does not turn a slow-but-bounded analysis into a failure. `unconfirmed` tells
   * the caller the first run timed out and the second did not.
   */
  async runConfirmed(name: string, bytes: Uint8Array): Promise<Outcome & { unconfirmed?: boolean }> {
    const first = await this.run(name, bytes);
    if (first.ok || first.kind !== 'timeout') return first;
    const second = await this.run(name, bytes);
    return second.ok || second.kind !== 'timeout' ? { ...second, unconfirmed: true } : second;
  }

  async close(): Promise<void> {
    const host = this.host ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    this.host = undefined;
    if (host && host.exitCode === null && host.signalCode === null) {
      const gone = new Promise((r) => host.once('exit', r));
      host.kill('SIGKILL');
      await gone;
    }
  }
}
