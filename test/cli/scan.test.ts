import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { reportValidator, sarifValidator } from '../helpers/schemas.js';


const repo = fileURLToPath(new URL('../../', import.meta.url));
const benign = 'examples/benign/tiny-classifier.pt';
const malicious = 'examples/malicious/getcwd-reduce.pt';

describe('modelvet scan (CLI)', function () {
  this.timeout(60_000);

  it('exits 0 on a benign checkpoint and prints a summary (its one medium: no recorded checksum)', () => {
    const r = runCli(['scan', benign], { cwd: repo });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/0 critical, 0 high, 1 medium/);
    expect(r.stdout).to.include('integrity/missing-checksum');
  });

  it('exits 1 on the malicious example and names the callable', () => {
    const r = runCli(['scan', 'examples/'], { cwd: repo });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.include('CRITICAL');
    expect(r.stdout).to.include('os.getcwd');
    expect(r.stdout).to.include('getcwd-reduce.pt');
    expect(r.stdout).not.to.include('\u001b['); // NO_COLOR
  });

  it('--fail-on critical still fails, --fail-on none never does', () => {
    expect(runCli(['scan', malicious, '--fail-on', 'critical'], { cwd: repo }).status).to.equal(1);
    expect(runCli(['scan', malicious, '--fail-on', 'none'], { cwd: repo }).status).to.equal(0);
    expect(runCli(['scan', benign, '--fail-on', 'low'], { cwd: repo }).status).to.equal(1); // prefer-safetensors is low
  });

  it('--rule turns a rule off or changes its severity', () => {
    const off = runCli(['scan', benign, '--fail-on', 'low', '--rule', 'pickle/prefer-safetensors=off', '--rule', 'integrity/missing-checksum=off'], { cwd: repo });
    expect(off.status, off.stdout).to.equal(0);
    const raised = runCli(['scan', benign, '--rule', 'pickle/prefer-safetensors=high'], { cwd: repo });
    expect(raised.status).to.equal(1);
  });

  it('--format json writes the report contract, valid against its schema', () => {
    const r = runCli(['scan', 'examples/', '--format', 'json'], { cwd: repo });
    const report = JSON.parse(r.stdout);
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).to.equal(true);
    expect(report.summary.files).to.equal(2);
    expect(report.findings.some((f: { path: string; severity: string }) => f.path.startsWith(malicious) && f.severity === 'critical')).to.equal(true);
  });

  it('--format sarif --output writes SARIF valid against the official schema', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'modelvet-cli-')), 'out.sarif');
    const r = runCli(['scan', 'examples/', '--format', 'sarif', '--output', out], { cwd: repo });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal('');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    const uris = sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).to.include(malicious);
  });

  it('--quiet prints nothing for a clean scan and only failing findings otherwise', () => {
    const clean = runCli(['scan', benign, '--quiet'], { cwd: repo });
    expect(clean.status).to.equal(0);
    expect(clean.stdout).to.equal('');
    const dirty = runCli(['scan', 'examples/', '--quiet'], { cwd: repo });
    expect(dirty.stdout).to.include('os.getcwd');
    expect(dirty.stdout).not.to.include('prefer safetensors');
  });

  it('usage errors are one line on stderr and exit 2', () => {
    for (const args of [['scan', 'does-not-exist'], ['scan', '--format', 'xml', benign], ['scan', '--rule', 'nonsense', benign], ['scan', '--bogus']]) {
      const r = runCli(args, { cwd: repo });
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(/^modelvet: /);
      expect(r.stderr).not.to.match(/\bat .*\.ts:\d+/);
    }
  });

  it('an invalid config is exit 2 with the key named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-cli-'));
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'rules:\n  pickle/unknown-global: loud\n');
    const r = runCli(['scan', '.'], { cwd: dir });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include("'rules.pickle/unknown-global'");
  });

  it('honours suppressions with reasons, and reports expired ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-cli-'));
    mkdirSync(join(dir, 'm'));
    copyFileSync(join(repo, malicious), join(dir, 'm', 'evil.pt'));
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'suppressions:\n  - rule: "*"\n    path: m/evil.pt\n    reason: quarantined sample for the scanner tests\n');
    const r = runCli(['scan', 'm', '--format', 'json'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout);
    expect(report.findings).to.have.length(0);
    expect(report.suppressed.length).to.be.greaterThan(0);
    writeFileSync(join(dir, 'modelvet.config.yaml'), 'suppressions:\n  - rule: "*"\n    path: m/evil.pt\n    reason: quarantined sample\n    until: 2020-01-01\n');
    const expired = runCli(['scan', 'm', '--format', 'json'], { cwd: dir });
    expect(expired.status).to.equal(1);
    const again = JSON.parse(expired.stdout);
    expect(again.findings.some((f: { ruleId: string; message: string }) => f.ruleId === 'config/suppression-expired' && f.message.includes('2020-01-01'))).to.equal(true);
  });
});

describe('modelvet rules (CLI)', function () {
  this.timeout(60_000);

  it('lists every rule with its severity', () => {
    const r = runCli(['rules'], { cwd: repo });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^pickle\/dangerous-global\s+critical\s+Loading the pickle/m);
    expect(r.stdout).to.match(/^zip\/loader-divergence\s+high/m);
  });

  it('explains one rule with an example and the fix', () => {
    const r = runCli(['rules', 'pickle/unknown-global'], { cwd: repo });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.include('Example:');
    expect(r.stdout).to.include('Fix:');
    expect(runCli(['rules', 'nope/nope'], { cwd: repo }).status).to.equal(2);
  });
});
