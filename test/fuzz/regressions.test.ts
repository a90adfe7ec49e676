/**
 * Every failure the fuzzer ever saved (test/fixtures/fuzz-regressions) is replayed through the
 * same oracle (as often as its record's `repeat` says, in one process): no exception, no rule
 * error, no prototype change, no dead process, within the per-file budget and the heap cap.
 */
import { existsSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { loadRegressions, readRegressionBytes, REGRESSIONS_DIR, regressionBase } from './regressions.js';
import { DEFAULT_RUNNER_OPTIONS, OracleRunner } from './runner.js';

const REGRESSIONS = loadRegressions();

describe('fuzzing: saved regressions replay cleanly', function () {
  this.timeout(120_000);
  let runner: OracleRunner;
  before(async () => {
    runner = new OracleRunner(DEFAULT_RUNNER_OPTIONS);
    await runner.ready();
  });
  after(() => runner.close());

  it('each input sits beside its record, named by family and content hash', () => {
    const files = existsSync(REGRESSIONS_DIR) ? readdirSync(REGRESSIONS_DIR).filter((f) => !f.startsWith('.')) : [];
    const bins = files.filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)).sort();
    const records = files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    expect(bins).to.deep.equal(records);
    for (const r of REGRESSIONS) {
      const bytes = readRegressionBytes(r);
      expect(r.bin.endsWith(`${regressionBase(r.record.family, bytes).base}.bin`), r.bin).to.equal(true);
      expect(r.record.size).to.equal(bytes.length);
      expect(r.record).to.include.keys('name', 'family', 'seedFile', 'seed', 'path', 'kind', 'message');
    }
  });

  for (const r of REGRESSIONS) {
    const label = r.bin.slice(r.bin.lastIndexOf('/') + 1);
    const times = Math.max(1, r.record.repeat ?? 1);
    it(`${label} (${r.record.kind} as ${r.record.name}${times > 1 ? `, ${times} times` : ''}) no longer fails`, async () => {
      const bytes = readRegressionBytes(r);
      for (let i = 0; i < times; i++) {
        const outcome = await runner.runConfirmed(r.record.name, bytes);
        expect(outcome.ok ? 'ok' : `run ${i + 1}: ${outcome.kind}: ${outcome.message}\n${outcome.stack ?? ''}`).to.equal('ok');
      }
    });
  }
});
