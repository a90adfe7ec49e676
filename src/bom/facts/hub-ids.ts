import { isHubRepoId } from '../../parsers/model-config/repo-id.js';

/** A legacy repo without a namespace (`gpt2`, `squad`): one id part as the Hub validates it. */
const BARE_ID = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

/**
 * A Hub repo id as a card writes one: `org/name`, or a legacy bare name the Hub still resolves.
 * Paths, URLs and free names (`Common Crawl`) are not.
 */
export function isCardRepoId(value: string): boolean {
  if (isHubRepoId(value)) return true;
  return BARE_ID.test(value) && !value.includes('--') && !value.includes('..');
}

export const COMMIT = /^[0-9a-f]{40}$/;

/** A 40-hex commit in lower case, or undefined. */
export function commitOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return COMMIT.test(lower) ? lower : undefined;
}
