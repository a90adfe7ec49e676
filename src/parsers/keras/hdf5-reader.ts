/**
 * Reads what modelvet needs from an HDF5 file (root attributes, the link tree) with h5wasm, in a
 * worker thread with a time limit (see hdf5-worker-source.ts for why). One worker serves every
 * file in turn; it is replaced after a time-out, a wasm abort or any failure that may have left
 * the library's state corrupt, and it never keeps the process alive while idle.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HDF5_WORKER_SOURCE } from './hdf5-worker-source.js';

/** How long one file may take (open, read the root attributes, walk the links) before it counts as a hang. */
export const DEFAULT_HDF5_TIMEOUT_MS = 10_000;

/**
 * Process-wide reader settings. AnalyseOptions has no time limit to take this from; tests (and
 * an embedding tool) may lower it.
 */
export const HDF5_READER_SETTINGS = { timeoutMs: DEFAULT_HDF5_TIMEOUT_MS };

export type Hdf5AttributeValue =
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: string[] }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'array'; length: number }
  | { kind: 'none' }
  | { kind: string };

export type Hdf5ReadResult =
  | {
      ok: true;
      attributeNames: string[];
      attributes: Record<string, Hdf5AttributeValue>;
      objectCount: number;
      truncated: boolean;
      externalLinks: Array<{ at: string; file: string; target: string }>;
      diagnostics: string;
    }
  | { ok: false; error: string; diagnostics: string; timedOut?: boolean; fatal?: boolean };

export interface Hdf5ReadOptions {
  /** Root attributes to read (others are only listed). */
  attributes: string[];
  /** Largest attribute value read (bytes, or characters for variable-length strings). */
  maxAttrBytes: number;
  /** Most links walked. */
  maxObjects: number;
  timeoutMs?: number;
}

/** JS heap for the worker: an over-large attribute ends the worker, not the scan. */
const WORKER_HEAP_MB = 1024;

interface Pending {
  id: number;
  /** The worker serving it: a retired worker's late 'exit' must not end the next request. */
  worker: Worker;
  finish(result: Hdf5ReadResult, replace: boolean): void;
}

let worker: Worker | undefined;
/** The request the worker is serving (one at a time). */
let pending: Pending | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 0;

/**
 * Where h5wasm's node build is. import.meta.resolve where the runtime has it; otherwise (tests
 * run through a CommonJS transform) the package is looked up along node's search paths: its
 * exports map has no `require` condition, so require.resolve cannot name it.
 */
function h5wasmUrl(): string {
  const meta = import.meta as ImportMeta & { resolve?: (specifier: string) => string };
  if (typeof meta.resolve === 'function') {
    try {
      return meta.resolve('h5wasm/node');
    } catch {
      // fall through to the search below
    }
  }
  for (const dir of createRequire(import.meta.url).resolve.paths('h5wasm') ?? []) {
    const entry = join(dir, 'h5wasm', 'dist', 'node', 'hdf5_hl.js');
    if (existsSync(entry)) return pathToFileURL(entry).href;
  }
  throw new Error('the h5wasm package is not installed');
}

/**
 * Listeners are attached once per worker and answer the pending request only when it is this
 * worker's: a retired worker's late 'exit' must not end the next file's request.
 */
function spawn(): Worker {
  const w = new Worker(HDF5_WORKER_SOURCE, {
    eval: true,
    // Plain JavaScript: none of the parent's loader flags (tsx, --input-type=module) apply to it.
    execArgv: [],
    workerData: { h5wasmUrl: h5wasmUrl() },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  // The worker captures libhdf5's output itself (piping stdio through here would keep the
  // process alive after the last file: a worker's stdio streams hold its message port).
  w.on('message', (message: { id: number; result: Hdf5ReadResult }) => {
    if (pending?.worker === w && pending.id === message.id) pending.finish(message.result, message.result.ok ? false : message.result.fatal === true);
  });
  w.on('error', (err: Error) => {
    if (pending?.worker === w) pending.finish({ ok: false, error: `the HDF5 reader failed: ${err.message}`, diagnostics: '', fatal: true }, true);
  });
  w.on('exit', (code: number) => {
    if (worker === w) worker = undefined;
    if (pending?.worker === w) pending.finish({ ok: false, error: `the HDF5 reader stopped (exit code ${code})`, diagnostics: '', fatal: true }, true);
  });
  w.unref();
  return w;
}

function retire(w: Worker): void {
  if (worker === w) worker = undefined;
  void w.terminate().catch(() => undefined);
}

function request(path: string, options: Hdf5ReadOptions): Promise<Hdf5ReadResult> {
  let w: Worker;
  try {
    w = worker ??= spawn();
  } catch (err) {
    return Promise.resolve({ ok: false, error: `the HDF5 reader could not start: ${(err as Error).message}`, diagnostics: '', fatal: true });
  }
  const id = ++nextId;
  const timeoutMs = options.timeoutMs ?? HDF5_READER_SETTINGS.timeoutMs;
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => current.finish({ ok: false, error: `libhdf5 did not finish reading the file within ${timeoutMs} ms (it loops on some corrupted files)`, diagnostics: '', timedOut: true }, true),
      timeoutMs,
    );
    const current: Pending = {
      id,
      worker: w,
      finish(result, replace) {
        if (pending !== current) return;
        pending = undefined;
        clearTimeout(timer);
        if (replace) retire(w);
        else w.unref();
        resolve(result);
      },
    };
    pending = current;
    // Busy: keep the process alive until the answer (or the time-out) arrives.
    w.ref();
    w.postMessage({ id, path, attributes: options.attributes, maxAttrBytes: options.maxAttrBytes, maxObjects: options.maxObjects });
  });
}

/** Reads one HDF5 file; files are read one at a time. Never rejects. */
export function readHdf5(path: string, options: Hdf5ReadOptions): Promise<Hdf5ReadResult> {
  const run = queue.then(() => request(path, options));
  queue = run.catch(() => undefined);
  return run;
}

/** The innermost libhdf5 error from its captured error stack ("H5F__super_read(): file signature not found"). */
export function innermostHdf5Error(diagnostics: string): string | undefined {
  let last: string | undefined;
  for (const line of diagnostics.split('\n')) {
    if (line.length > 2000) continue;
    const m = /^\s*#\d+: .* in (\S+\(\)): (.*)$/.exec(line);
    if (m) last = `${m[1]}: ${m[2]}`;
  }
  return last?.slice(0, 300);
}
