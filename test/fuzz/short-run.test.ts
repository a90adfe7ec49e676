/**
 * The fuzzer as part of `npm test`: a few hundred structure-aware mutations of the fixtures, from
 * a fixed seed (the same inputs on every machine with the same fixtures), through modelvet's
 * engine and rules in a capped worker. `npm run fuzz` is the open-ended version.
 */
import { expect } from 'chai';
import { runCampaign, type Failure } from './campaign.js';
import { DEFAULT_RUNNER_OPTIONS } from './runner.js';
import { loadSeeds } from './seeds.js';

export const SHORT_RUN_SEED = 20261121;
const RUNS = 200;

const describeFailure = (f: Failure): string =>
  `${f.kind} in ${f.family} from ${f.seedFile} (${f.bytes.length} bytes; npm run fuzz -- --seed ${f.seed}, input ${f.path}): ${f.outcome.message}\n${f.outcome.stack ?? ''}\nrecipe ${JSON.stringify(f.recipe)}`;

describe('fuzzing: short fixed-seed run through the engine', function () {
  this.timeout(180_000);

  it(`${RUNS} mutated fixtures across every family: no exception, rule error, hang, memory blow-up or prototype change`, async () => {
    const seeds = loadSeeds();
    const stats = await runCampaign({
      seeds,
      seed: SHORT_RUN_SEED,
      runs: RUNS,
      // h5wasm's and tree-sitter's own limits well under the budget: a looping HDF5 file costs half a second, not five
      runner: { ...DEFAULT_RUNNER_OPTIONS, innerTimeoutMs: 500 },
      shrink: { attempts: 60, ms: 15_000 },
    });
    expect(stats.newFailures.map(describeFailure), 'failures (each with the recipe that rebuilds it)').to.deep.equal([]);
    expect(stats.failedExecutions).to.equal(0);
    expect(stats.executions).to.equal(RUNS);
    const idle = [...stats.byFamily].filter(([, s]) => s.runs === 0).map(([f]) => f);
    expect(idle, 'families no input was drawn from').to.deep.equal([]);
  });
});
