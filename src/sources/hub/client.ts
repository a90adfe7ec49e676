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
import { DEFAULT_RETRY, serverWaitMs } from './retry.js';
import type { HubClientOptions, HubRef, RetryPolicy } from './types.js';

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
    return url.href.replace(/\/+$/, '');
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
  return url.href.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function isAbort(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'TimeoutError' || err.message === 'terminated' ||
    (err.cause instanceof Error && isAbort(err.cause));
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
    this.fetch = createHubFetch({
      endpoint: this.endpoint,
      retry: this.retry,
      timeoutMs: options.timeoutMs ?? 60_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
      baseFetch: options.fetch ?? globalThis.fetch,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
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
