import { HubError } from './errors.js';
import { backoffMs, isRetryableStatus, parseRateLimit, serverWaitMs } from './retry.js';
import type { RetryPolicy } from './types.js';

/**
 * Bytes received per file URL. A redirect target (the CDN URL an LFS file is served from, which
 * the library then reads directly) is counted under the URL first asked for, so the count of a
 * file's `/resolve/` URL is everything fetched for that file.
 */
export class TransferStats {
  private readonly bytes = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  private readonly aliases = new Map<string, string>();

  private canonical(url: string): string {
    return this.aliases.get(url) ?? url;
  }

  /** Later requests to `finalUrl` count for `requestedUrl`. */
  alias(finalUrl: string, requestedUrl: string): void {
    const target = this.canonical(requestedUrl);
    if (finalUrl !== target) this.aliases.set(finalUrl, target);
  }

  addBytes(url: string, n: number): void {
    const key = this.canonical(url);
    this.bytes.set(key, (this.bytes.get(key) ?? 0) + n);
  }

  addRequest(url: string): void {
    const key = this.canonical(url);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (!this.bytes.has(key)) this.bytes.set(key, 0);
  }

  bytesFor(url: string): number {
    return this.bytes.get(this.canonical(url)) ?? 0;
  }

  requestsFor(url: string): number {
    return this.counts.get(this.canonical(url)) ?? 0;
  }

  get totalBytes(): number {
    let sum = 0;
    for (const n of this.bytes.values()) sum += n;
    return sum;
  }

  get totalRequests(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** [url, bytes] in the order first requested. */
  entries(): [string, number][] {
    return [...this.bytes.entries()];
  }
}

export interface HubFetchConfig {
  /** Normalised endpoint; the token goes to this origin only. */
  endpoint: string;
  retry: RetryPolicy;
  timeoutMs: number;
  idleTimeoutMs: number;
  baseFetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  stats: TransferStats;
  random?: () => number;
}

class StallError extends Error {
  override name = 'TimeoutError';
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** Bodies that can be sent again on a retry (the library sends JSON strings). */
function replayable(body: RequestInit['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array ||
    body instanceof ArrayBuffer || body instanceof URLSearchParams || body instanceof Blob;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`, `timed out`: what a person can recognise of a failed connection. */
export function networkReason(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code) && !code.startsWith('UND_ERR')) return code;
    if (e.name === 'TimeoutError' || e instanceof StallError) return 'timed out';
    e = e.cause;
  }
  return 'connection failed';
}

/**
 * A count of bytes as the body is consumed, and a stall timer: a body that sends nothing for
 * `idleTimeoutMs` is aborted rather than left to hang the scan.
 */
function countedResponse(response: Response, url: string, controller: AbortController, config: HubFetchConfig): Response {
  if (!response.body) return response;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new StallError('response stalled')), config.idleTimeoutMs);
    timer.unref();
  };
  arm();
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, out) {
      config.stats.addBytes(url, chunk.byteLength);
      arm();
      out.enqueue(chunk);
    },
    flush() {
      clearTimeout(timer);
    },
  });
  const wrapped = new Response(response.body.pipeThrough(counter), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // The library compares the final URL's origin with the endpoint's to decide where to read from.
  Object.defineProperty(wrapped, 'url', { value: response.url });
  Object.defineProperty(wrapped, 'redirected', { value: response.redirected });
  return wrapped;
}

/**
 * The fetch handed to `@huggingface/hub`: retries 429, 5xx and network failures with exponential
 * backoff and jitter, waits as long as `Retry-After` / `RateLimit` ask (up to `maxWaitMs`), pauses
 * before the next request when the rate-limit window is spent, counts bytes per URL, keeps the
 * `Authorization` header away from any origin but the endpoint's, and times out stalled requests.
 * A network failure that outlives the retries becomes a HubError ("cannot reach …"); an HTTP
 * failure is returned as is, for the library (and the client's error mapping) to read.
 */
export function createHubFetch(config: HubFetchConfig): typeof fetch {
  const endpointOrigin = originOf(config.endpoint);
  let pausedUntil = 0;

  const notePolicy = (headers: Headers): void => {
    const state = parseRateLimit(headers.get('ratelimit'));
    if (state?.remaining === 0 && state.resetSeconds !== undefined) {
      const wait = state.resetSeconds * 1000;
      if (wait <= config.retry.maxWaitMs) pausedUntil = Math.max(pausedUntil, Date.now() + wait);
    }
  };

  const hubFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    const base: RequestInit = input instanceof Request ? { method: input.method, headers: input.headers } : {};
    const headers = new Headers(init?.headers ?? base.headers);
    // A `Link: rel="next"` or a redirect may point anywhere; the token stays with the endpoint.
    if (originOf(url) !== endpointOrigin) headers.delete('authorization');
    const canRetry = replayable(init?.body);
    for (let attempt = 0; ; attempt++) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) await config.sleep(wait);
      const controller = new AbortController();
      const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
      const timer = setTimeout(() => controller.abort(new StallError('no response')), config.timeoutMs);
      timer.unref();
      config.stats.addRequest(url);
      let response: Response;
      try {
        response = await config.baseFetch(url, { ...base, ...init, headers, signal });
      } catch (err) {
        clearTimeout(timer);
        if (init?.signal?.aborted) throw err;
        if (canRetry && attempt < config.retry.retries) {
          await config.sleep(backoffMs(attempt, config.retry, config.random));
          continue;
        }
        throw new HubError('network', `cannot reach ${originOf(url) ?? config.endpoint}: ${networkReason(err)}`);
      }
      clearTimeout(timer);
      if (response.url && response.url !== url) config.stats.alias(response.url, url);
      notePolicy(response.headers);
      if (canRetry && isRetryableStatus(response.status) && attempt < config.retry.retries) {
        const asked = serverWaitMs(response.headers, Date.now());
        if (asked === undefined || asked <= config.retry.maxWaitMs) {
          await response.body?.cancel().catch(() => undefined);
          await config.sleep(asked ?? backoffMs(attempt, config.retry, config.random));
          continue;
        }
      }
      return countedResponse(response, url, controller, config);
    }
  };
  return hubFetch as typeof fetch;
}
