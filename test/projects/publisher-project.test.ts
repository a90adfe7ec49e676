import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';

const project = fileURLToPath(new URL('../fixtures/projects/publishers/', import.meta.url));

/**
 * A project that trusts meta-llama and acme-ml (modelvet.config.yaml) and names publishers in
 * code, a training config and its lockfile: every place a repo id appears is checked.
 */
describe('publisher rules on a project (test/fixtures/projects/publishers)', () => {
  it('flags look-alikes in code, config and lockfile, and untrusted publishers, at their lines', async () => {
    const report = await scan({ cwd: project, paths: ['.'] });
    const got = report.findings
      .filter((f) => f.ruleId.endsWith('-publisher'))
      .map((f) => [f.ruleId, f.severity, f.path, f.location?.line ?? null, f.evidence?.publisher, f.evidence?.resembles ?? null]);
    expect(got).to.deep.equal([
      ['provenance/lookalike-publisher', 'high', 'app/finetune.yaml', 2, 'rnistralai', 'mistralai'],
      ['provenance/lookalike-publisher', 'high', 'app/serve.py', 8, 'meta-1lama', 'meta-llama'],
      ['provenance/lookalike-publisher', 'high', 'app/serve.py', 12, 'acme-rnl', 'acme-ml'],
      ['provenance/unknown-publisher', 'medium', 'app/serve.py', 13, 'someuser', null],
      ['provenance/lookalike-publisher', 'high', 'modelvet.lock.json', null, 'deepseek_ai', 'deepseek-ai'],
    ]);
  });
});
