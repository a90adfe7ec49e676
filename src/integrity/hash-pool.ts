import { createHash } from 'node:crypto';
import { constants, open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HASH_WORKER_SOURCE } from './hash-worker.js';

export type HashAlgorithm = 'sha256' | 'git-sha1';

export interface FileDigest {
  /** Bytes read (the file's size when it was hashed). */
  size: number;
  sha256?: string;
  /** Git blob id: `sha1("blob <size>\0" + content)`. */
  gitSha1?: string;
}

/** A file that could not be hashed; `code` is the errno (ENOENT, EACCES) or ENOTFILE / ECHANGED. */
export class HashError extends Error {
  override name = 'HashError';
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface HashPoolOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  threads?: number;
  /** Read size per chunk; 1–8 MiB measured within noise of each other on SHA-NI hardware (BENCHMARKS.md), 4 MiB is the default. */
  chunkBytes?: number;
  /** Bytes hashed since the last call, across all threads (for a progress bar). */
  onBytes?: (bytes: number) => void;
}

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** Files this small cost less to hash here than to hand to a thread. */
const INLINE_MAX_BYTES = 64 * 1024;

interface Job {
  id: number;
  path: string;
  algorithms: HashAlgorithm[];
  resolve(d: FileDigest): void;
  reject(e: Error): void;
}

type WorkerReply =
  | { id: number; progress: number }
  | { id: number; size: number; sha256?: string; gitSha1?: string }
  | { id: number; error: string; code?: string };

interface Slot {
  worker: Worker;
  job?: Job;
}

async function hashInline(path: string, algorithms: readonly HashAlgorithm[], size: number): Promise<FileDigest> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const sha256 = algorithms.includes('sha256') ? createHash('sha256') : undefined;
    const sha1 = algorithms.includes('git-sha1') ? createHash('sha1') : undefined;
    sha1?.update(`blob ${st.size}\0`);
    const buf = Buffer.allocUnsafe(Math.max(1, size + 1));
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      sha256?.update(chunk);
      sha1?.update(chunk);
      position += bytesRead;
    }
    if (sha1 && position !== st.size) throw Object.assign(new Error('the file changed size while it was read'), { code: 'ECHANGED' });
    return { size: position, ...(sha256 ? { sha256: sha256.digest('hex') } : {}), ...(sha1 ? { gitSha1: sha1.digest('hex') } : {}) };
  } finally {
    await handle.close();
  }
}

/**
 * SHA-256 (and git blob SHA-1) of many files at once: one worker thread per core, each streaming
 * one file at a time in large chunks through a reused buffer. Jobs wait in a queue of small
 * records; threads start on demand, so a pool that is never used costs nothing.
 */
export class HashPool {
  private readonly threads: number;
  private readonly chunkBytes: number;
  private readonly onBytes?: (bytes: number) => void;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: HashPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.chunkBytes = Math.max(64 * 1024, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.onBytes = options.onBytes;
  }

  /** Hashes one file; `sizeHint` (from a stat the caller already made) lets tiny files skip the threads. */
  async hash(path: string, algorithms: readonly HashAlgorithm[] = ['sha256'], sizeHint?: number): Promise<FileDigest> {
    if (this.closed) throw new Error('the hash pool is closed');
    if (sizeHint !== undefined && sizeHint <= INLINE_MAX_BYTES) {
      try {
        const digest = await hashInline(path, algorithms, sizeHint);
        this.onBytes?.(digest.size);
        return digest;
      } catch (err) {
        throw asHashError(err, path);
      }
    }
    return new Promise<FileDigest>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, path, algorithms: [...algorithms], resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the threads; jobs still queued are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new HashError('the hash pool was closed', job.path));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (!slot) {
        if (this.slots.length >= this.threads) return;
        slot = this.spawn();
      }
      const job = this.queue.shift()!;
      slot.job = job;
      // A busy thread keeps the process alive; an idle one must not (a pool left open would hang exit).
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, path: job.path, algorithms: job.algorithms });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(HASH_WORKER_SOURCE, { eval: true, workerData: { chunkBytes: this.chunkBytes } });
    const slot: Slot = { worker };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.onCrash(slot, new Error(`hashing thread exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    if (!job || reply.id !== job.id) return;
    if ('progress' in reply) {
      this.onBytes?.(reply.progress);
      return;
    }
    slot.job = undefined;
    slot.worker.unref();
    if ('error' in reply) job.reject(new HashError(`${reply.code ? `${reply.code}: ` : ''}${reply.error}`, job.path, reply.code));
    else job.resolve({ size: reply.size, ...(reply.sha256 ? { sha256: reply.sha256 } : {}), ...(reply.gitSha1 ? { gitSha1: reply.gitSha1 } : {}) });
    this.dispatch();
  }

  /** A thread that dies fails its job, not the others: it is replaced on the next dispatch. */
  private onCrash(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.job?.reject(new HashError(err.message, slot.job.path));
    slot.job = undefined;
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

function asHashError(err: unknown, path: string): HashError {
  if (err instanceof HashError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new HashError(`${code ? `${code}: ` : ''}${(err as Error).message ?? String(err)}`, path, code);
}

export interface HashRequest {
  path: string;
  algorithms?: readonly HashAlgorithm[];
  size?: number;
}

/**
 * Hashes a list of files through one pool and closes it. Each result is the digest or the error
 * for that file, in input order; one unreadable file never stops the others.
 */
export async function hashFiles(requests: readonly HashRequest[], options: HashPoolOptions = {}): Promise<Array<FileDigest | HashError>> {
  if (requests.length === 0) return [];
  const pool = new HashPool(options);
  try {
    return await Promise.all(requests.map((r) => pool.hash(r.path, r.algorithms ?? ['sha256'], r.size).catch((err: unknown) => asHashError(err, r.path))));
  } finally {
    await pool.close();
  }
}
