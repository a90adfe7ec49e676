import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';

const ok = { kind: 'loader-advisories', version: 1, advisories: [{ id: 'ORG-7', ecosystem: 'pypi', package: 'internal-loader', affected: ['<2.0'], fixed: ['2.0'], kind: 'rce', severity: 'critical', summary: 'loads pickles', references: ['internal ticket 7'] }] };

function project(config: unknown, files: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-advcfg-'));
  mkdirSync(join(dir, 'security'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
  writeFileSync(join(dir, 'modelvet.config.json'), JSON.stringify(config));
  return dir;
}

describe('config: extra advisory files', () => {
  it('resolves paths against the config file and validates them at load time', () => {
    const dir = project({ advisories: ['security/advisories.json'] }, { 'security/advisories.json': ok });
    mkdirSync(join(dir, 'deep'));
    expect(loadConfig({ cwd: join(dir, 'deep') }).advisories).to.deep.equal([join(dir, 'security', 'advisories.json')]);
    expect(loadConfig({ cwd: dir, configFile: undefined, ruleOverrides: {} }).advisories).to.have.length(1);
    expect(loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'modelvet-noconf-')) }).advisories).to.deep.equal([]);
  });

  it('a broken or missing file is a configuration error naming the file and the problem', () => {
    const broken = project({ advisories: ['security/advisories.json'] }, { 'security/advisories.json': { ...ok, advisories: [{ ...ok.advisories[0], affected: ['^1.0'] }] } });
    expect(() => loadConfig({ cwd: broken })).to.throw(UsageError, /invalid advisories file in .*modelvet\.config\.json: .*advisories\.json: \/advisories\/0 \(ORG-7\): '\^1\.0' is not a PEP 440 specifier set/);
    const missing = project({ advisories: ['nope.json'] });
    expect(() => loadConfig({ cwd: missing })).to.throw(UsageError, /nope\.json: cannot be read \(ENOENT\)/);
    const wrongType = project({ advisories: 'security/advisories.json' });
    expect(() => loadConfig({ cwd: wrongType })).to.throw(UsageError, /'advisories' must be array/);
  });

  it('the CLI reads an organisation advisory and exits 2 on a broken one', function () {
    this.timeout(60_000);
    const dir = project({ advisories: ['security/advisories.json'] }, { 'security/advisories.json': ok, 'requirements.txt': 'internal-loader==1.5\n' });
    const found = runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(found.status, found.stderr).to.equal(1);
    const report = JSON.parse(found.stdout) as { findings: Array<{ ruleId: string; severity: string; path: string; message: string; location?: unknown }> };
    const vulnerable = report.findings.filter((f) => f.ruleId === 'dependencies/vulnerable-loader');
    expect(vulnerable.map((f) => [f.severity, f.path, f.message, f.location])).to.deep.equal([
      ['high', 'requirements.txt', 'pinned to internal-loader 1.5, affected by ORG-7 (<2.0), fixed in 2.0: loading an untrusted model with it can run code', { line: 1, column: 1 }],
    ]);
    writeFileSync(join(dir, 'security', 'advisories.json'), '{ not json');
    const broken = runCli(['scan', '.'], { cwd: dir });
    expect(broken.status).to.equal(2);
    expect(broken.stderr.trim().split('\n')).to.have.length(1);
    expect(broken.stderr).to.match(/invalid advisories file .*is not valid JSON/);
  });
});
