import { expect } from 'chai';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lockfile } from '../../src/integrity/types.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { reportValidator, sarifValidator } from '../helpers/schemas.js';
import { COMMIT as CACHE_COMMIT, makeCacheRepo, sha256, tempProject } from '../integrity/helpers.js';

function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at] = bytes[at]! ^ 0x01;
  writeFileSync(file, bytes);
}

describe('modelvet lock / verify (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempProject();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lock → tamper one byte → verify exits 1 naming the file; untampered it exits 0', () => {
    const locked = runCli(['lock', 'model'], { cwd: dir });
    expect(locked.status, locked.stderr).to.equal(0);
    expect(locked.stdout).to.equal('wrote modelvet.lock.json (1 model, 3 files locked now; 1 in all)\n');
    const ok = runCli(['verify'], { cwd: dir });
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/0 critical, 0 high, 0 medium/);

    flipByte(join(dir, 'model', 'pytorch_model.bin'), 200);
    const r = runCli(['verify'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stdout).to.include('model/pytorch_model.bin');
    expect(r.stdout).to.include('CRITICAL');
    expect(r.stdout).to.include('integrity/checksum-mismatch');
    expect(r.stdout).to.include(sha256(readFileSync(join(dir, 'model', 'pytorch_model.bin'))));
  });

  it('a second lock writes the same bytes and says so', () => {
    runCli(['lock', 'model', 'bom-model'], { cwd: dir });
    const first = readFileSync(join(dir, 'modelvet.lock.json'));
    const again = runCli(['lock', 'bom-model', 'model'], { cwd: dir });
    expect(again.status).to.equal(0);
    expect(again.stdout).to.match(/^unchanged: modelvet\.lock\.json/);
    expect(readFileSync(join(dir, 'modelvet.lock.json')).equals(first)).to.equal(true);
  });

  it('a lockfile that breaks the schema: exit 2 and one line on stderr', () => {
    writeFileSync(join(dir, 'modelvet.lock.json'), readFileSync(join(dir, 'lockfiles', 'broken-schema.json')));
    for (const args of [['verify'], ['lock', 'model'], ['lock']]) {
      const r = runCli(args, { cwd: dir });
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(/^modelvet: modelvet\.lock\.json is not a valid lockfile: \/models\/0\/files\/0\/sha256: must match pattern .*\n$/);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
    }
  });

  it('lock with nothing to refresh, and verify with nothing to verify, exit 2', () => {
    const lock = runCli(['lock'], { cwd: dir });
    expect(lock.status).to.equal(2);
    expect(lock.stderr).to.match(/^modelvet: nothing to refresh/);
    const verify = runCli(['verify', 'model'], { cwd: dir });
    expect(verify.status).to.equal(2);
    expect(verify.stderr).to.match(/^modelvet: nothing to verify in model/);
  });

  it('stale entries are medium: exit 0 by default, 1 with --fail-on medium', () => {
    runCli(['lock', 'model'], { cwd: dir });
    writeFileSync(join(dir, 'model', 'added.pkl'), Buffer.from([0x80, 0x04, 0x4e, 0x2e]));
    expect(runCli(['verify'], { cwd: dir }).status).to.equal(0);
    const strict = runCli(['verify', '--fail-on', 'medium'], { cwd: dir });
    expect(strict.status).to.equal(1);
    expect(strict.stdout).to.include('model/added.pkl');
    expect(strict.stdout).to.include('integrity/lock-stale');
  });

  it('verify --format json and sarif follow the report contract and the SARIF schema', () => {
    runCli(['lock', 'model'], { cwd: dir });
    flipByte(join(dir, 'model', 'config.json'), 2);
    const json = runCli(['verify', '--format', 'json'], { cwd: dir });
    expect(json.status).to.equal(1);
    const report = JSON.parse(json.stdout);
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).to.equal(true);
    expect(report.findings.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).to.deep.equal([['integrity/checksum-mismatch', 'model/config.json']]);
    const sarif = JSON.parse(runCli(['verify', '--format', 'sarif'], { cwd: dir }).stdout);
    const validateSarif = sarifValidator();
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).to.equal(true);
  });

  it('no progress bar when stderr is not a terminal: stderr stays empty', () => {
    writeFileSync(join(dir, 'model', 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 7));
    const lock = runCli(['lock', 'model'], { cwd: dir });
    expect(lock.stderr).to.equal('');
    const verify = runCli(['verify'], { cwd: dir });
    expect(verify.stderr).to.equal('');
  });

  it('scan --lockfile checks scanned files against that lockfile', () => {
    mkdirSync(join(dir, 'locks'));
    runCli(['lock', 'model', '--lockfile', 'locks/l.json'], { cwd: dir });
    flipByte(join(dir, 'model', 'model.safetensors'), 239);
    const r = runCli(['scan', 'model', '--lockfile', 'locks/l.json', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(r.stdout);
    const integrity = report.findings.filter((f: { ruleId: string }) => f.ruleId.startsWith('integrity/'));
    expect(integrity.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).to.deep.equal([['integrity/checksum-mismatch', 'model/model.safetensors']]);
    expect(r.status).to.equal(1);
  });

  it('verify --hf-cache DIR checks a Hugging Face cache: clean exits 0, a corrupted blob exits 1', () => {
    const { blobOf } = makeCacheRepo(join(dir, 'hub'), 'org/tiny', CACHE_COMMIT, [
      { path: 'model.safetensors', content: readFileSync(join(dir, 'model', 'model.safetensors')), lfs: true },
      { path: 'config.json', content: readFileSync(join(dir, 'model', 'config.json')), lfs: false },
    ]);
    const clean = runCli(['verify', '--hf-cache', 'hub'], { cwd: dir });
    expect(clean.status, clean.stdout + clean.stderr).to.equal(0);
    expect(clean.stdout).to.match(/0 critical, 0 high/);
    flipByte(blobOf['model.safetensors']!, 100);
    const bad = runCli(['verify', '--hf-cache', 'hub'], { cwd: dir });
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.include('integrity/checksum-mismatch');
    // The default cache comes from HF_HUB_CACHE.
    const viaEnv = runCli(['verify', '--hf-cache'], { cwd: dir, env: { HF_HUB_CACHE: join(dir, 'hub') } });
    expect(viaEnv.status).to.equal(1);
  });

  it('modelvet rules explains the integrity rules', () => {
    const r = runCli(['rules', 'integrity/missing-checksum'], { cwd: dir });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.include('modelvet lock');
    expect(r.stdout).to.match(/medium/);
  });

  describe('Hub repos (fake hub)', () => {
    let hub: FakeHub;
    const COMMIT = '0123456789abcdef0123456789abcdef01234567';
    const weights = Buffer.concat([Buffer.from([16, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"__metadata__":{}}'.padEnd(16).slice(0, 16)), Buffer.alloc(32, 3)]);
    const config = '{"model_type":"tiny"}\n';
    before(async () => {
      hub = await startFakeHub([
        {
          id: 'acme/tiny',
          commits: [{ sha: COMMIT, branches: ['main'], files: [{ path: 'config.json', content: config }, { path: 'model.safetensors', content: weights, lfs: true }] }],
        },
        {
          id: 'acme/xet-only',
          commits: [{ sha: COMMIT, branches: ['main'], files: [{ path: 'model.safetensors', content: weights, xet: true }] }],
        },
      ], { tokens: ['hf_secretsecret'] });
    });
    after(() => hub.close());

    it('lock hf:org/name@rev pins the commit, LFS digests from the Hub, small files downloaded and hashed; a local entry is kept', async () => {
      const local = await runCliAsync(['lock', 'model'], { cwd: dir });
      expect(local.status, local.stderr).to.equal(0);
      const r = await runCliAsync(['lock', 'hf:acme/tiny@main', '--endpoint', hub.url, '--token', 'hf_secretsecret'], { cwd: dir, env: { HF_TOKEN: '' } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout + r.stderr).not.to.include('hf_secretsecret');
      const lockfile = JSON.parse(readFileSync(join(dir, 'modelvet.lock.json'), 'utf8')) as Lockfile;
      expect(lockfile.models.map((m) => m.source.type)).to.deep.equal(['hf', 'local']);
      const [h] = lockfile.models;
      expect(h!.source).to.deep.equal({ type: 'hf', repo: 'acme/tiny', repoType: 'model', revision: 'main', commit: COMMIT });
      expect(h!.files).to.deep.equal([
        { path: 'config.json', size: config.length, sha256: sha256(config), from: 'hub-download' },
        { path: 'model.safetensors', size: weights.length, sha256: sha256(weights), from: 'hub-lfs' },
      ]);
      // The LFS file itself was never downloaded.
      expect(hub.requests.some((q) => q.method === 'GET' && q.path.endsWith('/model.safetensors'))).to.equal(false);
    });

    it('a file with only a Xet hash is refused in one line, and locked by download with --allow-download', async () => {
      const refused = await runCliAsync(['lock', 'hf:acme/xet-only', '--endpoint', hub.url, '--lockfile', 'xet.lock.json'], { cwd: dir, env: { HF_TOKEN: '' } });
      expect(refused.status).to.equal(2);
      expect(refused.stderr.trim().split('\n')).to.have.length(1);
      expect(refused.stderr).to.include('--allow-download');
      const r = await runCliAsync(['lock', 'hf:acme/xet-only', '--endpoint', hub.url, '--lockfile', 'xet.lock.json', '--allow-download'], { cwd: dir, env: { HF_TOKEN: '' } });
      expect(r.status, r.stderr).to.equal(0);
      const lockfile = JSON.parse(readFileSync(join(dir, 'xet.lock.json'), 'utf8')) as Lockfile;
      expect(lockfile.models[0]!.files).to.deep.equal([{ path: 'model.safetensors', size: weights.length, sha256: sha256(weights), from: 'hub-download' }]);
    });
  });
});
