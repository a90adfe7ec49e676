import { expect } from 'chai';
import fc from 'fast-check';
import { HubClient } from '../../../src/sources/hub/client.js';
import { HubError } from '../../../src/sources/hub/errors.js';
import { parseHubRef } from '../../../src/sources/hub/ref.js';
import { resolveHubRepo } from '../../../src/sources/hub/resolve.js';
import { generatedContent, startFakeHub, type FakeHub } from '../../helpers/fake-hub.js';
import { CONFIG, gitBlobOid, MAIN, OLD, PR, safetensors, sha256, tinyRepo } from './repos.js';

const FAST = { retries: 1, baseDelayMs: 1, maxDelayMs: 2, maxWaitMs: 1000 };
const XET_COMMIT = 'abcabcabcabcabcabcabcabcabcabcabcabcabca';

/** A base fetch that rewrites tree listings, standing in for a broken or hostile endpoint. */
function rewritingTree(edit: (entries: Record<string, unknown>[]) => unknown): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('/tree/') || !res.ok) return res;
    const body = JSON.stringify(edit((await res.json()) as Record<string, unknown>[]));
    return new Response(body, { status: 200, headers: res.headers });
  }) as typeof fetch;
}

async function resolveError(ref: string, options: Parameters<typeof resolveHubRepo>[1]): Promise<HubError> {
  try {
    await resolveHubRepo(parseHubRef(ref)!, options);
  } catch (err) {
    expect(err).to.be.instanceOf(HubError);
    return err as HubError;
  }
  expect.fail('expected a HubError');
}

describe('resolveHubRepo', () => {
  let hub: FakeHub;
  before(async () => {
    const xet = {
      id: 'acme/xet',
      commits: [{
        sha: XET_COMMIT,
        branches: ['main'],
        files: [
          { path: 'both.bin', content: generatedContent(5000, 1), lfs: true, xet: true },
          { path: 'xet-only.bin', content: generatedContent(6000, 2), xet: true },
        ],
      }],
    };
    const data = { ...tinyRepo(), id: 'acme/data', type: 'dataset' as const };
    hub = await startFakeHub([tinyRepo(), xet, data], { pageSize: 2 });
  });
  after(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
  });
  const opts = (): { endpoint: string; env: Record<string, string>; retry: typeof FAST } => ({ endpoint: hub.url, env: {}, retry: FAST });

  it('resolves the default branch to its commit first, then lists every file at that commit across pages', async () => {
    const resolved = await resolveHubRepo(parseHubRef('hf:acme/tiny')!, opts());
    expect(resolved.commit).to.equal(MAIN);
    expect(resolved.files.map((f) => f.path)).to.deep.equal([
      'README.md', 'config.json', 'empty/__init__.py', 'model.safetensors', 'sub/extra.bin', 'sub/notes.txt',
    ]);
    const [info, ...pages] = hub.requests;
    expect(info!.path).to.equal('/api/models/acme/tiny/revision/main');
    expect(pages.map((r) => r.path)).to.deep.equal(Array(4).fill(`/api/models/acme/tiny/tree/${MAIN}`));
    expect(pages.every((r) => r.query.startsWith('recursive=true&expand=true'))).to.equal(true);
  });

  it('keeps the LFS SHA-256 as a content hash, and the git blob id apart', async () => {
    const { files } = await resolveHubRepo(parseHubRef('acme/tiny')!, opts());
    const byPath = new Map(files.map((f) => [f.path, f]));
    expect(byPath.get('config.json')).to.deep.equal({ path: 'config.json', size: CONFIG.length, gitOid: gitBlobOid(CONFIG), hubScan: { status: 'safe' } });
    const weights = byPath.get('model.safetensors')!;
    expect(weights.lfsSha256).to.equal(sha256(safetensors()));
    expect(weights.pointer).to.equal(true);
    expect(weights.gitOid).to.match(/^[0-9a-f]{40}$/).and.not.equal(gitBlobOid(safetensors()));
  });

  it('keeps a Xet hash apart from the SHA-256: a Xet-only file has no lfsSha256', async () => {
    const { files } = await resolveHubRepo(parseHubRef('hf:acme/xet')!, opts());
    const [both, xetOnly] = files;
    expect(both!.lfsSha256).to.match(/^[0-9a-f]{64}$/);
    expect(both!.xetHash).to.match(/^[0-9a-f]{64}$/).and.not.equal(both!.lfsSha256);
    expect(xetOnly!.lfsSha256).to.equal(undefined);
    expect(xetOnly!.xetHash).to.match(/^[0-9a-f]{64}$/);
    expect(xetOnly!.pointer).to.equal(true);
  });

  it('resolves tags, commits, PR refs and URL references at their own commits', async () => {
    expect((await resolveHubRepo(parseHubRef('hf:acme/tiny@v1')!, opts())).commit).to.equal(OLD);
    expect((await resolveHubRepo(parseHubRef(`hf:acme/tiny@${OLD}`)!, opts())).files.map((f) => f.path)).to.deep.equal(['config.json']);
    const pr = await resolveHubRepo(parseHubRef('hf:acme/tiny@refs/pr/1')!, opts());
    expect(pr.commit).to.equal(PR);
    expect(hub.requests.at(-1)!.path).to.equal(`/api/models/acme/tiny/tree/${PR}`);
    const url = await resolveHubRepo(parseHubRef(`${hub.url}/acme/tiny/tree/refs%2Fpr%2F1`)!, { env: {}, retry: FAST });
    expect(url.commit).to.equal(PR);
  });

  it('resolves dataset repos through the dataset endpoints', async () => {
    const resolved = await resolveHubRepo(parseHubRef('hf:datasets/acme/data')!, opts());
    expect(resolved.commit).to.equal(MAIN);
    expect(hub.requests[0]!.path).to.equal('/api/datasets/acme/data/revision/main');
  });

  it('reuses a client given in the options', async () => {
    const client = new HubClient(opts());
    await resolveHubRepo(parseHubRef('hf:acme/tiny')!, { client });
    expect(client.stats.totalBytes).to.be.above(0);
  });

  it('refuses a listing that is not what the types say', async () => {
    const cases: Array<[string, (e: Record<string, unknown>[]) => unknown, string]> = [
      ['an escaping path', (e) => e.map((x) => (x['path'] === 'config.json' ? { ...x, path: '../../etc/passwd' } : x)), 'unsafe path'],
      ['an absolute path', (e) => e.map((x) => (x['path'] === 'config.json' ? { ...x, path: '/etc/passwd' } : x)), 'unsafe path'],
      ['a negative size', (e) => e.map((x) => (x['path'] === 'config.json' ? { ...x, size: -1 } : x)), "'config.json' has no valid size"],
      ['no git blob id', (e) => e.map((x) => (x['path'] === 'config.json' ? { ...x, oid: 'zz' } : x)), "'config.json' has no git blob id"],
      ['LFS size disagreeing', (e) => e.map((x) => (x['lfs'] ? { ...x, lfs: { ...(x['lfs'] as object), size: 1 } } : x)), 'has LFS size 1'],
      ['a duplicate', (e) => [...e, ...e.filter((x) => x['type'] === 'file')], 'listed'],
      ['a submodule', (e) => [...e, { type: 'unknown', path: 'sub2', oid: 'a'.repeat(40), size: 0 }], "as 'unknown'"],
    ];
    for (const [what, edit, message] of cases) {
      const err = await resolveError('hf:acme/tiny', { ...opts(), fetch: rewritingTree(edit) });
      expect(err.kind, what).to.equal('bad-response');
      expect(err.message, what).to.include(message);
      expect(err.message, what).to.not.match(/[\r\n]/);
    }
  });

  it('ignores an LFS oid that is not a SHA-256, and stops at maxFiles', async () => {
    const weak = await resolveHubRepo(parseHubRef('hf:acme/tiny')!, {
      ...opts(),
      fetch: rewritingTree((e) => e.map((x) => (x['lfs'] ? { ...x, lfs: { ...(x['lfs'] as object), oid: 'md5:abc' } } : x))),
    });
    expect(weak.files.find((f) => f.path === 'model.safetensors')!.lfsSha256).to.equal(undefined);
    const err = await resolveError('hf:acme/tiny', { ...opts(), maxFiles: 3 });
    expect(err.message).to.equal(`${hub.url} listed more than 3 entries for hf:acme/tiny@${MAIN}: not analysed`);
  });

  it('refuses a commit that resolves to a different commit', async () => {
    const lying = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/revision/')) return res;
      const doc = (await res.json()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...doc, sha: PR }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
    const err = await resolveError(`hf:acme/tiny@${OLD}`, { ...opts(), fetch: lying });
    expect(err.message).to.equal(`${hub.url} resolved commit ${OLD} of hf:acme/tiny to a different commit ${PR}`);
    const none = await resolveError('hf:acme/tiny', {
      ...opts(),
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        const res = await fetch(input, init);
        if (!String(input).includes('/revision/')) return res;
        return new Response(JSON.stringify({ _id: 'x', id: 'acme/tiny', lastModified: '2024-01-01T00:00:00.000Z' }), {
          status: 200, headers: { 'Content-Type': 'application/json' },
        });
      }) as typeof fetch,
    });
    expect(none.message).to.equal(`${hub.url} gave no commit id for hf:acme/tiny@main`);
  });

  it('fails closed on any listing a hostile endpoint may send: a HubError or a checked file list, nothing else', async () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
      fc.constantFrom('a'.repeat(40), 'b'.repeat(64), '../x', '/abs', 'ok.bin', 'file', 'directory', -1, 2 ** 60));
    const entry = fc.record({ type: value, path: value, size: value, oid: value, lfs: fc.option(fc.record({ oid: value, size: value }), { nil: undefined }), xetHash: value }, { requiredKeys: [] });
    const listing = fc.oneof(fc.array(entry, { maxLength: 5 }), value, fc.dictionary(fc.string({ maxLength: 5 }), value));
    await fc.assert(
      fc.asyncProperty(listing, async (body) => {
        try {
          const resolved = await resolveHubRepo(parseHubRef('hf:acme/tiny')!, { ...opts(), fetch: rewritingTree(() => body) });
          for (const f of resolved.files) {
            expect(f.path.split('/')).to.not.include('..');
            expect(Number.isSafeInteger(f.size) && f.size >= 0).to.equal(true);
            expect(f.gitOid).to.match(/^[0-9a-f]{40}$/);
            if (f.lfsSha256 !== undefined) expect(f.lfsSha256).to.match(/^[0-9a-f]{64}$/);
          }
        } catch (err) {
          expect(err).to.be.instanceOf(HubError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
