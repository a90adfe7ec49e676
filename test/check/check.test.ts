import { expect } from 'chai';
import { check, type CheckReport } from '../../src/check/check.js';
import { scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/types.js';
import { runCliAsync } from '../helpers/cli.js';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { reportValidator, sarifValidator } from '../helpers/schemas.js';
import { BERT, BIG, bertRepo, bigRepo, EVIL, evilRepo, fixture, GATED, gatedRepo, GGUF, ggufRepo, largeSafetensors, RAW, rawRepo, TOKEN } from './repos.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Findings about the files themselves (repo-level, integrity and publisher rules aside), paths relative to the repo root. */
function fileRows(findings: Finding[], prefix: string): string[] {
  return findings
    .filter((f) => !/^(hub|integrity|provenance)\//.test(f.ruleId))
    .map((f) => `${f.ruleId} ${f.severity} ${f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path}`)
    .sort();
}

const byRule = (report: CheckReport, ruleId: string): Finding[] => report.findings.filter((f) => f.ruleId === ruleId);

describe('modelvet check (against a fake Hub)', function () {
  this.timeout(60_000);
  let hub: FakeHub;
  const opts = (extra: Record<string, unknown> = {}) => ({ endpoint: hub.url, env: {}, cwd: fixture('.'), retry: { retries: 0 }, ...extra });

  before(async () => {
    hub = await startFakeHub([bertRepo(), evilRepo(), bigRepo(), rawRepo(), gatedRepo(), ggufRepo()], { tokens: [TOKEN], redirectLfs: true });
  });
  after(() => hub.close());

  it('reads a benign transformers repo at its commit and reaches the local scan\'s verdict', async () => {
    const report = await check({ ...opts(), refs: ['hf:acme/bert-tiny'] });
    expect(report.fetch.repos[0]).to.include({ repo: 'hf:acme/bert-tiny', commit: BERT });
    const local = await scan({ paths: [fixture('benign/transformers-bert-tiny')], cwd: fixture('benign/transformers-bert-tiny') });
    // The repo's README.md is not in the fixture folder; every other file must be judged alike.
    const remote = fileRows(report.findings, `hf:acme/bert-tiny@${BERT}/`).filter((row) => !row.endsWith(' README.md'));
    expect(remote).to.deep.equal(fileRows(local.findings, ''));
    expect(report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high')).to.deep.equal([]);
    // The pickle checkpoint has a safetensors twin: said at info, naming it.
    const weights = byRule(report, 'hub/pickle-weights');
    expect(weights).to.have.length(1);
    expect(weights[0]).to.include({ severity: 'info', path: `hf:acme/bert-tiny@${BERT}` });
    expect(weights[0]!.message).to.contain('pytorch_model.bin').and.contain('model.safetensors');
  });

  it('fetches small files whole, once each, and counts every byte per file', async () => {
    const report = await check({ ...opts(), refs: ['hf:acme/bert-tiny'] });
    const files = report.fetch.repos[0]!.files;
    expect(files.map((f) => f.path).sort()).to.deep.equal(['README.md', 'config.json', 'model.safetensors', 'pytorch_model.bin']);
    for (const f of files) {
      expect(f.size).to.be.below(MiB);
      expect(f.bytes, f.path).to.equal(f.size);
      expect(f.requests, f.path).to.be.at.most(2); // the read, plus the CDN redirect's second hop for LFS files
      expect(f.coverage).to.equal('complete');
    }
    expect(report.fetch.totalBytes).to.equal(report.fetch.repos[0]!.bytes + (report.fetch.totalBytes - report.fetch.repos[0]!.bytes));
  });

  it('reads a 1 GiB safetensors file by its header alone', async () => {
    const { headerLength } = largeSafetensors(16, 16 * 1024 * 1024);
    const report = await check({ ...opts(), refs: ['hf:acme/big'] });
    const st = report.fetch.repos[0]!.files.find((f) => f.path === 'model.safetensors')!;
    expect(st.size).to.be.above(1024 * MiB);
    expect(st.bytes).to.be.at.least(8 + headerLength);
    expect(st.bytes).to.be.at.most(8 + headerLength + 4 * KiB);
    expect(report.fetch.totalBytes).to.be.below(64 * KiB);
    const sent = hub.requests.filter((r) => r.path.includes('/acme/big/') || r.path.includes('/cdn/')).reduce((n, r) => n + Math.max(0, r.bytes), 0);
    expect(sent, 'bytes the server sent').to.be.below(64 * KiB);
    expect(report.findings.filter((f) => f.severity !== 'info' && f.severity !== 'low')).to.deep.equal([]);
  });

  it('reads a GGUF by its metadata and finds the chat template that escapes Jinja', async () => {
    const report = await check({ ...opts(), refs: ['hf:acme/gguf'] });
    const file = report.fetch.repos[0]!.files.find((f) => f.path === 'model.gguf')!;
    expect(file.bytes).to.be.below(64 * KiB);
    const critical = report.findings.filter((f) => f.severity === 'critical');
    expect(critical.length).to.be.greaterThan(0);
    expect(critical.every((f) => f.path.startsWith(`hf:acme/gguf@${GGUF}/model.gguf`))).to.equal(true);
    expect(critical.map((f) => f.message).join(' ')).to.contain('__globals__');
  });

  it('finds the code a malicious checkpoint runs, and the repo-level risks', async () => {
    const report = await check({ ...opts(), refs: ['hf:evil-org/getcwd@v1'] });
    const root = `hf:evil-org/getcwd@${EVIL}`;
    expect(report.fetch.repos[0]).to.include({ repo: 'hf:evil-org/getcwd@v1', commit: EVIL });
    const critical = report.findings.filter((f) => f.severity === 'critical');
    expect(critical.length).to.be.greaterThan(0);
    expect(critical.every((f) => f.path.startsWith(`${root}/pytorch_model.bin`))).to.equal(true);
    expect(critical.map((f) => f.message).join(' ')).to.contain('os.getcwd');
    expect(byRule(report, 'hub/custom-code')[0]).to.include({ severity: 'medium', path: root });
    expect(byRule(report, 'hub/custom-code')[0]!.message).to.contain('modeling_evil.py');
    expect(byRule(report, 'hub/no-license')[0]).to.include({ severity: 'low' });
    expect(byRule(report, 'hub/pickle-weights')[0]).to.include({ severity: 'medium' });
    const scanInfo = byRule(report, 'hub/security-scan');
    expect(scanInfo.map((f) => f.severity)).to.deep.equal(['info']);
    // The .py file is parsed like any source file.
    expect(report.artifacts.find((a) => a.path === `${root}/modeling_evil.py`)?.format).to.equal('python-source');
  });

  it('streams a raw pickle up to the fetch cap, keeps what it found, and says the rest was not analysed', async () => {
    const report = await check({ ...opts(), refs: ['hf:acme/raw'], maxFetchBytes: MiB });
    const path = `hf:acme/raw@${RAW}/model.pkl`;
    const file = report.fetch.repos[0]!.files.find((f) => f.path === 'model.pkl')!;
    expect(file.coverage).to.equal('capped');
    expect(file.bytes).to.be.at.most(MiB);
    expect(report.findings.some((f) => f.path === path && f.severity === 'critical' && f.message.includes('os.getcwd'))).to.equal(true);
    const capped = byRule(report, 'hub/not-fully-analysed');
    expect(capped).to.have.length(1);
    expect(capped[0]).to.include({ severity: 'high', path });
    // The bytes after the cap were never read: no "truncated" finding is made up about them.
    expect(report.findings.filter((f) => f.path === path && /truncat/i.test(f.message))).to.deep.equal([]);
  });

  it('reads a gated repo with a granted token and says it is gated; without one, says how to authenticate', async () => {
    const denied = await check({ ...opts(), refs: ['hf:acme/gated'] }).then(() => undefined, (err: Error) => err);
    expect(denied?.message).to.equal(`hf:acme/gated is gated: request access on its page on ${hub.url}, then set HF_TOKEN or pass --token`);
    const report = await check({ ...opts({ token: TOKEN }), refs: ['hf:acme/gated'] });
    expect(report.fetch.repos[0]!.commit).to.equal(GATED);
    expect(byRule(report, 'hub/access')[0]).to.include({ severity: 'info' });
    expect(JSON.stringify(report)).to.not.contain(TOKEN);
  });

  describe('CLI', () => {
    it('prints a schema-valid JSON report with bytes fetched, and exits 1 on a critical finding', async () => {
      const r = await runCliAsync(['check', 'hf:evil-org/getcwd', '--endpoint', hub.url, '--format', 'json'], { cwd: fixture('.'), env: { HF_TOKEN: '' } });
      expect(r.status, r.stderr).to.equal(1);
      const report = JSON.parse(r.stdout) as CheckReport;
      const validate = reportValidator();
      expect(validate(report), JSON.stringify(validate.errors)).to.equal(true);
      expect(report.fetch.totalBytes).to.be.greaterThan(0);
      expect(report.fetch.repos[0]!.files.every((f) => f.bytes <= f.size)).to.equal(true);
    });

    it('exits 0 on a benign repo; text output names the commit and the bytes fetched', async () => {
      const r = await runCliAsync(['check', 'acme/bert-tiny@main', '--endpoint', hub.url], { cwd: fixture('.'), env: { HF_TOKEN: '' } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`hf:acme/bert-tiny@main read at commit ${BERT}: [0-9.]+ [KM]?B fetched in \\d+ requests`));
    });

    it('accepts a Hub URL and reads from its host when no endpoint is configured', async () => {
      const r = await runCliAsync(['check', `${hub.url}/acme/big/tree/main`, '--format', 'json'], { cwd: fixture('.'), env: { HF_ENDPOINT: '', HF_TOKEN: '' } });
      expect(r.status, r.stderr).to.equal(0);
      expect((JSON.parse(r.stdout) as CheckReport).fetch.repos[0]!.commit).to.equal(BIG);
    });

    it('writes SARIF whose locations are the files on the Hub at the commit', async () => {
      const r = await runCliAsync(['check', 'hf:evil-org/getcwd', '--endpoint', hub.url, '--format', 'sarif'], { cwd: fixture('.'), env: { HF_TOKEN: '' } });
      const sarif = JSON.parse(r.stdout);
      const validate = sarifValidator();
      expect(validate(sarif), JSON.stringify(validate.errors)).to.equal(true);
      const uris = sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri);
      expect(uris).to.include(`${hub.url}/evil-org/getcwd/blob/${EVIL}/pytorch_model.bin`);
      expect(uris).to.include(`${hub.url}/evil-org/getcwd/tree/${EVIL}`);
    });

    const oneLineError = (r: { status: number | null; stdout: string; stderr: string }): string => {
      expect(r.status, r.stdout).to.equal(2);
      expect(r.stdout).to.equal('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(r.stderr).to.not.match(/\bat .+:\d+:\d+/); // no stack trace
      return lines[0]!;
    };

    it('gives one-line errors for a missing repo, a missing revision, a gated repo and an unreachable Hub — never the token', async () => {
      const env = { HF_TOKEN: '' };
      expect(oneLineError(await runCliAsync(['check', 'hf:acme/nope', '--endpoint', hub.url], { env }))).to.contain(`hf:acme/nope not found on ${hub.url}`);
      expect(oneLineError(await runCliAsync(['check', 'hf:acme/big@nope', '--endpoint', hub.url], { env }))).to.contain("revision 'nope' not found in hf:acme/big");
      expect(oneLineError(await runCliAsync(['check', 'hf:acme/gated', '--endpoint', hub.url], { env }))).to.contain('set HF_TOKEN or pass --token');
      const bad = 'hf_wrong_token_abcdefghijklmnopqrstuvwx';
      const refused = await runCliAsync(['check', 'hf:acme/gated', '--endpoint', hub.url, '--token', bad], { env });
      expect(oneLineError(refused)).to.contain('token');
      expect(refused.stderr + refused.stdout).to.not.contain(bad);
      expect(oneLineError(await runCliAsync(['check', 'hf:acme/big', '--endpoint', 'http://127.0.0.1:1'], { env }))).to.contain('cannot reach http://127.0.0.1:1');
      expect(oneLineError(await runCliAsync(['check', 'not a ref'], { env }))).to.contain("'not a ref' is not a Hub reference");
    });
  });
});
