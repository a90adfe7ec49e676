/**
 * The scan's worker threads. Each file is analysed (parsed, then its rules run) in a worker, so
 * that a parser stuck in a loop can be stopped when the file passes its time budget, and one that
 * exhausts memory takes down only its thread: the file is reported as not fully analysed and a
 * fresh thread takes the next one. The main thread keeps everything else (the walker, the
 * integrity pass, the result cache, ordering and the report).
 *
 * One pool serves every scan of the process (see sharedScanPool): a thread costs a module load
 * (about half a second built, more under tsx), which a process that scans often (a test suite,
 * an embedding tool) pays once. A scan opens a session: its configuration goes to each thread
 * once, and its files go out in batches (several small files per message), at most `jobs`
 * threads working for it at a time. Idle threads do not keep the process alive and retire after
 * a while.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/types.js';
import type { StagedFile } from '../git/staged.js';
import type { IntegrityStatus } from '../integrity/types.js';
import type { Rule } from '../rules/types.js';
import type { Anomaly, Finding, FormatId } from '../types.js';
import type { AnalyseOptions } from './format-handler.js';
import type { RunRulesOptions } from './run-rules.js';

/** Time a file may take to be analysed (parsed and checked) before its thread is stopped. */
export const DEFAULT_FILE_TIME_BUDGET_MS = 60_000;
/** Heap of one analysis thread; past it the thread dies and its file is reported. */
export const DEFAULT_WORKER_HEAP_MB = 512;

export const TIME_BUDGET_CODE = 'engine/time-budget';
/** A thread that died (out of memory, crashed) leaves its file unanalysed, as a parser failure would. */
export const PARSER_ERROR_CODE = 'engine/parser-error';


/**
 * Test-only behaviour (honoured only when NODE_ENV=test, read by the main thread when a scan
 * starts): the analysis of a file of this base name hangs in a synchronous loop, ends its thread,
 * or allocates until the heap limit. No real input reliably does these on every machine.
 */
export interface TestHooks {
  hang?: string;
  crash?: string;
  oom?: string;
}

export function testHooksFromEnv(env: NodeJS.ProcessEnv = process.env): TestHooks | undefined {
  if (env.NODE_ENV !== 'test') return undefined;
  const hooks: TestHooks = {};
  if (env.MODELVET_TEST_HANG_NAME) hooks.hang = env.MODELVET_TEST_HANG_NAME;
  if (env.MODELVET_TEST_CRASH_NAME) hooks.crash = env.MODELVET_TEST_CRASH_NAME;
  if (env.MODELVET_TEST_OOM_NAME) hooks.oom = env.MODELVET_TEST_OOM_NAME;
  return Object.keys(hooks).length ? hooks : undefined;
}

/** What a thread needs to analyse a scan's files: plain data, sent once per thread and scan. */
export interface SessionSetup {
  /** Rules are rebuilt from it: the built-ins plus `config.plugins` loaded from `config.baseDir`. */
  config: ResolvedConfig;
  analyseOptions: AnalyseOptions;
  /** `--staged`: siblings come from the staged tree (the work tree for files not staged). */
  staged?: { top: string; files: StagedFile[] };
  testHooks?: TestHooks;
}

export interface WorkerJob {
  id: number;
  absPath: string;
  displayPath: string;
  /** The file's path in the staged tree, when its siblings are the staged tree's. */
  stagedPath?: string;
  /**
   * The file's integrity status (set on the root before rules run): known when the job is sent,
   * or `'ask'` when it waits on a digest still being hashed; the thread asks once it has parsed.
   */
  integrity?: { status?: IntegrityStatus } | 'ask';
}

/** What became of one file. Findings cross threads as plain data; artifact trees do not. */
export type FileOutcome =
  | { kind: 'analysed'; format: FormatId; size: number; findings: Finding[] }
  /** The file could not be read, or a parser threw: what the in-thread scan reports for it. */
  | { kind: 'failed'; code?: string; message: string }
  /** The thread was stopped or died while on the file (time budget, memory, crash). */
  | { kind: 'unfinished'; anomaly: Anomaly };

export type ToWorker =
  | { type: 'session'; session: number; setup: SessionSetup }
  | { type: 'end'; session: number }
  | { type: 'batch'; session: number; jobs: WorkerJob[] }
  | { type: 'integrity'; id: number; status?: IntegrityStatus; error?: string };

export type FromWorker = { type: 'started'; id: number } | { type: 'ask'; id: number } | { type: 'done'; id: number; outcome: FileOutcome };

export interface PoolOptions {
  /** Heap limit of each thread (resourceLimits.maxOldGenerationSizeMb). */
  maxHeapMb?: number;
  /** An idle thread retires after this long. */
  idleMs?: number;
  /** Longest a thread may take to start and load a scan's rules before it counts as crashed. */
  setupMs?: number;
}

export interface SessionOptions {
  /** Threads working for this scan at most (files in flight). */
  jobs: number;
  /** 0: no budget. */
  fileTimeBudgetMs: number;
  /** The integrity status of a file whose job said `'ask'`. */
  askIntegrity(absPath: string): Promise<IntegrityStatus | undefined>;
}

/** Files at most this small go several to a message; bigger ones alone, so one slow file holds back no others. */
const BATCH_BYTES = 1024 * 1024;
const MAX_BATCH = 16;
/** A job whose thread died before it started is retried this often, then reported. */
const MAX_ATTEMPTS = 2;

interface QueuedJob {
  job: WorkerJob;
  size?: number;
  attempts: number;
  resolve(outcome: FileOutcome): void;
}

interface Batch {
  session: ScanSession;
  jobs: QueuedJob[];
  /** Index of the first job not done: the one the thread is on. */
  next: number;
  started: boolean;
  /** Time the current file has run before a pause (waiting for its integrity status). */
  spentMs: number;
  resumedAt: number;
}

interface Slot {
  worker: Worker;
  sessions: Set<number>;
  batch?: Batch;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  dead: boolean;
}

type Death = { kind: 'budget'; budgetMs: number } | { kind: 'oom' } | { kind: 'crash'; message: string } | { kind: 'setup' };

/** Seconds for a message: `60 s`, `0.25 s`. */
const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

function deathAnomaly(death: Death, maxHeapMb: number): Anomaly {
  switch (death.kind) {
    case 'budget':
      return { code: TIME_BUDGET_CODE, message: `not fully analysed: the analysis passed the ${seconds(death.budgetMs)} time budget and was stopped`, detail: { budgetMs: death.budgetMs } };
    case 'oom':
      return { code: PARSER_ERROR_CODE, message: `not fully analysed: the analysis ran out of memory (its thread may use ${maxHeapMb} MB)`, detail: { heapLimitMb: maxHeapMb } };
    case 'crash':
      return { code: PARSER_ERROR_CODE, message: `not fully analysed: the analysis thread crashed (${death.message})` };
    case 'setup':
      return { code: PARSER_ERROR_CODE, message: 'not fully analysed: the analysis thread did not start' };
  }
}

/** Under tsx (sources) the worker must register tsx before it can import a `.ts` module; built JS needs nothing. */
function startWorker(maxHeapMb: number): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!here.endsWith('.ts')) return new Worker(new URL('./scan-worker.js', here), { resourceLimits });
  // A worker's `--import tsx` (inherited execArgv) does not cover its entry module on Node 20,
  // and resolves `tsx` from the working directory: the bootstrap registers it by absolute URL.
  const tsx = tsxEsmApi(here);
  const entry = new URL('./scan-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => m.register()).then(() => import(${JSON.stringify(entry)}))`;
  return new Worker(bootstrap, { eval: true, resourceLimits, execArgv: withoutTsx(process.execArgv) });
}

/**
 * The URL of tsx's ESM register API. tsx may run this module as CommonJS (no import.meta.resolve)
 * and then `require.resolve` gives the CommonJS build, so the package's own exports map is read.
 */
function tsxEsmApi(from: string): string {
  const manifestPath = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const rel = manifest.exports?.['./esm/api']?.import?.default;
  if (!rel) throw new Error(`${manifestPath} exports no ./esm/api for import`);
  return pathToFileURL(join(dirname(manifestPath), rel)).href;
}

function withoutTsx(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (['--import', '--loader', '--require', '-r'].includes(arg) && /tsx/.test(argv[i + 1] ?? '')) i++;
    else if (!/^--(import|loader|require)=.*tsx/.test(arg)) out.push(arg);
  }
  return out;
}

/** A scan's share of the pool: its queue, its limit, its budget. */
export class ScanSession {
  readonly queue: QueuedJob[] = [];
  busy = 0;
  closed = false;

  constructor(
    private readonly pool: ScanWorkerPool,
    readonly id: number,
    readonly setup: SessionSetup,
    readonly options: SessionOptions,
  ) {}

  /** Analyses one file in a thread; never rejects (a thread's death is an outcome). `size` lets small files share a message. */
  run(job: Omit<WorkerJob, 'id'>, size?: number): Promise<FileOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'unfinished', anomaly: deathAnomaly({ kind: 'crash', message: 'the scan was closed' }, 0) });
    return new Promise((resolve) => {
      this.queue.push({ job: { ...job, id: this.pool.nextJobId() }, ...(size !== undefined ? { size } : {}), attempts: 0, resolve });
      this.pool.dispatch();
    });
  }

  /** Ends the session: threads forget its configuration. Jobs still queued are reported unfinished. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const queued of this.queue.splice(0)) queued.resolve({ kind: 'unfinished', anomaly: deathAnomaly({ kind: 'crash', message: 'the scan was closed' }, 0) });
    this.pool.endSession(this);
  }
}

export class ScanWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly sessions = new Map<number, ScanSession>();
  private readonly maxHeapMb: number;
  private readonly idleMs: number;
  private readonly setupMs: number;
  private sessionIds = 0;
  private jobIds = 0;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.maxHeapMb = options.maxHeapMb ?? DEFAULT_WORKER_HEAP_MB;
    this.idleMs = options.idleMs ?? 30_000;
    this.setupMs = options.setupMs ?? 60_000;
  }

  /** Threads alive now (busy or idle). */
  get threads(): number {
    return this.slots.length;
  }

  /** Threads started, batches sent and files finished (any outcome) since the pool began. */
  readonly stats = { threadsStarted: 0, batches: 0, files: 0 };

  openSession(setup: SessionSetup, options: SessionOptions): ScanSession {
    if (this.closed) throw new Error('the scan worker pool is closed');
    const session = new ScanSession(this, ++this.sessionIds, setup, { ...options, jobs: Math.max(1, Math.floor(options.jobs)) });
    this.sessions.set(session.id, session);
    return session;
  }

  nextJobId(): number {
    return ++this.jobIds;
  }

  endSession(session: ScanSession): void {
    this.sessions.delete(session.id);
    for (const slot of this.slots) {
      if (!slot.sessions.delete(session.id)) continue;
      slot.worker.postMessage({ type: 'end', session: session.id } satisfies ToWorker);
    }
    this.dispatch();
  }

  /** Stops every thread; sessions still open get their queued files reported unfinished. */
  async close(): Promise<void> {
    this.closed = true;
    for (const session of [...this.sessions.values()]) session.close();
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.dead = true;
      this.clearTimers(slot);
      if (slot.batch) for (const queued of slot.batch.jobs.slice(slot.batch.next)) queued.resolve({ kind: 'unfinished', anomaly: deathAnomaly({ kind: 'crash', message: 'the pool was closed' }, this.maxHeapMb) });
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Hands queued files to idle threads, starting threads up to the largest limit among sessions with work. */
  dispatch(): void {
    if (this.closed) return;
    for (let progress = true; progress; ) {
      progress = false;
      for (const session of this.sessions.values()) {
        if (session.queue.length === 0 || session.busy >= session.options.jobs) continue;
        let slot = this.idleSlot(session);
        if (!slot && this.slots.length < this.capacity()) {
          try {
            slot = this.spawn();
          } catch (err) {
            // No thread can start (a broken install): with none running, every file waiting is reported now, not never.
            if (this.slots.length > 0) return;
            const anomaly = deathAnomaly({ kind: 'crash', message: `it could not start: ${(err as Error).message}` }, this.maxHeapMb);
            for (const queued of session.queue.splice(0)) queued.resolve({ kind: 'unfinished', anomaly });
            continue;
          }
        }
        if (!slot) return;
        this.send(slot, session);
        progress = true;
      }
    }
  }

  /**
   * Starts one thread now, so its start-up (a few hundred ms) overlaps the caller's own work
   * (loading the config, walking the folders); it then idles and retires like any other.
   */
  prewarm(): void {
    if (this.closed || this.slots.length > 0) return;
    let slot: Slot;
    try {
      slot = this.spawn();
    } catch {
      return; // dispatch reports a thread that cannot start, with the files it could not analyse
    }
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => this.retire(slot), this.idleMs);
    slot.idleTimer.unref();
  }

  private capacity(): number {
    let most = 0;
    for (const s of this.sessions.values()) if (s.queue.length > 0 || s.busy > 0) most = Math.max(most, s.options.jobs);
    return most;
  }

  private idleSlot(session: ScanSession): Slot | undefined {
    const idle = this.slots.filter((s) => !s.batch && !s.dead);
    return idle.find((s) => s.sessions.has(session.id)) ?? idle[0];
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(this.maxHeapMb), sessions: new Set(), dead: false };
    this.stats.threadsStarted++;
    slot.worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    slot.worker.on('error', (err: Error & { code?: string }) => this.onDeath(slot, err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'oom' } : { kind: 'crash', message: err.message.split('\n')[0]! }));
    slot.worker.on('exit', (code) => this.onDeath(slot, { kind: 'crash', message: `the thread exited with code ${code}` }));
    this.slots.push(slot);
    return slot;
  }

  /** Several small files, or one big one; never more than a fair share of the queue, so other threads get work. */
  private takeBatch(session: ScanSession): QueuedJob[] {
    const fair = Math.max(1, Math.min(MAX_BATCH, Math.floor(session.queue.length / session.options.jobs)));
    const batch = [session.queue.shift()!];
    let bytes = batch[0]!.size ?? Infinity;
    while (batch.length < fair && bytes <= BATCH_BYTES) {
      const next = session.queue[0]!;
      if (next.size === undefined || bytes + next.size > BATCH_BYTES) break;
      bytes += next.size;
      batch.push(session.queue.shift()!);
    }
    return batch;
  }

  private send(slot: Slot, session: ScanSession): void {
    const jobs = this.takeBatch(session);
    this.stats.batches++;
    session.busy++;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    if (!slot.sessions.has(session.id)) {
      slot.worker.postMessage({ type: 'session', session: session.id, setup: session.setup } satisfies ToWorker);
      slot.sessions.add(session.id);
    }
    slot.worker.postMessage({ type: 'batch', session: session.id, jobs: jobs.map((j) => j.job) } satisfies ToWorker);
    slot.batch = { session, jobs, next: 0, started: false, spentMs: 0, resumedAt: 0 };
    // A busy thread keeps the process alive; an idle one must not.
    slot.worker.ref();
    this.arm(slot, this.setupMs, { kind: 'setup' });
  }

  private arm(slot: Slot, ms: number, death: Death): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.onDeath(slot, death), Math.max(0, ms));
    slot.timer.unref();
  }

  private clearTimers(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.timer = slot.idleTimer = undefined;
  }

  private current(slot: Slot, id: number): QueuedJob | undefined {
    const queued = slot.batch?.jobs[slot.batch.next];
    return queued?.job.id === id ? queued : undefined;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    if (slot.dead) return;
    const batch = slot.batch;
    const queued = this.current(slot, msg.id);
    if (!batch || !queued) return;
    const budgetMs = batch.session.options.fileTimeBudgetMs;
    switch (msg.type) {
      case 'started':
        batch.started = true;
        batch.spentMs = 0;
        batch.resumedAt = Date.now();
        this.resumeBudget(slot, budgetMs);
        return;
      case 'ask': {
        // Waiting for a digest is not analysis: the budget pauses.
        batch.spentMs += Date.now() - batch.resumedAt;
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = undefined;
        batch.session.options.askIntegrity(queued.job.absPath).then(
          (status) => this.reply(slot, queued, { type: 'integrity', id: msg.id, ...(status ? { status } : {}) }),
          (err: unknown) => this.reply(slot, queued, { type: 'integrity', id: msg.id, error: (err as Error)?.message ?? String(err) }),
        );
        return;
      }
      case 'done':
        this.stats.files++;
        queued.resolve(msg.outcome);
        batch.next++;
        batch.started = false;
        if (batch.next < batch.jobs.length) {
          this.arm(slot, this.setupMs, { kind: 'setup' });
          return;
        }
        this.finishBatch(slot);
        this.dispatch();
        return;
    }
  }

  private resumeBudget(slot: Slot, budgetMs: number): void {
    if (budgetMs > 0) this.arm(slot, budgetMs - slot.batch!.spentMs, { kind: 'budget', budgetMs });
    else if (slot.timer) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
  }

  private reply(slot: Slot, queued: QueuedJob, msg: ToWorker): void {
    if (slot.dead || this.current(slot, queued.job.id) !== queued) return;
    slot.batch!.resumedAt = Date.now();
    this.resumeBudget(slot, slot.batch!.session.options.fileTimeBudgetMs);
    slot.worker.postMessage(msg);
  }

  private finishBatch(slot: Slot): void {
    const batch = slot.batch!;
    slot.batch = undefined;
    batch.session.busy--;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => this.retire(slot), this.idleMs);
    slot.idleTimer.unref();
  }

  private retire(slot: Slot): void {
    if (slot.batch || slot.dead) return;
    slot.dead = true;
    this.clearTimers(slot);
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
  }

  /**
   * A thread that passed the budget, ran out of memory or crashed is gone: the file it was on is
   * reported (its own outcome), files of its batch not yet begun go back to the front of the
   * queue, and a new thread is started when one is needed.
   */
  private onDeath(slot: Slot, death: Death): void {
    if (slot.dead) return;
    slot.dead = true;
    this.clearTimers(slot);
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    const batch = slot.batch;
    slot.batch = undefined;
    if (batch) {
      batch.session.busy--;
      const rest = batch.jobs.slice(batch.next);
      const current = rest.shift();
      if (current) {
        // A thread that died before it began the file (while starting) says nothing about the file.
        if (batch.started) {
          this.stats.files++;
          current.resolve({ kind: 'unfinished', anomaly: deathAnomaly(death, this.maxHeapMb) });
        }
        else if (++current.attempts >= MAX_ATTEMPTS) current.resolve({ kind: 'unfinished', anomaly: deathAnomaly(death.kind === 'crash' ? death : { kind: 'setup' }, this.maxHeapMb) });
        else rest.unshift(current);
      }
      if (batch.session.closed) for (const queued of rest) queued.resolve({ kind: 'unfinished', anomaly: deathAnomaly({ kind: 'crash', message: 'the scan was closed' }, 0) });
      else batch.session.queue.unshift(...rest);
    }
    this.dispatch();
  }
}

let shared: ScanWorkerPool | undefined;

/** The process's pool, started on first use. */
export function sharedScanPool(): ScanWorkerPool {
  shared ??= new ScanWorkerPool();
  return shared;
}

/** Stops the shared pool's threads (an embedding tool that is done scanning; idle threads otherwise retire on their own). */
export async function closeSharedScanPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
