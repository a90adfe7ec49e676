/**
 * `npm run fuzz -- [--seconds 60] [--seed N] [--family zip[,pickle]] [--jobs N] [--budget-ms 5000]
 * [--memory-mb 512] [--out DIR] [--no-save] [--replay FILE.json] [--target MODULE]`
 *
 * Structure-aware fuzzing of every parser, seeded from the fixtures (test/fuzz/). Prints
 * executions per second and failures; saves each new failure, shrunk where cheap, to
 * test/fixtures/fuzz-regressions/<family>-<hash>.bin + .json; exits 1 when anything failed.
 */
import { parseArgs } from 'node:util';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { replayRecipe, runCampaign, type CampaignStats, type Failure } from '../test/fuzz/campaign.js';
import { familyIds } from '../test/fuzz/families.js';
import { loadRegressions, REGRESSIONS_DIR, saveRegression, type RegressionRecord } from '../test/fuzz/regressions.js';
import { DEFAULT_RUNNER_OPTIONS, OracleRunner, type RunnerOptions } from '../test/fuzz/runner.js';
import { loadSeeds, REPO } from '../test/fuzz/seeds.js';

const USAGE = 'usage: npm run fuzz -- [--seconds N] [--seed N] [--family a,b] [--jobs N] [--budget-ms N] [--memory-mb N] [--out DIR] [--no-save] [--replay FILE.json] [--target MODULE]';

function positiveInt(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${flag} must be an integer ≥ ${min}, not ${JSON.stringify(value)}`);
  return n;
}

function table(stats: CampaignStats): string {
  const rows = [...stats.byFamily].map(([family, s]) => `  ${family.padEnd(12)} ${String(s.runs).padStart(8)} ${String(s.failures).padStart(9)} ${(s.runs ? s.ms / s.runs : 0).toFixed(1).padStart(10)}`);
  return [`  ${'family'.padEnd(12)} ${'runs'.padStart(8)} ${'failures'.padStart(9)} ${'ms/input'.padStart(10)}`, ...rows].join('\n');
}

const rate = (stats: CampaignStats) => (stats.executions / Math.max(stats.elapsedMs / 1000, 1e-3)).toFixed(1);

async function replay(file: string, runner: RunnerOptions): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const record = JSON.parse(readFileSync(file, 'utf8')) as RegressionRecord;
  // A record without a recipe (minimised by hand) replays its saved bytes.
  const rebuilt = record.recipe ? replayRecipe(loadSeeds(), record.seedFile, record.recipe)?.bytes : new Uint8Array(readFileSync(file.replace(/\.json$/, '.bin')));
  if (!rebuilt) throw new Error(`the seed ${record.seedFile} is no longer in the corpus`);
  const oracle = new OracleRunner(runner);
  try {
    for (let i = 0; i < Math.max(1, record.repeat ?? 1); i++) {
      const outcome = await oracle.runConfirmed(record.name, rebuilt);
      if (!outcome.ok) {
        console.log(`${file}: run ${i + 1}: ${outcome.kind}: ${outcome.message}\n${outcome.stack ?? ''}`);
        return 1;
      }
      console.log(`${file}: run ${i + 1} passes (${outcome.ms.toFixed(0)} ms, format ${outcome.format})`);
    }
    return 0;
  } finally {
    await oracle.close();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      seed: { type: 'string' },
      family: { type: 'string' },
      jobs: { type: 'string' },
      'budget-ms': { type: 'string' },
      'memory-mb': { type: 'string' },
      out: { type: 'string' },
      'no-save': { type: 'boolean' },
      replay: { type: 'string' },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const budgetMs = positiveInt('budget-ms', values['budget-ms'], DEFAULT_RUNNER_OPTIONS.budgetMs, 100);
  const runner: RunnerOptions = {
    budgetMs,
    memoryMb: positiveInt('memory-mb', values['memory-mb'], DEFAULT_RUNNER_OPTIONS.memoryMb, 64),
    // h5wasm's and tree-sitter's own limits stay under the budget: hitting them is their anomaly, not a fuzz time-out.
    innerTimeoutMs: Math.min(DEFAULT_RUNNER_OPTIONS.innerTimeoutMs, Math.floor(budgetMs * 0.4)),
    // Another module with the same `run(bytes, name)` contract (test/fuzz/target.ts): a plug-in's parser, or the harness's own tests.
    ...(values.target ? { target: pathToFileURL(resolve(values.target)).href } : {}),
  };
  if (values.replay) return replay(values.replay, runner);

  const seconds = positiveInt('seconds', values.seconds, 60);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : positiveInt('seed', values.seed, 0, 0);
  const families = values.family?.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = families?.filter((f) => !familyIds().includes(f)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown family ${unknown.join(', ')}; known: ${familyIds().join(', ')}`);
  const jobs = positiveInt('jobs', values.jobs, 1);
  const out = values.out ?? REGRESSIONS_DIR;
  const save = !values['no-save'];

  const seeds = loadSeeds();
  const known = new Set(loadRegressions(out).map((r) => r.record.signature));
  console.log(`fuzzing ${seeds.length} seeds${families ? ` (${families.join(', ')})` : ''} for ${seconds} s, seed ${seed}, ${jobs} job(s), budget ${budgetMs} ms, heap cap ${runner.memoryMb} MB`);

  const onFailure = (f: Failure) => {
    const where = save
      ? saveRegression(out, f.bytes, { name: f.name, family: f.family, seedFile: f.seedFile, seed: f.seed, path: f.path, shrinks: f.shrinks, kind: f.kind, signature: f.signature, message: f.outcome.message, ...(f.outcome.stack ? { stack: f.outcome.stack } : {}), recipe: f.recipe, repeat: f.repeat })
      : undefined;
    const replays = f.repeat === 1 ? 'fails alone' : f.repeat === 2 ? 'fails on its second analysis in one process' : 'did not fail again in a fresh process';
    console.log(`\nFAILURE ${f.kind} in ${f.family} (from ${f.seedFile}, ${f.bytes.length} bytes, ${f.shrinks} shrinks, ${replays}): ${f.outcome.message.split('\n')[0]}`);
    if (f.outcome.stack) console.log(f.outcome.stack.split('\n').slice(0, 8).join('\n'));
    if (where) console.log(`saved ${relative(REPO, where)}`);
  };
  const stats = await runCampaign({
    seeds,
    ...(families ? { families } : {}),
    seed,
    seconds,
    jobs,
    runner,
    known,
    onFailure,
    onProgress: (s) => console.log(`${(s.elapsedMs / 1000).toFixed(0)} s: ${s.executions} executions (${rate(s)}/s), ${s.failedExecutions} failed`),
  });
  console.log(`\n${stats.executions} executions in ${(stats.elapsedMs / 1000).toFixed(1)} s (${rate(stats)}/s), ${stats.failedExecutions} failed, ${stats.newFailures.length} new failure(s), ${stats.signatures.size} distinct`);
  if (stats.unconfirmedTimeouts > 0) console.log(`${stats.unconfirmedTimeouts} input(s) ran past the budget once but not when run again (a busy machine?): not counted as failures`);
  console.log(table(stats));
  const knownSeen = [...stats.signatures].filter((s) => known.has(s));
  if (knownSeen.length > 0) console.log(`already saved, found again: ${knownSeen.join('; ')}`);
  return stats.failedExecutions > 0 ? 1 : 0;
}


main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`fuzz: ${err.message}\n${USAGE}`);
    process.exit(2);
  },
);
