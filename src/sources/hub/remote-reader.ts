import type { ByteReader } from '../../types.js';
import type { HubClient } from './client.js';
import { HubError } from './errors.js';
import { formatHubRef } from './ref.js';
import type { HubRef } from './types.js';

/** How much of one remote file a reader may fetch, and in what pieces. */
export interface RemoteReadLimits {
  /** Most bytes fetched for this file; a read that would go past it sees the end of the data instead. */
  maxBytes: number;
  /** A file of at most this size is fetched whole, in one request, at its first read. */
  wholeBelow: number;
  /** Smallest request: a short read fetches this much forward, so the parser's next read is usually served already. */
  minFetch: number;
}

export const DEFAULT_REMOTE_READ_LIMITS: RemoteReadLimits = { maxBytes: 32 * 1024 * 1024, wholeBelow: 1024 * 1024, minFetch: 4096 };

/** Requests in flight at once for one reader (prefetch hints, reads with several holes). */
const CONCURRENCY = 6;

/** Bytes fetched from `start`; spans never overlap and are kept sorted by `start`. */
interface Span {
  start: number;
  bytes: Uint8Array;
}

/** A request under way for [start, end); `done` settles once its bytes are stored (or it failed). */
interface Flight {
  start: number;
  end: number;
  done: Promise<void>;
}

type Run = readonly [number, number];

const total = (runs: readonly Run[]): number => runs.reduce((n, [a, b]) => n + (b - a), 0);

/** Runs `work` on each item, `limit` at a time, until `stop` says so; waits for every request started, then throws the first failure. */
async function runPooled(items: readonly Run[], limit: number, work: (run: Run) => Promise<void> | undefined): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!failure && !stopped && next < items.length) {
      const started = work(items[next++]!);
      if (started === undefined) {
        stopped = true;
        return;
      }
      try {
        await started;
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

/**
 * A ByteReader over a file of a Hub repo at one commit, whose reads are HTTP Range requests.
 * What was fetched is kept and served again; only missing bytes are asked for, one request per
 * contiguous missing run. Past `maxBytes` fetched, a read that needs more is not fetched: the
 * reader answers with what it already has from that offset, as at the end of a truncated file,
 * and `capped` says where (parsers stop as they would at a truncation, the caller reports "not
 * fully analysed"). Memory is bounded by `maxBytes`. Hub failures propagate as HubErrors.
 */
export class RemoteFileReader implements ByteReader {
  readonly size: number;
  readonly path: string;
  readonly limits: RemoteReadLimits;
  #capped: { offset: number; wanted: number } | undefined;
  #fetched = 0;
  #requests = 0;
  /** Bytes asked for and not arrived yet: counted against the cap so concurrent reads cannot pass it. */
  #reserved = 0;
  readonly #spans: Span[] = [];
  readonly #flights: Flight[] = [];

  constructor(
    private readonly client: HubClient,
    private readonly ref: Pick<HubRef, 'repo' | 'repoType'>,
    private readonly commit: string,
    file: { path: string; size: number },
    limits: Partial<RemoteReadLimits> = {},
  ) {
    if (!Number.isSafeInteger(file.size) || file.size < 0) throw new RangeError(`invalid file size ${file.size}`);
    this.size = file.size;
    this.path = file.path;
    const merged = { ...DEFAULT_REMOTE_READ_LIMITS, ...limits };
    this.limits = {
      maxBytes: Math.max(0, Math.floor(merged.maxBytes)),
      wholeBelow: Math.max(0, Math.floor(merged.wholeBelow)),
      minFetch: Math.max(1, Math.floor(merged.minFetch)),
    };
  }

  /**
   * The lowest offset the cap kept from a parser (the first byte of a read it could not have: the
   * data "ends" there), with how many bytes that read still wanted; undefined while nothing was refused.
   */
  get capped(): { readonly offset: number; readonly wanted: number } | undefined {
    return this.#capped;
  }

  /** Bytes received for this file by this reader. */
  get fetchedBytes(): number {
    return this.#fetched;
  }

  /** Range requests this reader made (each may have taken several HTTP attempts). */
  get requests(): number {
    return this.#requests;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isFinite(offset) || !Number.isFinite(length) || offset < 0 || length <= 0 || offset >= this.size) return new Uint8Array(0);
    const start = Math.floor(offset);
    const end = Math.min(this.size, start + Math.floor(length));
    if (end <= start) return new Uint8Array(0);
    for (;;) {
      // Bytes another read is fetching are waited for, not fetched twice; if that fetch fails, this read tries itself.
      const waiting = this.#flights.filter((f) => f.start < end && f.end > start);
      if (waiting.length > 0) {
        await Promise.allSettled(waiting.map((f) => f.done));
        continue;
      }
      const missing = this.#gaps(start, end);
      if (missing.length === 0) return this.#assemble(start, end);
      const plan = this.#plan(start, end, missing);
      if (plan === undefined) {
        // Where the data stops for the parser: the first byte it asked for and could not have.
        const stop = missing[0]![0];
        if (this.#capped === undefined || stop < this.#capped.offset) this.#capped = { offset: stop, wanted: end - stop };
        return this.#contiguous(start, end);
      }
      await runPooled(plan, CONCURRENCY, (run) => this.#fetch(run));
    }
  }

  /**
   * Fetches the missing parts of ranges a parser will read next, `CONCURRENCY` requests at a time,
   * ranges closer than `minFetch` in one request. Stops at the cap without recording it: a hint
   * never decides what counts as refused.
   */
  async prefetch(ranges: ReadonlyArray<readonly [number, number]>): Promise<void> {
    if (this.size === 0) return;
    let wanted: Run[];
    if (this.#whole()) wanted = [[0, this.size]];
    else {
      const clipped = ranges
        .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
        .map(([a, b]): Run => [Math.max(0, Math.floor(a)), Math.min(this.size, Math.ceil(b))])
        .filter(([a, b]) => b > a)
        .sort((x, y) => x[0] - y[0]);
      wanted = [];
      for (const run of clipped) {
        const last = wanted.at(-1);
        if (last && run[0] - last[1] < this.limits.minFetch) wanted[wanted.length - 1] = [last[0], Math.max(last[1], run[1])];
        else wanted.push(run);
      }
    }
    const runs = wanted.flatMap(([a, b]) => this.#gaps(a, b));
    await runPooled(runs, CONCURRENCY, (run) => (this.#room() >= run[1] - run[0] ? this.#fetch(run) : undefined));
  }

  #room(): number {
    return this.limits.maxBytes - this.#fetched - this.#reserved;
  }

  #whole(): boolean {
    return this.size <= this.limits.wholeBelow && this.size <= this.limits.maxBytes;
  }

  /**
   * What to fetch for [start, end): the whole file when it is small, else the missing runs with
   * the last one stretched to `minFetch`; undefined when even the bare missing bytes pass the cap.
   */
  #plan(start: number, end: number, missing: Run[]): Run[] | undefined {
    const room = this.#room();
    if (this.#whole()) {
      const all = this.#gaps(0, this.size);
      if (total(all) <= room) return all;
    }
    const stretched = missing.map(([a, b]): Run => [a, Math.max(b, Math.min(a + this.limits.minFetch, this.#nextTaken(b), this.size))]);
    if (total(stretched) <= room) return stretched;
    return total(missing) <= room ? missing : undefined;
  }

  #fetch([start, end]: Run): Promise<void> {
    this.#reserved += end - start;
    this.#requests++;
    const flight: Flight = { start, end, done: Promise.resolve() };
    this.#flights.push(flight);
    flight.done = (async () => {
      try {
        const bytes = await this.client.readRange(this.ref, this.path, this.commit, start, end, { size: this.size });
        if (bytes.length !== end - start) {
          throw new HubError('bad-response', `${this.client.displayEndpoint} served ${bytes.length} of the ${end - start} bytes at offset ${start} of '${this.path}' in ${formatHubRef(this.ref)}, listed as ${this.size} bytes`);
        }
        this.#insert({ start, bytes });
        this.#fetched += bytes.length;
      } finally {
        this.#reserved -= end - start;
        this.#flights.splice(this.#flights.indexOf(flight), 1);
      }
    })();
    return flight.done;
  }

  /** Index of the first span that ends after `pos`. */
  #firstEndingAfter(pos: number): number {
    let lo = 0;
    let hi = this.#spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.#spans[mid]!;
      if (s.start + s.bytes.length <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #insert(span: Span): void {
    const at = this.#firstEndingAfter(span.start);
    this.#spans.splice(at, 0, span);
  }

  /** Where the next fetched or in-flight bytes at or after `pos` begin. */
  #nextTaken(pos: number): number {
    let next = Number.POSITIVE_INFINITY;
    const span = this.#spans[this.#firstEndingAfter(pos)];
    if (span) next = Math.max(pos, span.start);
    for (const f of this.#flights) if (f.end > pos) next = Math.min(next, Math.max(pos, f.start));
    return next;
  }

  /** Runs of [from, to) neither fetched nor being fetched. */
  #gaps(from: number, to: number): Run[] {
    const taken: Run[] = [];
    for (let i = this.#firstEndingAfter(from); i < this.#spans.length; i++) {
      const s = this.#spans[i]!;
      if (s.start >= to) break;
      taken.push([s.start, s.start + s.bytes.length]);
    }
    for (const f of this.#flights) if (f.start < to && f.end > from) taken.push([f.start, f.end]);
    taken.sort((a, b) => a[0] - b[0]);
    const gaps: Run[] = [];
    let pos = from;
    for (const [a, b] of taken) {
      if (a > pos) gaps.push([pos, Math.min(a, to)]);
      pos = Math.max(pos, b);
      if (pos >= to) break;
    }
    if (pos < to) gaps.push([pos, to]);
    return gaps;
  }

  /** The fetched bytes of [start, end), which must all be present. */
  #assemble(start: number, end: number): Uint8Array {
    const i = this.#firstEndingAfter(start);
    const first = this.#spans[i]!;
    if (first.start <= start && first.start + first.bytes.length >= end) return first.bytes.subarray(start - first.start, end - first.start);
    return this.#copy(i, start, end);
  }

  /** The fetched bytes from `start` up to the first missing byte (or `end`). */
  #contiguous(start: number, end: number): Uint8Array {
    const i = this.#firstEndingAfter(start);
    let reach = start;
    for (let j = i; j < this.#spans.length && reach < end; j++) {
      const s = this.#spans[j]!;
      if (s.start > reach) break;
      reach = s.start + s.bytes.length;
    }
    reach = Math.min(reach, end);
    return reach > start ? this.#assemble(start, reach) : new Uint8Array(0);
  }

  #copy(firstIndex: number, start: number, end: number): Uint8Array {
    const out = new Uint8Array(end - start);
    for (let j = firstIndex, pos = start; pos < end; j++) {
      const s = this.#spans[j]!;
      const from = pos - s.start;
      const take = Math.min(s.bytes.length - from, end - pos);
      out.set(s.bytes.subarray(from, from + take), pos - start);
      pos += take;
    }
    return out;
  }
}
