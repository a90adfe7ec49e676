/**
 * Saved failures: `<family>-<12 hex of sha256>.bin` (the input) beside a `.json` record of where
 * it came from and what went wrong, in test/fixtures/fuzz-regressions. regressions.test.ts
 * replays every one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Recipe } from './mutations.js';
import type { FailureKind } from './types.js';

export const REGRESSIONS_DIR = fileURLToPath(new URL('../fixtures/fuzz-regressions/', import.meta.url));

export interface RegressionRecord {
  /** The base name the engine was given (parsers choose by content and name). */
  name: string;
  family: string;
  /** The fixture the input was mutated from. */
  seedFile: string;
  /** The fast-check seed of the batch that generated the input, and its index in that batch. */
  seed: number;
  path: string;
  /** Shrinking steps taken from the generated input to this one. */
  shrinks: number;
  kind: FailureKind;
  signature: string;
  message: string;
  stack?: string;
  /** The mutations, replayable with the same seed corpus (scripts/fuzz.ts `--replay`); absent for an input minimised by hand. */
  recipe?: Recipe;
  /** How a hand-minimised input relates to what the fuzzer found, and what was fixed. */
  note?: string;
  /**
   * Analyses of the input in one fresh oracle process that reproduce the failure: 1 (alone), 2
   * (the second analysis fails: state left by the first), 0 (did not reproduce when saved). The
   * replay runs it max(repeat, 1) times, more where a bug needs it.
   */
  repeat?: number;
  size: number;
  sha256: string;
}

export interface Regression {
  bin: string;
  record: RegressionRecord;
}

export function regressionBase(family: string, bytes: Uint8Array): { base: string; sha256: string } {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { base: `${family}-${sha256.slice(0, 12)}`, sha256 };
}

/** Writes the input and its record; returns the .bin path, or undefined when that input is already saved. */
export function saveRegression(dir: string, bytes: Uint8Array, record: Omit<RegressionRecord, 'sha256' | 'size'>): string | undefined {
  const { base, sha256 } = regressionBase(record.family, bytes);
  const bin = join(dir, `${base}.bin`);
  if (existsSync(bin)) return undefined;
  mkdirSync(dir, { recursive: true });
  writeFileSync(bin, bytes);
  const full: RegressionRecord = { ...record, size: bytes.length, sha256 };
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify(full, null, 2)}\n`);
  return bin;
}

export function loadRegressions(dir: string = REGRESSIONS_DIR): Regression[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ bin: join(dir, f.replace(/\.json$/, '.bin')), record: JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionRecord }));
}

export const readRegressionBytes = (r: Regression): Uint8Array => new Uint8Array(readFileSync(r.bin));
