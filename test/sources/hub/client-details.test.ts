import { hubError } from './hub-error.js';
import { expect } from 'chai';
import { HubClient } from '../../../src/sources/hub/client.js';
import { HubError } from '../../../src/sources/hub/errors.js';
import { hubScanOf, resolveHubRepo } from '../../../src/sources/hub/resolve.js';
import { startFakeHub, type FakeHub, type FakeRepo } from '../../helpers/fake-hub.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const TOKEN = 'hf_fake_valid_token';
const FAST = { retries: 2, baseDelayMs: 1, maxDelayMs: 2, maxWaitMs: 60_000 };
const MODEL = { repo: 'acme/model', repoType: 'model' } as const;

/** A repo info document as the Hub sends it, with `__proto__` as an own key (JSON.parse makes it one). */
const HOSTILE_CARD = JSON.parse('{"license": "mit", "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "base_model": ["org/base"]}') as Record<string, unknown>;

function deep(levels: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = { next: v };
  return v;
}

const repo = (id: string, info: Record<string, unknown>, extra: Partial<FakeRepo> = {}): FakeRepo => ({
  id,
  info,
  commits: [{ sha: SHA, branch: 'main', files: [{ path: 'config.json', content: '{}' }] }],
  ...extra,
});


describe('HubClient.modelDetails', () => {
  let hub: FakeHub;
  let client: HubClient;
  before(async () => {
    hub = await startFakeHub([
      repo('acme/model', {
        pipeline_tag: 'text-generation',
        library_name: 'transformers',
        tags: ['transformers', 'license:mit', 'transformers'],
        cardData: HOSTILE_CARD,
        config: { model_type: 'llama', auto_map: { AutoModel: 'modeling_x.MyModel' } },
      }, { gated: 'manual', grantedTokens: [TOKEN] }),
      repo('acme/hostile', {
        author: { name: 'not a string' },
        private: 'yes',
        gated: 'sometimes',
        disabled: 1,
        pipeline_tag: 'x'.repeat(500),
        library_name: 'evil\u001b[31m',
        tags: ['ok', 5, 'x'.repeat(10_000), 'bell\u0007', null, 'ok'],
        cardData: ['a', 'list'],
        config: deep(100),
      }),
      repo('acme/big-card', { cardData: { list: Array.from({ length: 6000 }, (_, i) => i), text: 'y'.repeat(70_000), k: 'v' } }),
      repo('acme/other-sha', { sha: 'f'.repeat(40) }),
      repo('acme/data', { tags: ['task_categories:text'], cardData: { license: 'cc-by-4.0' } }, { type: 'dataset', gated: 'auto' }),
      repo('acme/app', { sdk: 'gradio', cardData: { title: 'App' } }, { type: 'space' }),
      repo('acme/private', {}, { private: true, grantedTokens: [TOKEN] }),
    ]);
    client = new HubClient({ endpoint: hub.url, env: {}, retry: FAST, token: TOKEN });
  });
  after(() => hub.close());

  it('reads the model fields at the commit, with the expand keys the library allows', async () => {
    const before = hub.requests.length;
    const d = await client.modelDetails(MODEL, SHA);
    expect(d).to.include({ sha: SHA, author: 'acme', private: false, gated: 'manual', disabled: false, pipelineTag: 'text-generation', libraryName: 'transformers' });
    expect(d.tags).to.deep.equal(['transformers', 'license:mit']);
    expect(d.cardData?.['license']).to.equal('mit');
    expect(d.cardData?.['base_model']).to.deep.equal(['org/base']);
    expect(d.config?.['model_type']).to.equal('llama');
    expect(d.lastModified).to.equal('2024-01-01T00:00:00.000Z');
    expect(d.invalidFields).to.deep.equal([]);
    const [req] = hub.requests.slice(before);
    expect(req!.path).to.equal(`/api/models/acme/model/revision/${SHA}`);
    for (const key of ['author', 'cardData', 'tags', 'library_name', 'disabled', 'config', 'sha']) expect(req!.query).to.include(`expand=${key}`);
    expect(req!.auth).to.equal('valid');
  });

  it('keeps hostile keys as plain data: null-prototype objects, no prototype reached', async () => {
    const d = await client.modelDetails(MODEL, SHA);
    const card = d.cardData!;
    expect(Object.getPrototypeOf(card)).to.equal(null);
    expect(Object.keys(card)).to.include('__proto__').and.include('constructor');
    expect((card['__proto__'] as Record<string, unknown>)['polluted']).to.equal('yes');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect((Object.prototype as unknown as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.getPrototypeOf(d.config!['auto_map'])).to.equal(null);
  });

  it('drops fields of the wrong shape and says which; strings with control characters and overlong ones are not kept', async () => {
    const d = await client.modelDetails({ repo: 'acme/hostile', repoType: 'model' }, SHA);
    expect(d).to.not.have.any.keys('author', 'private', 'gated', 'disabled', 'pipelineTag', 'libraryName', 'cardData');
    expect(d.tags).to.deep.equal(['ok']);
    expect(d.invalidFields).to.have.members(['author', 'private', 'gated', 'disabled', 'pipeline_tag', 'library_name', 'tags', 'cardData', 'config']);
    // Nested 100 levels: 32 levels of objects kept (the root and 31 below it), the rest cut.
    let node: unknown = d.config;
    let depth = 0;
    while (node && typeof node === 'object' && 'next' in node) {
      node = (node as Record<string, unknown>)['next'];
      depth++;
    }
    expect(depth).to.equal(31);
  });

  it('caps lists and strings of the card, and names the card as cut short', async () => {
    const d = await client.modelDetails({ repo: 'acme/big-card', repoType: 'model' }, SHA);
    expect((d.cardData!['list'] as unknown[]).length).to.equal(5000);
    expect((d.cardData!['text'] as string).length).to.equal(64 * 1024);
    expect(d.cardData!['k']).to.equal('v');
    expect(d.invalidFields).to.deep.equal(['cardData']);
  });

  it('refuses a document about another commit', async () => {
    const err = await hubError(() => client.modelDetails({ repo: 'acme/other-sha', repoType: 'model' }, SHA));
    expect(err.kind).to.equal('bad-response');
    expect(err.message).to.equal(`${hub.url} described commit ${'f'.repeat(40)} of hf:acme/other-sha when asked for ${SHA}`);
  });

  it('datasets and spaces: their own fields (a space has no gate, no pipeline or library)', async () => {
    const data = await client.modelDetails({ repo: 'acme/data', repoType: 'dataset' }, SHA);
    expect(data).to.include({ sha: SHA, author: 'acme', gated: 'auto', private: false, disabled: false });
    expect(data.tags).to.deep.equal(['task_categories:text']);
    expect(data.cardData?.['license']).to.equal('cc-by-4.0');
    expect(hub.requests.at(-1)!.path).to.equal(`/api/datasets/acme/data/revision/${SHA}`);
    const app = await client.modelDetails({ repo: 'acme/app', repoType: 'space' }, SHA);
    expect(app).to.include({ sha: SHA, author: 'acme', private: false });
    expect(app).to.not.have.any.keys('gated', 'pipelineTag', 'libraryName', 'config');
    expect(app.cardData?.['title']).to.equal('App');
  });

  it('maps failures as every other call: auth, missing repo, a document too large', async () => {
    const anon = new HubClient({ endpoint: hub.url, env: {}, retry: FAST });
    const auth = await hubError(() => anon.modelDetails({ repo: 'acme/private', repoType: 'model' }, SHA));
    expect(auth.kind).to.equal('auth');
    expect(auth.message).to.equal('hf:acme/private is gated or private: set HF_TOKEN or pass --token');
    const missing = await hubError(() => client.modelDetails({ repo: 'acme/none', repoType: 'model' }, SHA));
    expect(missing.kind).to.equal('repo-not-found');
    hub.fail({ match: '/api/models/acme/model/', count: 1, status: 200, headers: { 'Content-Type': 'application/json' }, body: `{"_id":"x","id":"acme/model","lastModified":"2024-01-01","cardData":{"t":"${'z'.repeat(33 * 1024 * 1024)}"}}` });
    const big = await hubError(() => client.modelDetails(MODEL, SHA));
    expect(big.kind).to.equal('bad-response');
    expect(big.message).to.equal(`${hub.url} sent a repo document larger than 32 MiB`);
    hub.fail({ match: '/api/models/acme/model/', count: 1, status: 200, headers: { 'Content-Type': 'application/json' }, body: 'null' });
    const nothing = await hubError(() => client.modelDetails(MODEL, SHA));
    expect(nothing.kind).to.equal('bad-response');
    expect(nothing.message).to.not.match(/[\r\n]/);
  });
});

describe('HubClient.securityStatus', () => {
  let hub: FakeHub;
  let client: HubClient;
  const waits: number[] = [];
  before(async () => {
    hub = await startFakeHub([
      repo('acme/scanned', {}, { securityStatus: { scansDone: true, filesWithIssues: [{ path: 'sub/extra.bin', level: 'unsafe', extra: 1 }, { path: 5 }, 'junk', null, { path: 'a.pkl', level: 'caution' }, { path: 'bad\u001b', level: 'unsafe' }], future: { x: 1 } } }),
      repo('acme/pending', {}, { securityStatus: { scansDone: false } }),
      repo('acme/weird', {}, { securityStatus: { scansDone: 'yes', filesWithIssues: { path: 'x' } } }),
      repo('acme/none', {}, { securityStatus: 'not an object' as unknown as Record<string, unknown> }),
      repo('acme/private', {}, { private: true, grantedTokens: [TOKEN] }),
    ]);
    client = new HubClient({ endpoint: hub.url, env: {}, retry: FAST, sleep: async (ms) => void waits.push(ms) });
  });
  after(() => hub.close());

  const ref = (name: string) => ({ repo: `acme/${name}`, repoType: 'model' }) as const;

  it('asks for the commit with securityStatus=true and no expand, and keeps only well-formed items', async () => {
    const before = hub.requests.length;
    expect(await client.securityStatus(ref('scanned'), SHA)).to.deep.equal({
      scansDone: true,
      filesWithIssues: [{ path: 'sub/extra.bin', level: 'unsafe' }, { path: 'a.pkl', level: 'caution' }],
    });
    const [req] = hub.requests.slice(before);
    expect(req!.path).to.equal(`/api/models/acme/scanned/revision/${SHA}`);
    expect(req!.query).to.equal('securityStatus=true');
  });

  it('tolerates missing and wrong shapes', async () => {
    expect(await client.securityStatus(ref('pending'), SHA)).to.deep.equal({ scansDone: false, filesWithIssues: [] });
    expect(await client.securityStatus(ref('weird'), SHA)).to.deep.equal({ filesWithIssues: [] });
    expect(await client.securityStatus(ref('none'), SHA)).to.equal(undefined);
  });

  it('undefined from a mirror without it (4xx, a body that is not JSON); auth, rate-limit and server failures are errors', async () => {
    hub.fail({ match: /securityStatus=true/, count: 1, status: 404 });
    expect(await client.securityStatus(ref('scanned'), SHA)).to.equal(undefined);
    hub.fail({ match: /securityStatus=true/, count: 1, status: 400 });
    expect(await client.securityStatus(ref('scanned'), SHA)).to.equal(undefined);
    hub.fail({ match: /securityStatus=true/, count: 1, status: 200, body: '<html>mirror</html>' });
    expect(await client.securityStatus(ref('scanned'), SHA)).to.equal(undefined);

    const auth = await hubError(() => client.securityStatus(ref('private'), SHA));
    expect(auth.kind).to.equal('auth');
    hub.fail({ match: /securityStatus=true/, count: 3, status: 503 });
    expect((await hubError(() => client.securityStatus(ref('scanned'), SHA))).kind).to.equal('server');
    waits.length = 0;
    hub.fail({ match: /securityStatus=true/, count: 3, status: 429, headers: { 'Retry-After': '9' } });
    const limited = await hubError(() => client.securityStatus(ref('scanned'), SHA));
    expect(limited.kind).to.equal('rate-limited');
    expect(limited.message).to.equal(`${hub.url} is rate limiting requests (HTTP 429): try again in 9 s`);
    expect(waits).to.deep.equal([9000, 9000]);
  });
});

describe('listing: the Hub scan of each file (securityFileStatus)', () => {
  it('keeps the status and the pickle imports as module.name, drops malformed parts', async () => {
    const imports = [
      { module: 'os', name: 'system', safety: 'dangerous' },
      { module: 'torch._utils', name: '_rebuild_tensor_v2', safety: 'innocuous' },
      { module: 5, name: 'x' },
      'junk',
      { module: 'os', name: 'system' },
      { module: 'evil\u001b[2J', name: 'x' },
    ];
    const hub = await startFakeHub([{
      id: 'acme/scan',
      commits: [{
        sha: SHA,
        branch: 'main',
        files: [
          { path: 'a.bin', content: 'a', security: { status: 'unsafe', avScan: { status: 'safe' }, pickleImportScan: { status: 'unsafe', imports }, jFrogScan: { status: 'unscanned' } } },
          { path: 'b.bin', content: 'b', security: { status: 42 } },
          { path: 'c.json', content: 'c' },
          { path: 'd.bin', content: 'd', security: { status: 'caution', pickleImportScan: { imports: 'none' } } },
        ],
      }],
    }]);
    try {
      const { files } = await resolveHubRepo({ repo: 'acme/scan', repoType: 'model' }, { endpoint: hub.url, env: {}, retry: FAST });
      const scans = Object.fromEntries(files.map((f) => [f.path, f.hubScan]));
      expect(scans).to.deep.equal({
        'a.bin': { status: 'unsafe', pickleImports: ['os.system', 'torch._utils._rebuild_tensor_v2'] },
        'b.bin': undefined,
        // The fake's default for a file it has no scan for.
        'c.json': { status: 'safe' },
        'd.bin': { status: 'caution' },
      });
    } finally {
      await hub.close();
    }
  });

  it('caps the imports kept and refuses statuses that are not short strings', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ module: 'm', name: `f${i}` }));
    expect(hubScanOf({ status: 'unsafe', pickleImportScan: { imports: many } })!.pickleImports).to.have.length(256);
    expect(hubScanOf({ status: 'x'.repeat(65) })).to.equal(undefined);
    expect(hubScanOf({ status: '' })).to.equal(undefined);
    expect(hubScanOf(['safe'])).to.equal(undefined);
    expect(hubScanOf(null)).to.equal(undefined);
    const polluted = JSON.parse('{"status": "safe", "__proto__": {"pickleImportScan": {"imports": [{"module": "os", "name": "system"}]}}}') as unknown;
    expect(hubScanOf(polluted)).to.deep.equal({ status: 'safe' });
  });
});
