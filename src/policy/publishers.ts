/**
 * Hub publishers: the shipped list of widely used organisations (names worth protecting from
 * look-alikes) and the matching that decides whether an org impersonates one of them.
 */
import { readFileSync } from 'node:fs';

const PUBLISHERS_URL = new URL('../../policy/hub-publishers.json', import.meta.url);

let known: readonly string[] | undefined;

/** The shipped list (policy/hub-publishers.json), read once. */
export function knownPublishers(): readonly string[] {
  if (!known) {
    const data = JSON.parse(readFileSync(PUBLISHERS_URL, 'utf8')) as { kind?: unknown; publishers?: unknown };
    if (data.kind !== 'hub-publishers' || !Array.isArray(data.publishers) || !data.publishers.every((p) => typeof p === 'string' && p.length > 0)) {
      // A broken data file is a packaging bug: stop loudly rather than judge publishers against half a list.
      throw new Error(`modelvet: invalid policy file ${PUBLISHERS_URL.pathname}`);
    }
    known = data.publishers as string[];
  }
  return known;
}

/** The publisher part of a repo id; undefined for a bare legacy name (`gpt2`), which has none. */
export function publisherOf(repo: string): string | undefined {
  const slash = repo.indexOf('/');
  return slash > 0 ? repo.slice(0, slash) : undefined;
}

/** Hub names are unique without regard to case, so `Qwen` and `qwen` are one publisher. */
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Folds the characters people confuse when reading a name: separators, digits that look like
 * letters (`0`/`o`, `1`/`l`, `5`/`s`), a capital `I` (lowercased to `i`) that looks like `l`, and
 * letter pairs that render as one letter (`rn`/`m`, `vv`/`w`).
 */
export function foldConfusables(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_.]/g, '-')
    .replace(/-+/g, '-')
    .replace(/0/g, 'o')
    .replace(/[1i]/g, 'l')
    .replace(/5/g, 's')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w');
}

/** Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps), stopping early past `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/** Suffixes impersonators add to a brand (`meta-llama-official`, `mistralai-hf`). */
const BRAND_SUFFIXES = new Set(['official', 'ai', 'hf', 'team', 'org', 'inc', 'labs', 'models', 'hub']);

/** Below this length (either name) one edit turns most names into other real names (`ibm`/`ibn`, `timm`/`tim`): only confusables count. */
const MIN_EDIT_LENGTH = 4;

export interface Lookalike {
  /** The publisher it resembles. */
  publisher: string;
  kind: 'confusable' | 'one-edit' | 'brand-suffix';
}

/**
 * Whether `org` imitates one of `protectedNames` without being one of them. A name that is
 * itself protected never counts, so two real organisations one edit apart (HuggingFaceH4,
 * HuggingFaceM4) do not flag each other.
 */
export function findLookalike(org: string, protectedNames: readonly string[]): Lookalike | undefined {
  if (protectedNames.some((p) => same(p, org))) return undefined;
  const lower = org.toLowerCase();
  const folded = foldConfusables(org);
  for (const p of protectedNames) {
    if (foldConfusables(p) === folded) return { publisher: p, kind: 'confusable' };
  }
  for (const p of protectedNames) {
    if (lower.length >= MIN_EDIT_LENGTH && p.length >= MIN_EDIT_LENGTH && editDistance(lower, p.toLowerCase(), 1) === 1) return { publisher: p, kind: 'one-edit' };
  }
  const normalised = lower.replace(/[_.]/g, '-');
  for (const p of protectedNames) {
    const stem = p.toLowerCase().replace(/[_.]/g, '-');
    if (normalised.startsWith(`${stem}-`) && BRAND_SUFFIXES.has(normalised.slice(stem.length + 1))) return { publisher: p, kind: 'brand-suffix' };
  }
  return undefined;
}
