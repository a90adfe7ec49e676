/**
 * A fuzzing campaign: recipes drawn by fast-check from a fixed seed (batch by batch, so a run of
 * any length replays), built from the seed corpus, run through the oracle. A failure with a new
 * signature is shrunk by fast-check where that is cheap (an exception or rule error, not a hang
 * or an exhausted heap) and handed to `onFailure`. Lanes (`jobs`) each own a worker and a seed stream.
 */
import fc from 'fast-check';
import { build, recipeArbitrary, type Recipe } from './mutations.js';
import { OracleRunner, type RunnerOptions } from './runner.js';
import { byFamily } from './seeds.js';
import { signature } from './signature.js';
import type { FailureKind, Outcome, Seed } from './types.js';

export interface CampaignOptions {
  /** The whole corpus (splicing and appending draw from all of it). */
  seeds: readonly Seed[];
  /** Families to mutate; all when absent. */
  families?: readonly string[];
  /** fast-check seed of the first batch. */
  seed: number;
  /** Stop after this long… */
  seconds?: number;
  /** …or after this many executions (deterministic with one lane). */
  runs?: number;
  jobs?: number;
  runner: RunnerOptions;
  /** Shrinking bounds per failure. */
  shrink?: { attempts: number; ms: number };
  /** Signatures already known (saved regressions): counted, not reported again. */
  known?: ReadonlySet<string>;
  onFailure?(failure: Failure): void | Promise<void>;
  onProgress?(stats: CampaignStats): void;
  progressMs?: number;
}

export interface Failure {
  family: string;
  seedFile: string;
  name: string;
  bytes: Uint8Array;
  recipe: Recipe;
  seed: number;
  path: string;
  shrinks: number;
  outcome: Extract<Outcome, { ok: false }>;
  kind: FailureKind;
  signature: string;
  /**
   * How the failure replays in a fresh oracle: 1 when the input alone fails, 2 when it fails on
   * its second analysis in the same process (state left by the first), 0 when neither (it needed
   * what earlier inputs left behind, or the machine was busy).
   */
  repeat: 0 | 1 | 2;
}

export interface FamilyStats {
  runs: number;
  failures: number;
  /** Time spent analysing this family's inputs. */
  ms: number;
}

export interface CampaignStats {
  executions: number;
  /** Executions that failed (the same bug found again counts each time). */
  failedExecutions: number;
  /** Failures with a signature not seen before in this run nor among `known`. */
  newFailures: Failure[];
  /** Signatures of every failure seen, new or known. */
  signatures: Set<string>;
  byFamily: Map<string, FamilyStats>;
  /** Inputs that ran past the budget once but not when run again (a busy machine): counted, not failures. */
  unconfirmedTimeouts: number;
  elapsedMs: number;
  workerStarts: number;
}

const BATCH = 64;
/** Failure kinds whose inputs fail fast, so shrinking them costs little. */
const CHEAP: ReadonlySet<FailureKind> = new Set(['exception', 'rule-error', 'prototype-pollution']);

export async function runCampaign(options: CampaignOptions): Promise<CampaignStats> {
  const groups = [...byFamily(options.seeds, options.families).entries()];
  if (groups.length === 0) throw new Error(`no seeds in ${options.families?.join(', ') ?? 'the corpus'}`);
  const arbitrary = recipeArbitrary(groups.length, options.seeds.length);
  const ctx = { seeds: options.seeds };
  const shrinkBounds = options.shrink ?? { attempts: 200, ms: 20_000 };
  const started = performance.now();
  const deadline = options.seconds !== undefined ? started + options.seconds * 1000 : Infinity;
  const stats: CampaignStats = { executions: 0, failedExecutions: 0, newFailures: [], signatures: new Set(), byFamily: new Map(groups.map(([f]) => [f, { runs: 0, failures: 0, ms: 0 }])), elapsedMs: 0, workerStarts: 0, unconfirmedTimeouts: 0 };
  const reported = new Set(options.known ?? []);
  let claimed = 0;
  const more = () => performance.now() < deadline && (options.runs === undefined || claimed < options.runs);

  const pick = (r: Recipe): Seed => {
    const [, group] = groups[r.family % groups.length]!;
    return group[r.seed % group.length]!;
  };

  async function shrink(runner: OracleRunner, failure: Failure, batchSeed: number): Promise<Failure> {
    if (!CHEAP.has(failure.kind)) return failure;
    let attempts = 0;
    const until = performance.now() + shrinkBounds.ms;
    let last: Failure | undefined;
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (recipe) => {
        if (attempts >= shrinkBounds.attempts || performance.now() > until) return true;
        attempts++;
        const seed = pick(recipe);
        const bytes = build(recipe, seed, ctx);
        const outcome = await runner.run(seed.name, bytes);
        if (outcome.ok || signature(seed.family, outcome) !== failure.signature) return true;
        last = { ...failure, family: seed.family, seedFile: seed.file, name: seed.name, bytes, recipe, outcome };
        return false;
      }),
      { examples: [[failure.recipe]], numRuns: 1, seed: batchSeed },
    );
    // Not reproduced (a flaky failure): keep what was seen.
    if (!details.failed || !last) return failure;
    return { ...(last as Failure), shrinks: details.numShrinks };
  }

  /** Replays a failure in a fresh oracle, alone and then again, to tell what a regression needs. */
  async function reproduce(failure: Failure): Promise<0 | 1 | 2> {
    const fresh = new OracleRunner(options.runner);
    try {
      for (const attempt of [1, 2] as const) {
        const outcome = await fresh.runConfirmed(failure.name, failure.bytes);
        if (!outcome.ok && outcome.kind === failure.kind) return attempt;
        if (!outcome.ok) return 0;
      }
      return 0;
    } finally {
      await fresh.close();
    }
  }

  async function lane(index: number): Promise<number> {
    const runner = new OracleRunner(options.runner);
    try {
      await runner.ready();
      for (let batch = 0; more(); batch++) {
        const batchSeed = (options.seed + index * 1_000_003 + batch) | 0;
        const recipes = fc.sample(arbitrary, { seed: batchSeed, numRuns: BATCH });
        for (let i = 0; i < recipes.length && more(); i++) {
          claimed++;
          const recipe = recipes[i]!;
          const seed = pick(recipe);
          const bytes = build(recipe, seed, ctx);
          const outcome = await runner.runConfirmed(seed.name, bytes);
          stats.executions++;
          if (outcome.unconfirmed) stats.unconfirmedTimeouts++;
          const fam = stats.byFamily.get(seed.family) ?? { runs: 0, failures: 0, ms: 0 };
          fam.runs++;
          fam.ms += outcome.ms;
          stats.byFamily.set(seed.family, fam);
          if (outcome.ok) continue;
          stats.failedExecutions++;
          fam.failures++;
          const sig = signature(seed.family, outcome);
          stats.signatures.add(sig);
          if (reported.has(sig)) continue;
          reported.add(sig);
          const found: Failure = { family: seed.family, seedFile: seed.file, name: seed.name, bytes, recipe, seed: batchSeed, path: String(i), shrinks: 0, outcome, kind: outcome.kind, signature: sig, repeat: 1 };
          const shrunk = await shrink(runner, found, batchSeed);
          const failure: Failure = { ...shrunk, repeat: await reproduce(shrunk) };
          stats.newFailures.push(failure);
          await options.onFailure?.(failure);
        }
      }
      return runner.starts;
    } finally {
      await runner.close();
    }
  }

  const progress = options.onProgress
    ? setInterval(() => options.onProgress!({ ...stats, elapsedMs: performance.now() - started }), options.progressMs ?? 5_000)
    : undefined;
  try {
    const starts = await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 1) }, (_, i) => lane(i)));
    stats.workerStarts = starts.reduce((a, b) => a + b, 0);
  } finally {
    if (progress) clearInterval(progress);
  }
  stats.elapsedMs = performance.now() - started;
  return stats;
}

/** Rebuilds a saved input from its record: the recipe applied to the seed file it names (same corpus, same bytes). */
export function replayRecipe(seeds: readonly Seed[], seedFile: string, recipe: Recipe): { seed: Seed; bytes: Uint8Array } | undefined {
  const seed = seeds.find((s) => s.file === seedFile);
  return seed ? { seed, bytes: build(recipe, seed, { seeds }) } : undefined;
}
