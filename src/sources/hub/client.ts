import {
  datasetInfo,
  downloadFile,
  HubApiError,
  InvalidApiResponseFormatError,
  listFiles,
  modelInfo,
  spaceInfo,
  type ListFileEntry,
} from '@huggingface/hub';
import { HubError, registerSecret, serverText } from './errors.js';
import { createHubFetch, networkReason, TransferStats } from './fetch.js';
import { formatHubRef, repoDesignation } from './ref.js';
import { backoffMs, DEFAULT_RETRY, serverWaitMs } from './retry.js';
import type { HubClientOptions, HubRef, HubRepoDetails, HubSecurityStatus, JsonObject, JsonValue, RetryPolicy } from './types.js';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

type RepoRef = Pick<HubRef, 'repo' | 'repoType'>;

/** What a call was about, so a failure can be told in the user's terms. */
export interface CallContext {
  ref: RepoRef;
  revision?: string;
  path?: string;
  what: 'info' | 'tree' | 'file';
}

/** The parameters every `@huggingface/hub` call takes, configured once. */
export interface LibraryParams {
  hubUrl: string;
  fetch: typeof fetch;
  accessToken?: string;
}

export interface RepoInfo {
  sha: string;
  private?: boolean;
  gated?: false | 'auto' | 'manual';
}

interface HttpFailure {
  kind: 'http';
  status: number;
  headers: Headers;
}

type Failure = HttpFailure | { kind: 'network'; error: HubError };

interface Tracker {
  params: LibraryParams;
  failure: () => Failure | undefined;
}

/** The endpoint as shown to people: no credentials, no trailing slash. */
function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    url.username = '';
    url.password = '';
    // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
    return url.href.replace(/(?<!\/)\/+$/, '');
  } catch {
    return '<invalid endpoint>';
  }
}

function normaliseEndpoint(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new HubError('bad-endpoint', `invalid Hub endpoint '${raw}': expected an http(s) URL such as ${DEFAULT_ENDPOINT}`);
  }
  // The library joins paths by concatenation: a trailing slash would give `//api/...`.
  // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
  return url.href.replace(/(?<!\/)\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function isAbort(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'TimeoutError' || err.message === 'terminated' ||
    (err.cause instanceof Error && isAbort(err.cause));
}

/** Options of `HubClient.readRange`. */
export interface ReadRangeOptions {
  /** The file's size from the listing: a response giving another total is refused. */
  size?: number;
}

/** Largest repo document read (a full model document lists every file: ~5 MB for 100 000 files). */
const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

/** Caps on what a repo document may hold; past them a field is cut short and named in `invalidFields`. */
const LIMITS = { text: 256, tags: 1_000, filesWithIssues: 10_000, level: 64, path: 4096 } as const;
const JSON_LIMITS = { depth: 32, nodes: 100_000, items: 5_000, keys: 5_000, string: 64 * 1024, key: 1024 } as const;

const COMMIT = /^[0-9a-f]{40}$/;
// C0 and C1 controls: server text that reaches a terminal carries none.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A short single-line string from the server, or undefined (not a string, empty, too long, or with control characters). */
export function cleanText(value: unknown, max: number = LIMITS.text): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || CONTROL.test(value)) return undefined;
  return value;
}

/** Drops a response body without reading it. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/**
 * Reads a body into a buffer of at most `n` bytes. `exact`: the whole body, 'over' when it is
 * longer than `n`. `prefix`: the first `n` bytes, then the connection is released unread.
 */
async function readBody(response: Response, n: number, mode: 'exact' | 'prefix'): Promise<Uint8Array | 'over'> {
  const out = new Uint8Array(n);
  if (!response.body) return out.subarray(0, 0);
  const reader = response.body.getReader();
  let got = 0;
  let finished = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        finished = true;
        return out.subarray(0, got);
      }
      const room = n - got;
      if (chunk.value.byteLength > room) {
        if (mode === 'exact') return 'over';
        out.set(chunk.value.subarray(0, room), got);
        return out;
      }
      out.set(chunk.value, got);
      got += chunk.value.byteLength;
      if (mode === 'prefix' && got === n) return out;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** A body as text, or undefined when it is longer than `max` (the rest is not read). */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        finished = true;
        break;
      }
      size += chunk.value.byteLength;
      if (size > max) return undefined;
      chunks.push(chunk.value);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

/** `bytes <first>-<last>/<total>`; a `*` total or anything else is unusable. */
function parseContentRange(header: string | null): { start: number; end: number; total: number } | undefined {
  const m = header === null ? null : /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/.exec(header.trim());
  if (!m) return undefined;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!Number.isSafeInteger(total) || end < start || end >= total) return undefined;
  return { start, end, total };
}

/**
 * A fetch whose response bodies stop with a HubError past `max` bytes: the library reads JSON
 * documents whole, and a hostile or broken server could send an endless one.
 */
function cappedBodies(inner: typeof fetch, max: number, endpoint: string): typeof fetch {
  const capped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await inner(input, init);
    if (!response.body) return response;
    let seen = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        seen += chunk.byteLength;
        if (seen > max) throw new HubError('bad-response', `${endpoint} sent a repo document larger than ${max / (1024 * 1024)} MiB`);
        out.enqueue(chunk);
      },
    });
    const wrapped = new Response(response.body.pipeThrough(limit), { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(wrapped, 'url', { value: response.url });
    Object.defineProperty(wrapped, 'redirected', { value: response.redirected });
    return wrapped;
  };
  return capped as typeof fetch;
}

/**
 * JSON copied into null-prototype objects within fixed bounds (depth, node count, list and string
 * lengths); `budget.clipped` is set when anything was left out or cut short.
 */
function plainJson(value: unknown, depth: number, budget: { nodes: number; clipped: boolean }): JsonValue | undefined {
  if (--budget.nodes < 0) {
    budget.clipped = true;
    return undefined;
  }
  switch (typeof value) {
    case 'string':
      if (value.length <= JSON_LIMITS.string) return value;
      budget.clipped = true;
      return value.slice(0, JSON_LIMITS.string);
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      if (depth >= JSON_LIMITS.depth) {
        budget.clipped = true;
        return undefined;
      }
      if (Array.isArray(value)) {
        const items: JsonValue[] = [];
        if (value.length > JSON_LIMITS.items) budget.clipped = true;
        for (let i = 0; i < Math.min(value.length, JSON_LIMITS.items); i++) {
          const item = plainJson(value[i], depth + 1, budget);
          if (item !== undefined) items.push(item);
        }
        return items;
      }
      const out = Object.create(null) as JsonObject;
      let kept = 0;
      for (const key of Object.keys(value)) {
        if (kept >= JSON_LIMITS.keys || key.length > JSON_LIMITS.key) {
          budget.clipped = true;
          if (kept >= JSON_LIMITS.keys) break;
          continue;
        }
        const item = plainJson((value as Record<string, unknown>)[key], depth + 1, budget);
        // A null-prototype object has no `__proto__` setter: the key becomes an ordinary own property.
        if (item !== undefined) {
          out[key] = item;
          kept++;
        }
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The library's model/dataset/space entry (already renamed: `task`, `updatedAt`), field by field. */
function repoDetailsOf(raw: Record<string, unknown>): HubRepoDetails {
  const invalidFields: string[] = [];
  const details: HubRepoDetails = { tags: [], invalidFields };
  /** Absent and null are "not said"; anything else must have the right shape. */
  const take = <T>(name: string, value: unknown, check: (v: unknown) => T | undefined, set: (v: T) => void): void => {
    if (value === undefined || value === null) return;
    const checked = check(value);
    if (checked === undefined) invalidFields.push(name);
    else set(checked);
  };
  const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
  const object = (name: string) => (v: unknown): JsonObject | undefined => {
    if (!isObject(v)) return undefined;
    const budget = { nodes: JSON_LIMITS.nodes, clipped: false };
    const copy = plainJson(v, 0, budget) as JsonObject;
    if (budget.clipped) invalidFields.push(name);
    return copy;
  };
  take('sha', raw['sha'], (v) => (typeof v === 'string' && COMMIT.test(v) ? v : undefined), (v) => (details.sha = v));
  take('author', raw['author'], (v) => cleanText(v), (v) => (details.author = v));
  take('private', raw['private'], bool, (v) => (details.private = v));
  take('gated', raw['gated'], (v) => (v === false || v === 'auto' || v === 'manual' ? v : undefined), (v) => (details.gated = v));
  take('disabled', raw['disabled'], bool, (v) => (details.disabled = v));
  take('pipeline_tag', raw['task'], (v) => cleanText(v, 128), (v) => (details.pipelineTag = v));
  take('library_name', raw['library_name'], (v) => cleanText(v, 128), (v) => (details.libraryName = v));
  take('tags', raw['tags'], (v) => (Array.isArray(v) ? v : undefined), (list) => {
    const tags = list.slice(0, LIMITS.tags).map((t) => cleanText(t)).filter((t): t is string => t !== undefined);
    if (tags.length !== list.length) invalidFields.push('tags');
    details.tags = [...new Set(tags)];
  });
  take('cardData', raw['cardData'], object('cardData'), (v) => (details.cardData = v));
  take('config', raw['config'], object('config'), (v) => (details.config = v));
  take('lastModified', raw['updatedAt'], (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString() : undefined), (v) => (details.lastModified = v));
  return details;
}

/** `securityRepoStatus` (shape not fully stable, see hub-endpoints.md §1b): unknown keys ignored, bad items dropped. */
function securityStatusOf(value: unknown): HubSecurityStatus | undefined {
  if (!isObject(value)) return undefined;
  const status: HubSecurityStatus = { filesWithIssues: [] };
  if (typeof value['scansDone'] === 'boolean') status.scansDone = value['scansDone'];
  const items = value['filesWithIssues'];
  if (Array.isArray(items)) {
    for (const item of items.slice(0, LIMITS.filesWithIssues)) {
      if (!isObject(item)) continue;
      const path = cleanText(item['path'], LIMITS.path);
      const level = cleanText(item['level'], LIMITS.level);
      if (path !== undefined && level !== undefined) status.filesWithIssues.push({ path, level });
    }
  }
  return status;
}

/**
 * One configured Hub client: the endpoint (option, then `HF_ENDPOINT`, then huggingface.co), the
 * token (option, then `HF_TOKEN`), and one fetch with retries and byte counts shared by every call.
 * Every failure comes out as a one-line HubError; the token is in none of them.
 */
export class HubClient {
  readonly endpoint: string;
  readonly stats = new TransferStats();
  readonly retry: RetryPolicy;
  /** The wrapped fetch (retries, rate limits, byte counts), for calls made outside this class. */
  readonly fetch: typeof fetch;
  readonly #token: string | undefined;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Per file resolve URL, where the Hub redirected its last read (the CDN): later ranges go there directly. */
  readonly #redirects = new Map<string, string>();

  constructor(options: HubClientOptions = {}) {
    const env = options.env ?? process.env;
    const token = nonEmpty(options.token) ?? nonEmpty(env['HF_TOKEN']);
    if (token !== undefined) {
      registerSecret(token);
      // The library refuses other tokens with a TypeError; say it in the user's terms first.
      if (!token.startsWith('hf_')) {
        throw new HubError('bad-token', 'the Hugging Face token (HF_TOKEN or --token) is not a Hub access token: it must start with hf_');
      }
    }
    this.#token = token;
    this.endpoint = normaliseEndpoint(nonEmpty(options.endpoint) ?? nonEmpty(env['HF_ENDPOINT']) ?? DEFAULT_ENDPOINT);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = createHubFetch({
      endpoint: this.endpoint,
      retry: this.retry,
      timeoutMs: options.timeoutMs ?? 60_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
      baseFetch: options.fetch ?? globalThis.fetch,
      sleep: this.#sleep,
      stats: this.stats,
    });
  }

  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  get displayEndpoint(): string {
    return displayEndpoint(this.endpoint);
  }

  /** Keeps the token out of `console.log(client)` and `util.inspect`. */
  toJSON(): Record<string, unknown> {
    return { endpoint: this.displayEndpoint, hasToken: this.hasToken };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `HubClient { endpoint: '${this.displayEndpoint}', hasToken: ${this.hasToken} }`;
  }

  /** The URL the library requests for a file (and the key of its byte count in `stats`). */
  fileUrl(ref: RepoRef, path: string, revision: string): string {
    const prefix = ref.repoType === 'model' ? '' : `${ref.repoType}s/`;
    return `${this.endpoint}/${prefix}${ref.repo}/resolve/${encodeURIComponent(revision)}/${path}`;
  }

  /**
   * Runs library calls with this client's configuration, mapping whatever they throw to a
   * HubError. Issue-5 readers (safetensors headers, GGUF) go through here too.
   */
  async run<T>(ctx: CallContext, fn: (params: LibraryParams) => Promise<T>): Promise<T> {
    const tracker = this.tracker();
    try {
      return await fn(tracker.params);
    } catch (err) {
      throw this.toHubError(err, ctx, tracker.failure());
    }
  }

  async repoInfo(ref: RepoRef, revision: string): Promise<RepoInfo> {
    return this.run({ ref, revision, what: 'info' }, async (p) => {
      const name = ref.repo;
      switch (ref.repoType) {
        case 'model':
          return modelInfo({ ...p, name, revision, additionalFields: ['sha'] });
        case 'dataset':
          return datasetInfo({ ...p, name, revision, additionalFields: ['sha'] });
        case 'space':
          return spaceInfo({ ...p, name, revision, additionalFields: ['sha'] });
      }
    });
  }

  /**
   * The repo document at `commit` with the fields a check reads, each checked for its shape (the
   * server is not trusted to send what the types say). A document about another commit is an error.
   */
  async modelDetails(ref: RepoRef, commit: string): Promise<HubRepoDetails> {
    const raw = await this.run({ ref, revision: commit, what: 'info' }, async (p): Promise<unknown> => {
      const params = { ...p, fetch: cappedBodies(p.fetch, MAX_DOCUMENT_BYTES, this.displayEndpoint), name: ref.repo, revision: commit };
      switch (ref.repoType) {
        case 'model':
          return modelInfo({ ...params, additionalFields: ['author', 'cardData', 'tags', 'library_name', 'disabled', 'config', 'sha'] });
        case 'dataset':
          return datasetInfo({ ...params, additionalFields: ['author', 'cardData', 'tags', 'disabled', 'sha'] });
        case 'space':
          return spaceInfo({ ...params, additionalFields: ['author', 'cardData', 'tags', 'disabled', 'sha'] });
      }
    });
    if (!isObject(raw)) throw new HubError('bad-response', `${this.displayEndpoint} sent an unexpected response for ${formatHubRef(ref)}`);
    const details = repoDetailsOf(raw);
    if (details.sha !== undefined && details.sha !== commit) {
      throw new HubError('bad-response', `${this.displayEndpoint} described commit ${details.sha} of ${formatHubRef(ref)} when asked for ${commit}`);
    }
    return details;
  }

  /**
   * The Hub's own scan of the repo at `commit` (`?securityStatus=true`, which the library never
   * asks for). Undefined when the server gives none: a mirror without the endpoint answers 4xx, or
   * a document without the field. Auth, rate-limit and server failures are errors as elsewhere.
   */
  async securityStatus(ref: RepoRef, commit: string): Promise<HubSecurityStatus | undefined> {
    const ctx: CallContext = { ref, revision: commit, what: 'info' };
    // No `expand`: the Hub refuses to combine it with securityStatus.
    const url = `${this.endpoint}/api/${ref.repoType}s/${ref.repo}/revision/${encodeURIComponent(commit)}?securityStatus=true`;
    const tracker = this.tracker();
    let response: Response;
    try {
      response = await tracker.params.fetch(url, { headers: this.authHeaders() });
    } catch (err) {
      throw this.toHubError(err, ctx, tracker.failure());
    }
    if (!response.ok) {
      await discard(response);
      const { status } = response;
      if (status === 401 || status === 403 || status === 429 || status >= 500) throw this.httpError(status, response.headers, ctx);
      return undefined;
    }
    let text: string | undefined;
    try {
      text = await boundedText(response, MAX_DOCUMENT_BYTES);
    } catch (err) {
      throw this.toHubError(err, ctx, tracker.failure());
    }
    if (text === undefined) return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return undefined;
    }
    return isObject(doc) ? securityStatusOf(doc['securityRepoStatus']) : undefined;
  }

  /**
   * Bytes [start, end) of a file at a commit, by one `Range` request through the tracked fetch
   * (retries, rate limits, byte counts under `fileUrl`, token only to the endpoint, error mapping).
   * Direct rather than through the library's WebBlob: WebBlob neither checks `Content-Range` nor
   * stops reading a `200` body (a server ignoring Range would send the whole file).
   * A `206` must say exactly the range asked and the file's total (`options.size`); a `200` is
   * taken only for start 0, reading just the bytes wanted; a `416` gives an empty array.
   */
  async readRange(ref: RepoRef, path: string, commit: string, start: number, end: number, options: ReadRangeOptions = {}): Promise<Uint8Array> {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new RangeError(`invalid byte range [${start}, ${end})`);
    }
    if (end === start) return new Uint8Array(0);
    const ctx: CallContext = { ref, revision: commit, path, what: 'file' };
    const resolveUrl = this.fileUrl(ref, path, commit);
    const requestUrl = this.encodedFileUrl(ref, path, commit);
    if (requestUrl !== resolveUrl) this.stats.alias(requestUrl, resolveUrl);
    let backToResolve = false;
    for (let bodyAttempt = 0; ; bodyAttempt++) {
      const target = this.#redirects.get(resolveUrl);
      const url = target ?? requestUrl;
      const tracker = this.tracker();
      let response: Response;
      try {
        response = await tracker.params.fetch(url, {
          // identity: a decoded body would not be the bytes Content-Range counts.
          headers: { ...this.authHeaders(), Range: `bytes=${start}-${end - 1}`, 'Accept-Encoding': 'identity' },
        });
      } catch (err) {
        throw this.toHubError(err, ctx, tracker.failure());
      }
      // A signed CDN URL expires: ask the resolve URL for a fresh one, once.
      if (target !== undefined && !backToResolve && (response.status === 403 || response.status === 404 || response.status === 410)) {
        await discard(response);
        this.#redirects.delete(resolveUrl);
        backToResolve = true;
        continue;
      }
      try {
        const bytes = await this.rangeBody(response, ctx, start, end, options.size);
        if (target === undefined && response.redirected && response.url && response.url !== url) this.#redirects.set(resolveUrl, response.url);
        return bytes;
      } catch (err) {
        const error = this.toHubError(err, ctx, tracker.failure());
        // The fetch retries only until the headers; a body cut midway is retried here (a range read is idempotent).
        if (error.kind === 'network' && bodyAttempt < this.retry.retries) {
          await this.#sleep(backoffMs(bodyAttempt, this.retry));
          continue;
        }
        throw error;
      }
    }
  }

  /** Checks a range response and reads its body; never more than the bytes asked for. */
  private async rangeBody(response: Response, ctx: CallContext, start: number, end: number, size: number | undefined): Promise<Uint8Array> {
    const { status } = response;
    const bad = (why: string): HubError =>
      new HubError('bad-response', `${this.displayEndpoint} answered a read of bytes ${start}-${end - 1} of '${ctx.path ?? ''}' in ${formatHubRef(ctx.ref)} with ${why}`);
    if (status === 206) {
      const header = response.headers.get('content-range');
      const range = parseContentRange(header);
      const expectedEnd = Math.min(end, range?.total ?? end);
      if (!range || range.start !== start || range.end + 1 !== expectedEnd || (size !== undefined && range.total !== size)) {
        await discard(response);
        const said = serverText(header, 60);
        throw bad(said ? `Content-Range '${said}'${size !== undefined ? ` (file size ${size})` : ''}` : 'a partial response without a valid Content-Range');
      }
      const bytes = await readBody(response, range.end - range.start + 1, 'exact');
      if (bytes === 'over') throw bad('more bytes than its Content-Range says');
      if (bytes.length !== range.end - range.start + 1) throw bad(`${bytes.length} of the ${range.end - range.start + 1} bytes its Content-Range says`);
      return bytes;
    }
    if (status === 200) {
      if (start !== 0) {
        await discard(response);
        throw bad('the whole file (HTTP 200): the server ignores Range requests, so reading a part of a large file would download all of it');
      }
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (size !== undefined && Number.isSafeInteger(length) && !response.headers.has('content-encoding') && length !== size) {
        await discard(response);
        throw bad(`a body of ${length} bytes for a file listed as ${size} bytes`);
      }
      const want = size !== undefined ? Math.min(end, size) : end;
      const bytes = await readBody(response, want, 'prefix');
      if (bytes === 'over') throw bad('an unreadable body');
      if (size !== undefined && bytes.length < want) throw bad(`a body that ends after ${bytes.length} bytes of a file listed as ${size} bytes`);
      return bytes;
    }
    await discard(response);
    if (status === 416) return new Uint8Array(0);
    if (status >= 400) throw this.httpError(status, response.headers, ctx);
    throw bad(`HTTP ${status}`);
  }

  /** `fileUrl` with each path segment percent-encoded, as it must go on the wire (`#`, `?`, `%` and spaces are legal in repo paths). */
  private encodedFileUrl(ref: RepoRef, path: string, revision: string): string {
    const prefix = ref.repoType === 'model' ? '' : `${ref.repoType}s/`;
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `${this.endpoint}/${prefix}${ref.repo}/resolve/${encodeURIComponent(revision)}/${encoded}`;
  }

  private authHeaders(): Record<string, string> {
    return this.#token !== undefined ? { Authorization: `Bearer ${this.#token}` } : {};
  }

  /** Every entry under `path` (default: the whole repo), recursively, with LFS/Xet metadata. */
  async *listFiles(ref: RepoRef, revision: string, path?: string): AsyncGenerator<ListFileEntry> {
    const tracker = this.tracker();
    try {
      const entries = listFiles({
        ...tracker.params,
        repo: repoDesignation(ref),
        revision,
        recursive: true,
        expand: true,
        ...(path !== undefined ? { path } : {}),
      });
      for await (const entry of entries) yield entry;
    } catch (err) {
      throw this.toHubError(err, { ref, revision, what: 'tree', ...(path !== undefined ? { path } : {}) }, tracker.failure());
    }
  }

  /** A file at a revision as a Blob whose reads are ranged requests (nothing but a 1-byte probe is fetched until read). */
  async download(ref: RepoRef, path: string, revision: string): Promise<Blob> {
    return this.openBlob(this.tracker(), { ref, revision, path, what: 'file' });
  }

  /** A file's bytes as they arrive; breaking out of the loop closes the connection. */
  async *stream(ref: RepoRef, path: string, revision: string): AsyncGenerator<Uint8Array> {
    const ctx = { ref, revision, path, what: 'file' } as const;
    const tracker = this.tracker();
    const reader = (await this.openBlob(tracker, ctx)).stream().getReader();
    let finished = false;
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw this.toHubError(err, ctx, tracker.failure());
        }
        if (chunk.done) {
          finished = true;
          return;
        }
        yield chunk.value;
      }
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }

  /** The Blob keeps the tracked fetch, so failures of its later reads are mapped with this call's context. */
  private async openBlob(tracker: Tracker, ctx: CallContext & { path: string; revision: string }): Promise<Blob> {
    let blob: Blob | null;
    try {
      // `xet: false`: read through plain HTTP (the resolve URL or its CDN redirect), never the CAS protocol.
      blob = await downloadFile({ ...tracker.params, repo: repoDesignation(ctx.ref), path: ctx.path, revision: ctx.revision, xet: false });
    } catch (err) {
      throw this.toHubError(err, ctx, tracker.failure());
    }
    if (blob === null) throw new HubError('entry-not-found', `'${ctx.path}' not found in ${formatHubRef(ctx.ref)} at ${ctx.revision}`, 404);
    return blob;
  }

  /** A fetch that remembers this call's last failure, so errors are mapped per call even when calls overlap. */
  private tracker(): Tracker {
    let last: Failure | undefined;
    const tracked = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      try {
        const response = await this.fetch(input, init);
        if (!response.ok) {
          last = { kind: 'http', status: response.status, headers: response.headers };
        }
        return response;
      } catch (err) {
        if (err instanceof HubError) last = { kind: 'network', error: err };
        throw err;
      }
    };
    const params: LibraryParams = { hubUrl: this.endpoint, fetch: tracked as typeof fetch };
    if (this.#token !== undefined) params.accessToken = this.#token;
    return { params, failure: () => last };
  }

  private toHubError(err: unknown, ctx: CallContext, failure: Failure | undefined): HubError {
    if (err instanceof HubError) return err;
    const label = formatHubRef(ctx.ref);
    if (err instanceof HubApiError) {
      const headers = failure?.kind === 'http' ? failure.headers : new Headers();
      return this.httpError(err.statusCode, headers, ctx, failure?.kind === 'http' ? undefined : err.message);
    }
    if (failure?.kind === 'network') return failure.error;
    // WebBlob.stream() aborts its stream with the error's message alone: the tracker kept the response.
    if (typeof err === 'string' && failure?.kind === 'http') return this.httpError(failure.status, failure.headers, ctx);
    if (err instanceof InvalidApiResponseFormatError) {
      return new HubError('bad-response', `${this.displayEndpoint} sent an unexpected response for ${label}: ${serverText(err.message) ?? 'unreadable'}`);
    }
    if (isAbort(err)) {
      const what = ctx.path !== undefined ? `'${ctx.path}' of ${label}` : label;
      return new HubError('network', `connection to ${this.displayEndpoint} failed while reading ${what}: ${networkReason(err)}`);
    }
    const text = err instanceof Error ? err.message : String(err);
    return new HubError('bad-response', `reading ${label} from ${this.displayEndpoint} failed: ${serverText(text) ?? 'unknown error'}`);
  }

  private httpError(status: number, headers: Headers, ctx: CallContext, fallbackText?: string): HubError {
    const label = formatHubRef(ctx.ref);
    const endpoint = this.displayEndpoint;
    const code = headers.get('x-error-code');
    const detail = serverText(headers.get('x-error-message')) ?? serverText(fallbackText);
    if (status === 401 || status === 403) {
      if (code === 'GatedRepo') {
        return this.hasToken
          ? new HubError('auth', `${label} is gated and the token given (HF_TOKEN or --token) has not been granted access: request access on its page on ${endpoint}`, status)
          : new HubError('auth', `${label} is gated: request access on its page on ${endpoint}, then set HF_TOKEN or pass --token`, status);
      }
      if (!this.hasToken) return new HubError('auth', `${label} is gated or private: set HF_TOKEN or pass --token`, status);
      // With a token, the Hub answers 401 to a token it does not accept, and 403/404 to one without access.
      return status === 401
        ? new HubError('auth', `${endpoint} refused the token given (HF_TOKEN or --token) while reading ${label}: check that it is valid`, status)
        : new HubError('auth', `${label} is gated or private and the token given (HF_TOKEN or --token) has no access to it`, status);
    }
    if (status === 404) {
      const kind = code === 'RepoNotFound' ? 'repo' : code === 'RevisionNotFound' ? 'revision' : code === 'EntryNotFound' ? 'entry'
        : ctx.what === 'info' ? 'repo' : ctx.what === 'file' ? 'entry' : 'revision';
      if (kind === 'repo') {
        const hint = this.hasToken ? ' (or the token given has no access to it)' : ' (if it is private, set HF_TOKEN or pass --token)';
        return new HubError('repo-not-found', `${label} not found on ${endpoint}${hint}`, status);
      }
      if (kind === 'revision') return new HubError('revision-not-found', `revision '${ctx.revision ?? 'main'}' not found in ${label}`, status);
      const what = ctx.path !== undefined ? `'${ctx.path}'` : 'the file';
      return new HubError('entry-not-found', `${what} not found in ${label} at ${ctx.revision ?? 'main'}`, status);
    }
    if (status === 429) {
      const wait = serverWaitMs(headers, Date.now());
      const when = wait !== undefined ? `: try again in ${Math.ceil(wait / 1000)} s` : ': try again later';
      return new HubError('rate-limited', `${endpoint} is rate limiting requests (HTTP 429)${when}`, status);
    }
    if (status >= 500) {
      return new HubError('server', `${endpoint} failed with HTTP ${status} while reading ${label} (after ${this.retry.retries + 1} attempts)`, status);
    }
    return new HubError('bad-response', `${endpoint} answered HTTP ${status} for ${label}${detail ? `: ${detail}` : ''}`, status);
  }
}

/** The client a call should use: the one given, or one made from the options (a URL ref's host as a last resort). */
export function clientFor(ref: Pick<HubRef, 'endpoint'>, options: HubClientOptions & { client?: HubClient }): HubClient {
  if (options.client) return options.client;
  const env = options.env ?? process.env;
  const endpoint = nonEmpty(options.endpoint) ?? nonEmpty(env['HF_ENDPOINT']) ?? ref.endpoint;
  return new HubClient({ ...options, ...(endpoint !== undefined ? { endpoint } : {}) });
}
