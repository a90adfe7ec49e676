import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('library entry point', function () {
  this.timeout(60_000);

  it('scan() returns the report object that `modelvet scan --format json` prints', async () => {
    const report = await scan({ cwd: repo, paths: ['examples/'] });
    const cli = JSON.parse(runCli(['scan', 'examples/', '--format', 'json'], { cwd: repo }).stdout);
    expect(report).to.deep.equal(cli);
    expect(report.summary.critical).to.be.greaterThan(0);
    expect(report.artifacts.map((a) => a.format)).to.deep.equal(['pytorch-zip', 'pytorch-zip']);
  });

  it('records SHA-256 per file when asked', async () => {
    const report = await scan({ cwd: repo, paths: ['examples/benign'], hash: true });
    const expected = createHash('sha256').update(readFileSync(`${repo}examples/benign/tiny-classifier.pt`)).digest('hex');
    expect(report.artifacts[0].sha256).to.equal(expected);
  });
});
