import type { RetryPolicy } from './types.js';

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 20_000, maxWaitMs: 60_000 };

/** Statuses worth another try: throttling and transient server or gateway failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RateLimitState {
  /** Requests left in the window (`r`, or `remaining` in the older draft). */
  remaining?: number;
  /** Seconds until the window resets (`t`, or `reset`). */
  resetSeconds?: number;
}

/**
 * The Hub's IETF-draft `RateLimit` header, e.g. `"api";r=0;t=55` (newer draft) or
 * `limit=500, remaining=0, reset=55` (older draft). Unknown parameters are ignored.
 */
export function parseRateLimit(value: string | null): RateLimitState | undefined {
  if (value === null || value.length > 1024) return undefined;
  const state: RateLimitState = {};
  for (const part of value.split(/[;,]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    if (!/^\d{1,10}$/.test(raw)) continue;
    const n = Number(raw);
    if (key === 'r' || key === 'remaining') state.remaining = n;
    else if (key === 't' || key === 'reset') state.resetSeconds = n;
  }
  return state.remaining === undefined && state.resetSeconds === undefined ? undefined : state;
}

/** How long the server asked us to wait, from `Retry-After` first, then an exhausted `RateLimit` window. */
export function serverWaitMs(headers: Headers, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const limit = parseRateLimit(headers.get('ratelimit'));
  if (limit?.resetSeconds !== undefined && (limit.remaining === undefined || limit.remaining === 0)) return limit.resetSeconds * 1000;
  return undefined;
}

/** Exponential backoff with jitter: attempt 0 waits about `baseDelayMs`, then twice as long each time. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  // Half fixed, half random: spreads clients that failed together without ever retrying at once.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
