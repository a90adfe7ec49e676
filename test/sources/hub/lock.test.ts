import { expect } from 'chai';
import { HubClient } from '../../../src/sources/hub/client.js';
import { HubError } from '../../../src/sources/hub/errors.js';
import { lockHubModel, type LockHubOptions } from '../../../src/sources/hub/lock.js';
import { parseHubRef } from '../../../src/sources/hub/ref.js';
import { generatedContent, startFakeHub, type FakeHub, type FakeRepo } from '../../helpers/fake-hub.js';
import { BIG_SHA, BIG_SIZE, bigRepo, CONFIG, MAIN, README, safetensors, sha256, tinyRepo, TOKEN } from './repos.js';

const FAST = { retries: 2, baseDelayMs: 1, maxDelayMs: 2, maxWaitMs: 1000 };
const EMPTY_SHA256 = sha256('');

async function lockError(ref: string, options: LockHubOptions): Promise<HubError> {
  try {
    await lockHubModel(parseHubRef(ref)!, options);
  } catch (err) {
    expect(err).to.be.instanceOf(HubError);
    return err as HubError;
  }
  expect.fail('expected a HubError');
}

function repo(id: string, files: FakeRepo['commits'][number]['files'], extra: Partial<FakeRepo> = {}): FakeRepo {
  return { id, commits: [{ sha: sha256(id).slice(0, 40), branch: 'main', files }], ...extra };
}

describe('lockHubModel', () => {
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub(
      [
        tinyRepo(),
        bigRepo(),
        repo('acme/tampered', [{ path: 'config.json', content: CONFIG, served: CONFIG.replace('bert', 'evil') }]),
        repo('acme/longer', [{ path: 'config.json', content: CONFIG, served: `${CONFIG}extra` }]),
        repo('acme/large-git', [
          { path: 'small.txt', content: 'small\n' },
          { path: 'tokenizer.json', content: generatedContent(2 * 1024 * 1024, 5) },
          { path: 'vocab.txt', content: generatedContent(3 * 1024 * 1024, 6) },
        ]),
        repo('acme/xet', [{ path: 'model.bin', content: generatedContent(200_000, 9), xet: true }]),
        repo('acme/gated', [{ path: 'config.json', content: CONFIG }, { path: 'model.safetensors', content: safetensors(), lfs: true }], {
          gated: 'manual', grantedTokens: [TOKEN],
        }),
      ],
      { pageSize: 3, redirectLfs: true, tokens: [TOKEN] },
    );
  });
  after(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
  });
  const opts = (extra: LockHubOptions = {}): LockHubOptions => ({ endpoint: hub.url, env: {}, retry: FAST, ...extra });

  it('locks every file at the resolved commit: LFS from the Hub metadata, small files downloaded and hashed', async () => {
    const locked = await lockHubModel(parseHubRef('hf:acme/tiny')!, opts());
    expect(locked.source).to.deep.equal({ type: 'hf', repo: 'acme/tiny', repoType: 'model', revision: 'main', commit: MAIN });
    expect(locked.files).to.deep.equal([
      { path: 'README.md', size: README.length, sha256: sha256(README), from: 'hub-download' },
      { path: 'config.json', size: CONFIG.length, sha256: sha256(CONFIG), from: 'hub-download' },
      { path: 'empty/__init__.py', size: 0, sha256: EMPTY_SHA256, from: 'hub-download' },
      { path: 'model.safetensors', size: safetensors().length, sha256: sha256(safetensors()), from: 'hub-lfs' },
      {
        path: 'sub/extra.bin', size: 300_000,
        sha256: sha256(Buffer.from(generatedContent(300_000, 7).generate(0, 300_000) as Uint8Array)), from: 'hub-lfs',
      },
      { path: 'sub/notes.txt', size: 6, sha256: sha256('notes\n'), from: 'hub-download' },
    ]);
  });

  it('downloads nothing of an LFS file, and every non-LFS file at the commit, not the branch', async () => {
    await lockHubModel(parseHubRef('hf:acme/tiny')!, opts());
    const fileReads = hub.requests.filter((r) => !r.path.startsWith('/api/'));
    expect(fileReads.some((r) => r.path.includes('model.safetensors') || r.path.includes('extra.bin') || r.path.startsWith('/cdn/'))).to.equal(false);
    const fullGets = fileReads.filter((r) => r.range === undefined).map((r) => r.path).sort();
    expect(fullGets).to.deep.equal([`/acme/tiny/resolve/${MAIN}/README.md`, `/acme/tiny/resolve/${MAIN}/config.json`, `/acme/tiny/resolve/${MAIN}/sub/notes.txt`]);
    expect(fileReads.filter((r) => r.range === undefined).reduce((n, r) => n + r.bytes, 0)).to.equal(README.length + CONFIG.length + 6);
  });

  it('takes the SHA-256 of a 1 GB LFS checkpoint without transferring any of it', async () => {
    const locked = await lockHubModel(parseHubRef('hf:acme/big')!, opts());
    expect(locked.files).to.deep.equal([{ path: 'model.bin', size: BIG_SIZE, sha256: BIG_SHA, from: 'hub-lfs' }]);
    expect(hub.requests.every((r) => r.path.startsWith('/api/'))).to.equal(true);
  });

  it('records the revision as asked (tag, PR ref) beside the commit it resolved to', async () => {
    const tagged = await lockHubModel(parseHubRef('hf:acme/tiny@v2')!, opts());
    expect(tagged.source).to.deep.include({ revision: 'v2', commit: MAIN });
    const pr = await lockHubModel(parseHubRef('acme/tiny@refs/pr/1')!, opts());
    expect(pr.source).to.deep.include({ revision: 'refs/pr/1' });
    expect(pr.files.map((f) => f.path)).to.deep.equal(['config.json']);
  });

  it('detects a download that does not match its git blob SHA-1: the Hub served other content', async () => {
    const err = await lockError('hf:acme/tampered', opts());
    expect(err.kind).to.equal('integrity');
    expect(err.message).to.match(/^'config\.json' downloaded from hf:acme\/tampered@[0-9a-f]{40} does not match its git blob id [0-9a-f]{40}: the Hub served other content$/);
  });

  it('detects a download longer than the listed size, and stops reading it', async () => {
    const err = await lockError('hf:acme/longer', opts());
    expect(err.kind).to.equal('integrity');
    expect(err.message).to.include(`the Hub sent more than the ${CONFIG.length} bytes it listed`);
  });

  it('refuses a non-LFS file over the download cap, naming it, unless downloads are allowed', async () => {
    const err = await lockError('hf:acme/large-git', opts({ maxDownloadBytes: 1024 * 1024 }));
    expect(err.kind).to.equal('no-content-hash');
    expect(err.message).to.equal(
      "hf:acme/large-git: 'tokenizer.json' is not in LFS and is larger than 1048576 bytes (and 1 more), so the Hub gives no SHA-256 for it: pass --allow-download to download and hash it",
    );
    expect(hub.requests.some((r) => !r.path.startsWith('/api/'))).to.equal(false);
    const allowed = await lockHubModel(parseHubRef('hf:acme/large-git')!, opts({ maxDownloadBytes: 1024 * 1024, allowDownload: true }));
    const tokenizer = allowed.files.find((f) => f.path === 'tokenizer.json')!;
    expect(tokenizer).to.deep.equal({
      path: 'tokenizer.json', size: 2 * 1024 * 1024,
      sha256: sha256(Buffer.from(generatedContent(2 * 1024 * 1024, 5).generate(0, 2 * 1024 * 1024) as Uint8Array)), from: 'hub-download',
    });
    const defaultCap = await lockHubModel(parseHubRef('hf:acme/large-git')!, opts());
    expect(defaultCap.files.map((f) => f.from)).to.deep.equal(['hub-download', 'hub-download', 'hub-download']);
  });

  it('refuses a Xet-only file (no SHA-256 on the Hub) unless downloads are allowed', async () => {
    const err = await lockError('hf:acme/xet', opts());
    expect(err.message).to.equal(
      "hf:acme/xet: 'model.bin' has only a Xet hash on the Hub, so the Hub gives no SHA-256 for it: pass --allow-download to download and hash it",
    );
    const allowed = await lockHubModel(parseHubRef('hf:acme/xet')!, opts({ allowDownload: true }));
    expect(allowed.files[0]).to.deep.equal({
      path: 'model.bin', size: 200_000, sha256: sha256(Buffer.from(generatedContent(200_000, 9).generate(0, 200_000) as Uint8Array)), from: 'hub-download',
    });
  });

  it('locks a gated repo with a granted token; without one, says how to authenticate', async () => {
    const err = await lockError('hf:acme/gated', opts());
    expect(err.message).to.equal(`hf:acme/gated is gated: request access on its page on ${hub.url}, then set HF_TOKEN or pass --token`);
    const locked = await lockHubModel(parseHubRef('hf:acme/gated')!, opts({ token: TOKEN }));
    expect(locked.files.map((f) => f.from)).to.deep.equal(['hub-download', 'hub-lfs']);
  });

  it('survives a connection dropped while a file downloads, and 503s on the way', async () => {
    hub.fail({ match: (r) => r.path.endsWith('/README.md') && r.range === undefined, count: 1, drop: true });
    hub.fail({ match: '/tree/', count: 1, status: 503 });
    const client = new HubClient(opts());
    const locked = await lockHubModel(parseHubRef('hf:acme/tiny')!, { client });
    expect(locked.files.find((f) => f.path === 'README.md')!.sha256).to.equal(sha256(README));
    expect(hub.requests.filter((r) => r.status === -1 || r.status === 503)).to.have.length(2);
  });

  it('downloads a file again when its connection is cut midway through the body', async () => {
    hub.fail({ match: (r) => r.path.endsWith('/tokenizer.json') && r.range === undefined, count: 1, cutAfterBytes: 100_000 });
    const locked = await lockHubModel(parseHubRef('hf:acme/large-git')!, opts());
    const full = sha256(Buffer.from(generatedContent(2 * 1024 * 1024, 5).generate(0, 2 * 1024 * 1024) as Uint8Array));
    expect(locked.files.find((f) => f.path === 'tokenizer.json')!.sha256).to.equal(full);
    const gets = hub.requests.filter((r) => r.path.endsWith('/tokenizer.json') && r.range === undefined);
    expect(gets.map((r) => r.bytes)).to.deep.equal([100_000, 2 * 1024 * 1024]);
  });

  it('reports progress per file', async () => {
    const seen: string[] = [];
    await lockHubModel(parseHubRef('hf:acme/tiny')!, opts({ onFile: (f) => seen.push(f.path), concurrency: 2 }));
    expect(seen.sort()).to.deep.equal(['README.md', 'config.json', 'empty/__init__.py', 'model.safetensors', 'sub/extra.bin', 'sub/notes.txt']);
  });
});
