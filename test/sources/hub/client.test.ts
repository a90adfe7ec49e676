import { hubError } from './hub-error.js';
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { HubClient } from '../../../src/sources/hub/client.js';
import { HubError, redact } from '../../../src/sources/hub/errors.js';
import { resolveHubRepo } from '../../../src/sources/hub/resolve.js';
import { UsageError } from '../../../src/util/errors.js';
import { startFakeHub, type FakeHub, type FakeRepo } from '../../helpers/fake-hub.js';
import { CONFIG, MAIN, tinyRepo, TOKEN } from './repos.js';

const TINY = { repo: 'acme/tiny', repoType: 'model' } as const;
const FAST = { retries: 3, baseDelayMs: 1, maxDelayMs: 5, maxWaitMs: 60_000 };


function oneLine(err: Error): void {
  expect(err.message).to.not.match(/[\r\n]/);
  expect(err.message.length).to.be.below(300);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Hub client configuration', () => {
  it('takes the endpoint from the option, then HF_ENDPOINT, then huggingface.co, without a trailing slash', () => {
    expect(new HubClient({ endpoint: 'http://127.0.0.1:1/', env: { HF_ENDPOINT: 'https://mirror.example' } }).endpoint).to.equal('http://127.0.0.1:1');
    expect(new HubClient({ env: { HF_ENDPOINT: 'https://mirror.example/' } }).endpoint).to.equal('https://mirror.example');
    expect(new HubClient({ env: {} }).endpoint).to.equal('https://huggingface.co');
  });

  it('takes the token from the option, then HF_TOKEN, and never shows it', () => {
    const secret = 'hf_SecretFromEnvironment123';
    const client = new HubClient({ env: { HF_TOKEN: secret } });
    expect(client.hasToken).to.equal(true);
    expect(inspect(client)).to.not.include(secret);
    expect(JSON.stringify(client)).to.not.include(secret);
    expect(new HubClient({ token: 'hf_fromOption123', env: { HF_TOKEN: secret } }).hasToken).to.equal(true);
    expect(new HubClient({ env: { HF_TOKEN: '  ' } }).hasToken).to.equal(false);
  });

  it('refuses a token that is not a Hub token without echoing it, as a usage error', () => {
    const secret = 'ghp_NotAHubTokenAtAll42';
    let err: unknown;
    try {
      new HubClient({ token: secret, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(UsageError);
    expect((err as HubError).kind).to.equal('bad-token');
    expect((err as Error).message).to.equal('the Hugging Face token (HF_TOKEN or --token) is not a Hub access token: it must start with hf_');
    expect(String((err as Error).stack)).to.not.include(secret);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    for (const endpoint of ['ftp://x', 'not a url', 'https://huggingface.co?x=1']) {
      let err: unknown;
      try {
        new HubClient({ endpoint, env: {} });
      } catch (e) {
        err = e;
      }
      expect((err as HubError).kind, endpoint).to.equal('bad-endpoint');
    }
  });

  it('redacts tokens, URL credentials and control characters from any text', () => {
    expect(redact('Bearer hf_abcdefghijklmnopqrstuvwxyz0123 was refused')).to.equal('Bearer hf_*** was refused');
    expect(redact('org api_org_abcdefghijklmnopqrstuvwxyz')).to.equal('org api_org_***');
    expect(redact("'hf_model.bin' not found")).to.equal("'hf_model.bin' not found");
    expect(redact('see https://user:pw@mirror.example/x')).to.equal('see https://***@mirror.example/x');
    expect(redact('line1\nline2\u001b[31mred')).to.equal('line1 line2 [31mred');
  });
});

describe('Hub client errors, one line each', () => {
  let hub: FakeHub;
  const gated: FakeRepo = { ...tinyRepo(), id: 'acme/gated', gated: 'auto', grantedTokens: [TOKEN] };
  const priv: FakeRepo = { ...tinyRepo(), id: 'acme/private', private: true, grantedTokens: [TOKEN] };
  before(async () => {
    hub = await startFakeHub([tinyRepo(), gated, priv], { tokens: [TOKEN, 'hf_no_access_token'] });
  });
  after(() => hub.close());

  const client = (token?: string): HubClient => new HubClient({ endpoint: hub.url, env: {}, retry: FAST, ...(token ? { token } : {}) });

  it('404 repository (X-Error-Code: RepoNotFound)', async () => {
    const err = await hubError(() => client().repoInfo({ repo: 'acme/none', repoType: 'model' }, 'main'));
    expect(err.kind).to.equal('repo-not-found');
    expect(err.message).to.equal(`hf:acme/none not found on ${hub.url} (if it is private, set HF_TOKEN or pass --token)`);
    oneLine(err);
  });

  it('404 revision (RevisionNotFound), from info and from a tree listing', async () => {
    const err = await hubError(() => client().repoInfo(TINY, 'v9'));
    expect(err.kind).to.equal('revision-not-found');
    expect(err.message).to.equal("revision 'v9' not found in hf:acme/tiny");
    const listing = await hubError(async () => {
      for await (const _ of client().listFiles(TINY, 'nope')) void _;
    });
    expect(listing.message).to.equal("revision 'nope' not found in hf:acme/tiny");
  });

  it('404 entry (EntryNotFound)', async () => {
    const err = await hubError(() => client().download(TINY, 'missing.bin', MAIN));
    expect(err.kind).to.equal('entry-not-found');
    expect(err.message).to.equal(`'missing.bin' not found in hf:acme/tiny at ${MAIN}`);
  });

  it('401 gated without a token, 403 gated with a token not granted', async () => {
    const anon = await hubError(() => client().download({ repo: 'acme/gated', repoType: 'model' }, 'config.json', 'main'));
    expect(anon.kind).to.equal('auth');
    expect(anon.status).to.equal(401);
    expect(anon.message).to.equal(`hf:acme/gated is gated: request access on its page on ${hub.url}, then set HF_TOKEN or pass --token`);
    const denied = await hubError(() => client('hf_no_access_token').download({ repo: 'acme/gated', repoType: 'model' }, 'config.json', 'main'));
    expect(denied.status).to.equal(403);
    expect(denied.message).to.equal(
      `hf:acme/gated is gated and the token given (HF_TOKEN or --token) has not been granted access: request access on its page on ${hub.url}`,
    );
    const blob = await client(TOKEN).download({ repo: 'acme/gated', repoType: 'model' }, 'config.json', 'main');
    expect(await blob.text()).to.equal(CONFIG);
  });

  it('401 private without a token says how to authenticate; a refused token says so; 403 without access', async () => {
    const anon = await hubError(() => client().repoInfo({ repo: 'acme/private', repoType: 'model' }, 'main'));
    expect(anon.message).to.equal('hf:acme/private is gated or private: set HF_TOKEN or pass --token');
    const wrong = await hubError(() => client('hf_wrong_token_value').repoInfo({ repo: 'acme/private', repoType: 'model' }, 'main'));
    expect(wrong.message).to.equal(`${hub.url} refused the token given (HF_TOKEN or --token) while reading hf:acme/private: check that it is valid`);
    const noAccess = await hubError(() => client('hf_no_access_token').repoInfo({ repo: 'acme/private', repoType: 'model' }, 'main'));
    expect(noAccess.message).to.equal(`hf:acme/private not found on ${hub.url} (or the token given has no access to it)`);
    hub.fail({ match: '/acme/tiny/', count: 1, status: 403 });
    const forbidden = await hubError(() => client(TOKEN).repoInfo(TINY, 'main'));
    expect(forbidden.message).to.equal('hf:acme/tiny is gated or private and the token given (HF_TOKEN or --token) has no access to it');
  });

  it('never lets the token into an error, even when the server echoes it back', async () => {
    const secret = 'hf_TopSecretTokenValue0123456789';
    const echo = createServer((req, res) => {
      const body = JSON.stringify({ error: `bad token ${req.headers.authorization}` });
      res.writeHead(400, { 'Content-Type': 'application/json', 'X-Error-Message': `refused ${String(req.headers.authorization)}` });
      res.end(body);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const err = await hubError(() => new HubClient({ endpoint: url, token: secret, env: {}, retry: FAST }).repoInfo(TINY, 'main'));
      expect(err.message).to.include('answered HTTP 400 for hf:acme/tiny');
      expect(err.message).to.not.include(secret);
      expect(String(err.stack)).to.not.include(secret);
      expect(inspect(err)).to.not.include(secret);
      expect(err.message).to.not.match(/hf_[A-Za-z0-9]{4,}/);
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('a response the library cannot read (200 to a range probe) is a one-line bad-response error', async () => {
    const noRange = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/resolve/')) return res;
      return new Response(await res.arrayBuffer(), { status: 200, headers: { ETag: '"x"' } });
    }) as typeof fetch;
    const err = await hubError(() => new HubClient({ endpoint: hub.url, env: {}, retry: FAST, fetch: noRange }).download(TINY, 'config.json', MAIN));
    expect(err.kind).to.equal('bad-response');
    expect(err.message).to.equal(`${hub.url} sent an unexpected response for hf:acme/tiny: Expected size information`);
  });

  it('network down: "cannot reach <endpoint>" after the retries', async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const err = await hubError(() => new HubClient({ endpoint, env: {}, retry: FAST }).repoInfo(TINY, 'main'));
    expect(err.kind).to.equal('network');
    expect(err.message).to.equal(`cannot reach ${endpoint}: ECONNREFUSED`);
  });
});

describe('Hub client retries and rate limits', () => {
  it('retries 429 answers, waiting exactly what Retry-After asks', async () => {
    const hub = await startFakeHub([tinyRepo()]);
    const waits: number[] = [];
    try {
      hub.fail({ match: '/revision/', count: 2, status: 429, headers: { 'Retry-After': '7' } });
      const client = new HubClient({ endpoint: hub.url, env: {}, retry: FAST, sleep: async (ms) => void waits.push(ms) });
      const info = await client.repoInfo(TINY, 'main');
      expect(info.sha).to.equal(MAIN);
      expect(waits).to.deep.equal([7000, 7000]);
      expect(hub.requests.map((r) => r.status)).to.deep.equal([429, 429, 200]);
    } finally {
      await hub.close();
    }
  });

  it('reads the wait from the RateLimit header when there is no Retry-After, and pauses after a spent window', async () => {
    const hub = await startFakeHub([tinyRepo()]);
    const waits: number[] = [];
    try {
      hub.fail({ match: '/revision/', count: 1, status: 429, headers: { RateLimit: '"api";r=0;t=55', 'RateLimit-Policy': '"fixed window";"api";q=500;w=300' } });
      const client = new HubClient({ endpoint: hub.url, env: {}, retry: FAST, sleep: async (ms) => void waits.push(ms) });
      await client.repoInfo(TINY, 'main');
      expect(waits).to.have.length(2);
      // The 429 itself asked for 55 s; the pause before the next request is what is left of it.
      expect(waits[0]).to.equal(55_000);
      expect(waits[1]).to.be.within(50_000, 55_000);
    } finally {
      await hub.close();
    }
  });

  it('retries 503 and dropped connections with growing, jittered backoff', async () => {
    const hub = await startFakeHub([tinyRepo()]);
    const waits: number[] = [];
    try {
      hub.fail({ match: '/revision/', count: 2, status: 503 });
      hub.fail({ match: '/tree/', count: 1, drop: true });
      const client = new HubClient({
        endpoint: hub.url, env: {}, retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 10_000, maxWaitMs: 60_000 },
        sleep: async (ms) => void waits.push(ms),
      });
      const resolved = await resolveHubRepo({ repo: 'acme/tiny', repoType: 'model' }, { client });
      expect(resolved.commit).to.equal(MAIN);
      expect(waits).to.have.length(3);
      expect(waits[0]).to.be.within(50, 100);
      expect(waits[1]).to.be.within(100, 200);
      expect(waits[2]).to.be.within(50, 100);
    } finally {
      await hub.close();
    }
  });

  it('gives up after the retries with a one-line error: 503, and 429 naming the wait', async () => {
    const hub = await startFakeHub([tinyRepo()]);
    try {
      hub.fail({ match: '/revision/', count: 4, status: 503 });
      const client = new HubClient({ endpoint: hub.url, env: {}, retry: FAST });
      const err = await hubError(() => client.repoInfo(TINY, 'main'));
      expect(err.message).to.equal(`${hub.url} failed with HTTP 503 while reading hf:acme/tiny (after 4 attempts)`);
      expect(hub.requests).to.have.length(4);
      hub.requests.length = 0;
      hub.fail({ match: '/revision/', count: 1, status: 429, headers: { 'Retry-After': '3600' } });
      const limited = await hubError(() => new HubClient({ endpoint: hub.url, env: {}, retry: FAST }).repoInfo(TINY, 'main'));
      expect(limited.kind).to.equal('rate-limited');
      expect(limited.message).to.equal(`${hub.url} is rate limiting requests (HTTP 429): try again in 3600 s`);
      expect(hub.requests).to.have.length(1);
    } finally {
      await hub.close();
    }
  });

  it('aborts a stalled download instead of hanging', async () => {
    const hub = await startFakeHub([tinyRepo()]);
    try {
      const client = new HubClient({ endpoint: hub.url, env: {}, retry: { ...FAST, retries: 0 }, idleTimeoutMs: 200 });
      hub.fail({ match: (r) => r.path.endsWith('/config.json') && r.range === undefined, count: 1, stall: true });
      const started = Date.now();
      const err = await hubError(async () => {
        for await (const _ of client.stream(TINY, 'config.json', MAIN)) void _;
      });
      expect(Date.now() - started).to.be.below(5000);
      expect(err.kind).to.equal('network');
      expect(err.message).to.equal(`connection to ${hub.url} failed while reading 'config.json' of hf:acme/tiny: timed out`);
    } finally {
      await hub.close();
    }
  });
});

describe('Hub client transfers', () => {
  it('counts the bytes received per file URL, redirects included', async () => {
    const hub = await startFakeHub([tinyRepo()], { redirectLfs: true });
    try {
      const client = new HubClient({ endpoint: hub.url, env: {}, retry: FAST });
      const blob = await client.download(TINY, 'sub/extra.bin', MAIN);
      const part = await blob.slice(1000, 1100).arrayBuffer();
      expect(part.byteLength).to.equal(100);
      let streamed = 0;
      for await (const chunk of client.stream(TINY, 'config.json', MAIN)) streamed += chunk.byteLength;
      expect(streamed).to.equal(CONFIG.length);
      const extraUrl = client.fileUrl(TINY, 'sub/extra.bin', MAIN);
      // 100 bytes of the slice, plus whatever of the 1-byte probe was read.
      expect(client.stats.bytesFor(extraUrl)).to.be.within(100, 101);
      expect(client.stats.bytesFor(client.fileUrl(TINY, 'config.json', MAIN))).to.be.within(CONFIG.length, CONFIG.length + 1);
    } finally {
      await hub.close();
    }
  });

  it('sends the token to the endpoint only, never to another origin a Link or a caller points at', async () => {
    const seen: Array<string | undefined> = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const hub = await startFakeHub([tinyRepo()], { tokens: [TOKEN] });
    try {
      const client = new HubClient({ endpoint: hub.url, token: TOKEN, env: {}, retry: FAST });
      await client.repoInfo(TINY, 'main');
      expect(hub.requests.at(-1)!.auth).to.equal('valid');
      const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/x`;
      await client.fetch(otherUrl, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(seen).to.deep.equal([undefined]);
    } finally {
      await hub.close();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
