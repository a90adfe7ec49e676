/**
 * One long-running `git cat-file --batch` for all staged blobs: ask `<oid>\n`, read
 * `<oid> blob <size>\n<bytes>\n` (or `<oid> missing\n`). Git flushes after every object when not
 * given `--buffer`, so one request, one answer, in order.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { boundedStderr, firstLine, spawnGit } from './git-process.js';
import { PullReader } from './pull-reader.js';

/** What git said about a requested object before its bytes. */
export type BlobHeader = { kind: 'blob'; size: number } | { kind: 'unavailable'; reason: string };

/** Header lines are `<oid> <type> <size>`: a few dozen bytes, far below this. */
const MAX_HEADER = 512;

export class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: PullReader;
  private readonly stderr: () => string;
  private spawnError: Error | undefined;
  /** Set once the stream is out of step (a short read, a bad header): every later answer is refused. */
  private broken: string | undefined;
  private exited: Promise<void>;

  constructor(cwd: string) {
    this.child = spawnGit(['cat-file', '--batch'], cwd);
    this.stderr = boundedStderr(this.child);
    this.child.on('error', (err) => {
      this.spawnError = err;
    });
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.child.on('close', () => resolve()));
    this.reader = new PullReader(this.child.stdout[Symbol.asyncIterator]());
  }

  private failure(what: string): string {
    const why = this.spawnError?.message ?? (this.stderr() ? firstLine(this.stderr()) : undefined);
    return why ? `${what} (${why})` : what;
  }

  /**
   * Asks for one object and reads its header. After a `blob` header the caller must `body()` it before
   * asking for the next object.
   */
  async request(oid: string): Promise<BlobHeader> {
    if (this.broken) return { kind: 'unavailable', reason: this.broken };
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid)) return { kind: 'unavailable', reason: `not an object id: ${oid}` };
    this.child.stdin.write(`${oid}\n`);
    let header: string | undefined;
    try {
      header = await this.reader.line(MAX_HEADER);
    } catch (err) {
      return this.breakWith(`git cat-file answered out of step: ${(err as Error).message}`);
    }
    if (header === undefined) return this.breakWith(this.failure('git cat-file stopped'));
    const parts = header.split(' ');
    if (parts[0] !== oid) return this.breakWith(`git cat-file answered for ${parts[0]} when asked for ${oid}`);
    if (parts.length === 2) return { kind: 'unavailable', reason: `git has no object ${oid} (${parts[1]})` };
    const size = Number(parts[2]);
    if (parts.length !== 3 || !/^\d+$/.test(parts[2]) || !Number.isSafeInteger(size)) {
      return this.breakWith(`git cat-file gave an unreadable header: ${header.slice(0, 100)}`);
    }
    if (parts[1] !== 'blob') {
      // Its bytes follow all the same; skip them so the next answer lines up.
      const skipped = await this.body(size, () => undefined);
      return skipped ? { kind: 'unavailable', reason: `object ${oid} is a ${parts[1]}, not a file's content` } : { kind: 'unavailable', reason: this.broken ?? 'git cat-file stopped' };
    }
    return { kind: 'blob', size };
  }

  /** Streams the `size` bytes announced by the header into `sink`, then the `\n` after them. */
  async body(size: number, sink: (chunk: Buffer) => Promise<void> | void): Promise<boolean> {
    if (this.broken) return false;
    const whole = await this.reader.take(size, sink);
    if (!whole) {
      this.breakWith(this.failure('git cat-file stopped in the middle of an object'));
      return false;
    }
    let newline = '';
    const ended = await this.reader.take(1, (b) => {
      newline = b.toString('latin1');
    });
    if (!ended || newline !== '\n') {
      this.breakWith('git cat-file answered out of step: no newline after an object');
      return false;
    }
    return true;
  }

  private breakWith(reason: string): BlobHeader {
    this.broken ??= reason;
    return { kind: 'unavailable', reason: this.broken };
  }

  /** Ends the process: closes its input, then kills it if it has not gone within a moment. */
  async close(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      // A reader that stopped mid-object leaves bytes in the pipe: drain so git can exit.
      this.child.stdout.resume();
      await this.exited;
      clearTimeout(timer);
    }
  }
}
