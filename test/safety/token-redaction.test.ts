/**
 * A Hugging Face token never appears in stdout, stderr or any file modelvet writes: `check`,
 * `lock` and `bom` of `hf:` repos on the fake Hub (test/helpers/fake-hub.ts), the token given by
 * `--token` and by `HF_TOKEN` (each command sees both across the scenarios), with `--debug`, in
 * success and in every failure: 401 (a token the Hub refuses), 403 (a gated repo the token is not
 * granted), 404, 500, a dropped connection, a closed port; and a password in the endpoint
 * URL's user-info (http and another scheme). What is searched for: the whole token and its distinctive middle, so a truncated or
 * re-wrapped token counts too.
 */
import { pool } from '../../src/util/pool.js';
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeRepoFromFolder, startFakeHub, type FakeHub, type FailureSpec } from '../helpers/fake-hub.js';
import { runCliAsync, type CliResult } from '../helpers/cli.js';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SECRET = 'hf_SafetyBenchSecretTokenQx7Zt9Lw3Pk';
/** A part no message would contain by chance: what a partly printed token still shows. */
const SECRET_CORE = 'SecretTokenQx7Zt9';
/** A credential in an endpoint URL that does not look like a Hub token, so only URL redaction can hide it. */
const URL_PASSWORD = 'proxyPassw0rdMv42';

interface Scenario {
  name: string;
  repo: string;
  /** Hub options for this scenario's own server. */
  tokens?: string[];
  failures?: FailureSpec[];
  /** Point at a port nobody listens on instead of the Hub. */
  closedPort?: boolean;
  /** Put a password in the endpoint URL's user-info, under this scheme. */
  inUrl?: 'http' | 'ftp';
  /** The outcome: success or a failure exit. */
  ok: boolean;
  /** Commands run in this scenario (default all): the slow network failures are not repeated for every command. */
  commands?: string[];
}

const SCENARIOS: Scenario[] = [
  { name: 'success', repo: 'acme/model', tokens: [SECRET], ok: true },
  { name: '401: the Hub refuses the token', repo: 'acme/model', tokens: ['hf_some_other_token'], ok: false },
  { name: '403: a gated repo the token is not granted', repo: 'acme/gated', tokens: [SECRET, 'hf_granted_token'], ok: false },
  { name: '404: no such repo', repo: 'acme/missing', tokens: [SECRET], ok: false },
  { name: '500 on every request', repo: 'acme/model', tokens: [SECRET], failures: [{ count: 10_000, status: 500, body: 'internal error' }], ok: false },
  { name: 'dropped connections', repo: 'acme/model', tokens: [SECRET], failures: [{ count: 10_000, drop: true }], ok: false },
  { name: 'a closed port', repo: 'acme/model', closedPort: true, ok: false, commands: ['check'] },
  // fetch refuses a URL with credentials: the request fails, and the message names the endpoint without them.
  { name: 'a password in the endpoint URL', repo: 'acme/model', tokens: [SECRET], inUrl: 'http', ok: false, commands: ['check', 'bom'] },
  // Not an http(s) URL: refused at once, the message quoting the endpoint it refused.
  { name: 'a password in a non-http endpoint URL', repo: 'acme/model', closedPort: true, inUrl: 'ftp', ok: false, commands: ['check', 'lock'] },
];

type Via = 'flag' | 'env';

interface Command {
  name: string;
  args: (ref: string, dir: string) => string[];
}

const COMMANDS: Command[] = [
  { name: 'check', args: (ref, dir) => ['check', ref, '--format', 'json', '--fail-on', 'none', '--output', join(dir, 'check.json')] },
  { name: 'lock', args: (ref, dir) => ['lock', ref, '--lockfile', join(dir, 'modelvet.lock.json'), '--no-progress'] },
  { name: 'bom', args: (ref, dir) => ['bom', ref, '--output', join(dir, 'bom.cdx.json')] },
];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every file under `dir` whose bytes hold the token. */
function filesHolding(dir: string, needle: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...filesHolding(abs, needle));
    else if (readFileSync(abs).includes(needle)) out.push(abs);
  }
  return out;
}

/** Runs at most `n` at once (the machine is shared). */
const limited = <T>(n: number, jobs: Array<() => Promise<T>>): Promise<T[]> => pool(jobs, n, (job) => job());

describe('tokens are redacted everywhere (check, lock, bom hf: against the fake Hub)', function () {
  this.timeout(600_000);
  let base: string;
  let model: string;
  const hubs: FakeHub[] = [];
  const hubOf = new Map<string, FakeHub>();

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'modelvet-token-'));
    model = join(base, 'model');
    mkdirSync(model);
    copyFileSync(join(FIXTURES, 'benign/safetensors/torch-state-dict.safetensors'), join(model, 'model.safetensors'));
    copyFileSync(join(FIXTURES, 'bom/tiny-gpt2/config.json'), join(model, 'config.json'));
    writeFileSync(join(model, 'README.md'), '---\nlicense: apache-2.0\n---\n# model\n');
  });
  after(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    rmSync(base, { recursive: true, force: true });
  });

  it('never shows the token, given by --token or HF_TOKEN, with --debug, in success and every failure', async () => {
    const runs: Array<() => Promise<{ label: string; r: CliResult; dir: string; ok: boolean }>> = [];
    for (const [s, scenario] of SCENARIOS.entries()) {
      let endpoint: string;
      if (scenario.closedPort) endpoint = `http://127.0.0.1:${await closedPort()}`;
      else {
        const repo = fakeRepoFromFolder('acme/model', model);
        const gated = { ...fakeRepoFromFolder('acme/gated', model), gated: 'manual' as const, grantedTokens: ['hf_granted_token'] };
        const hub = await startFakeHub([repo, gated], { ...(scenario.tokens ? { tokens: scenario.tokens } : {}), ...(scenario.failures ? { failures: scenario.failures } : {}) });
        hubs.push(hub);
        hubOf.set(scenario.name, hub);
        endpoint = hub.url;
      }
      if (scenario.inUrl) endpoint = endpoint.replace('http://', `${scenario.inUrl}://user:${URL_PASSWORD}@`);
      for (const [c, command] of COMMANDS.entries()) {
        if (scenario.commands && !scenario.commands.includes(command.name)) continue;
        // Each command gets the token both ways across the scenarios.
        const via: Via = (s + c) % 2 === 0 ? 'flag' : 'env';
        const dir = join(base, `s${s}-${command.name}`);
        mkdirSync(dir);
        const args = [...command.args(`hf:${scenario.repo}`, dir), '--endpoint', endpoint, '--debug', ...(via === 'flag' ? ['--token', SECRET] : [])];
        const env = { HF_TOKEN: via === 'env' ? SECRET : '', HF_HUB_OFFLINE: '', HF_ENDPOINT: '' };
        runs.push(async () => ({ label: `${command.name} (${scenario.name}, token by ${via === 'flag' ? '--token' : 'HF_TOKEN'})`, r: await runCliAsync(args, { cwd: dir, env }), dir, ok: scenario.ok }));
      }
    }
    // Three at once: the failure scenarios spend most of their time in the client's retry back-off.
    const results = await limited(3, runs);
    for (const { label, r, dir, ok } of results) {
      // The scenario happened as intended (otherwise a token-free path was tested).
      if (ok) expect(r.status, `${label}: ${r.stderr}`).to.be.oneOf([0, 1]);
      else {
        expect(r.status, `${label}: ${r.stdout}${r.stderr}`).to.equal(2);
        expect(r.stderr, label).to.match(/modelvet: /);
      }
      for (const needle of [SECRET, SECRET_CORE, URL_PASSWORD]) {
        expect(r.stdout.includes(needle), `${label}: stdout shows the token:\n${r.stdout}`).to.equal(false);
        expect(r.stderr.includes(needle), `${label}: stderr shows the token:\n${r.stderr}`).to.equal(false);
        expect(filesHolding(dir, needle), `${label}: files holding the token`).to.deep.equal([]);
      }
    }
    // The token travelled: accepted in the success scenario, refused in the 401 one.
    expect(hubOf.get('success')!.requests.some((q) => q.auth === 'valid')).to.equal(true);
    expect(hubOf.get('401: the Hub refuses the token')!.requests.some((q) => q.auth === 'invalid')).to.equal(true);
    // The successful runs wrote their files (so "no file holds the token" was tested on real output).
    const wrote = results.filter((x) => x.ok).flatMap((x) => readdirSync(x.dir));
    expect(wrote).to.include.members(['check.json', 'modelvet.lock.json', 'bom.cdx.json']);
  });
});
