import {
  downloadFile,
  fileDownloadInfo,
  fileExists,
  listCommits,
  listFiles,
  modelInfo,
  parseSafetensorsMetadata,
  pathsInfo,
  whoAmI,
} from '@huggingface/hub';
import { expect } from 'chai';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeRepoFromFolder, startFakeHub, type FakeHub } from '../../helpers/fake-hub.js';
import { BIG_SHA, BIG_SIZE, bigRepo, CONFIG, gitBlobOid, MAIN, OLD, PR, safetensors, sha256, tinyRepo, TOKEN } from './repos.js';

async function raw(hub: FakeHub, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${hub.url}${path}`, init);
}

describe('fake hub, through the real @huggingface/hub client', () => {
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub([tinyRepo(), bigRepo()], { pageSize: 2 });
  });
  after(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
  });

  it('answers model info at a revision with the commit sha, as modelInfo reads it', async () => {
    const info = await modelInfo({ name: 'acme/tiny', hubUrl: hub.url, revision: 'v1', additionalFields: ['sha'] });
    expect(info.sha).to.equal(OLD);
    expect(info.name).to.equal('acme/tiny');
    expect(info.task).to.equal('fill-mask');
    expect(info.updatedAt).to.be.instanceOf(Date);
    const head = await modelInfo({ name: 'acme/tiny', hubUrl: hub.url, additionalFields: ['sha'] });
    expect(head.sha).to.equal(MAIN);
    const pr = await modelInfo({ name: 'acme/tiny', hubUrl: hub.url, revision: 'refs/pr/1', additionalFields: ['sha'] });
    expect(pr.sha).to.equal(PR);
    expect(hub.requests.at(-1)!.path).to.equal('/api/models/acme/tiny/revision/refs%2Fpr%2F1');
  });

  it('returns only the expanded keys, and the security status when asked', async () => {
    const expanded = (await (await raw(hub, '/api/models/acme/tiny/revision/main?expand=sha')).json()) as Record<string, unknown>;
    expect(Object.keys(expanded).sort()).to.deep.equal(['_id', 'id', 'sha']);
    const full = (await (await raw(hub, '/api/models/acme/tiny?securityStatus=true')).json()) as Record<string, unknown>;
    expect(full['securityRepoStatus']).to.deep.equal({ scansDone: true, filesWithIssues: [] });
    expect(full['siblings']).to.have.length(6);
  });

  it('lists the tree recursively across Link-paginated pages, with LFS metadata and expand fields', async () => {
    const entries = [];
    for await (const e of listFiles({ repo: 'acme/tiny', hubUrl: hub.url, revision: MAIN, recursive: true, expand: true })) entries.push(e);
    expect(entries.map((e) => `${e.type}:${e.path}`)).to.deep.equal([
      'directory:empty', 'directory:sub', 'file:README.md', 'file:config.json', 'file:empty/__init__.py',
      'file:model.safetensors', 'file:sub/extra.bin', 'file:sub/notes.txt',
    ]);
    const pages = hub.requests.filter((r) => r.path.includes('/tree/'));
    expect(pages).to.have.length(4);
    expect(pages.slice(1).every((r) => /cursor=\d+/.test(r.query))).to.equal(true);
    const config = entries.find((e) => e.path === 'config.json')!;
    expect(config.oid).to.equal(gitBlobOid(CONFIG));
    expect(config.lfs).to.equal(undefined);
    const weights = entries.find((e) => e.path === 'model.safetensors')!;
    expect(weights.lfs?.oid).to.equal(sha256(safetensors()));
    expect(weights.lfs?.size).to.equal(safetensors().length);
    expect(weights.oid).to.not.equal(gitBlobOid(safetensors()));
    expect(weights.lastCommit?.id).to.equal(MAIN);
    expect(weights.securityFileStatus).to.have.property('status', 'safe');
  });

  it('lists one level, a sub-folder, and a revision containing slashes', async () => {
    const top = [];
    for await (const e of listFiles({ repo: 'acme/tiny', hubUrl: hub.url, revision: 'main' })) top.push(e.path);
    expect(top).to.deep.equal(['empty', 'sub', 'README.md', 'config.json', 'model.safetensors']);
    const sub = [];
    for await (const e of listFiles({ repo: 'acme/tiny', hubUrl: hub.url, path: 'sub' })) sub.push(e.path);
    expect(sub).to.deep.equal(['sub/extra.bin', 'sub/notes.txt']);
    const pr = [];
    for await (const e of listFiles({ repo: 'acme/tiny', hubUrl: hub.url, revision: 'refs/pr/1' })) pr.push(e.path);
    expect(pr).to.deep.equal(['config.json']);
  });

  it('answers paths-info for existing paths only', async () => {
    const infos = await pathsInfo({ repo: 'acme/tiny', hubUrl: hub.url, paths: ['model.safetensors', 'missing.bin', 'sub'], expand: true, revision: MAIN });
    expect(infos.map((i) => i.path)).to.deep.equal(['model.safetensors', 'sub']);
    expect(infos[0]!.lfs?.oid).to.equal(sha256(safetensors()));
    expect(infos[0]!.lastCommit?.date).to.be.instanceOf(Date);
  });

  it('serves ranges with 206 and Content-Range, and the ETag/X-Linked-* headers the client needs', async () => {
    const info = await fileDownloadInfo({ repo: 'acme/tiny', hubUrl: hub.url, path: 'model.safetensors', revision: MAIN });
    expect(info).to.deep.include({ size: safetensors().length, etag: `"${sha256(safetensors())}"` });
    const probe = hub.requests.at(-1)!;
    expect(probe).to.deep.include({ status: 206, range: 'bytes=0-0', bytes: 1 });
    const res = await raw(hub, `/acme/tiny/resolve/${MAIN}/config.json`, { headers: { Range: 'bytes=2-5' } });
    expect(res.status).to.equal(206);
    expect(res.headers.get('content-range')).to.equal(`bytes 2-5/${CONFIG.length}`);
    expect(res.headers.get('etag')).to.equal(`"${gitBlobOid(CONFIG)}"`);
    expect(res.headers.get('x-repo-commit')).to.equal(MAIN);
    expect(await res.text()).to.equal(CONFIG.slice(2, 6));
    const suffix = await raw(hub, `/acme/tiny/resolve/${MAIN}/config.json`, { headers: { Range: 'bytes=-3' } });
    expect(await suffix.text()).to.equal(CONFIG.slice(-3));
    const past = await raw(hub, `/acme/tiny/resolve/${MAIN}/config.json`, { headers: { Range: 'bytes=9999-' } });
    expect(past.status).to.equal(416);
    expect(past.headers.get('content-range')).to.equal(`bytes */${CONFIG.length}`);
  });

  it('serves whole files, HEAD, and the raw LFS pointer', async () => {
    const blob = await downloadFile({ repo: 'acme/tiny', hubUrl: hub.url, path: 'config.json', revision: MAIN });
    expect(await blob!.text()).to.equal(CONFIG);
    expect(await fileExists({ repo: 'acme/tiny', hubUrl: hub.url, path: 'model.safetensors' })).to.equal(true);
    expect(await fileExists({ repo: 'acme/tiny', hubUrl: hub.url, path: 'nope.bin' })).to.equal(false);
    const pointer = await downloadFile({ repo: 'acme/tiny', hubUrl: hub.url, path: 'model.safetensors', raw: true });
    expect(await pointer!.text()).to.equal(
      `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(safetensors())}\nsize ${safetensors().length}\n`,
    );
    expect(await downloadFile({ repo: 'acme/tiny', hubUrl: hub.url, path: 'nope.bin' })).to.equal(null);
  });

  it('lets parseSafetensorsMetadata read just the header with ranges', async () => {
    const meta = await parseSafetensorsMetadata({ repo: 'acme/tiny', hubUrl: hub.url, revision: MAIN });
    if (meta.sharded) expect.fail('expected a single-file model');
    expect(Object.keys(meta.header)).to.include('w.weight');
    const reads = hub.requests.filter((r) => r.path.endsWith('/model.safetensors') && r.method === 'GET').map((r) => r.range);
    expect(reads).to.deep.equal(['bytes=0-0', 'bytes=0-7', `bytes=8-${safetensors().length - 64 - 1}`]);
  });

  it('reads the end of a generated 1 GB file with one ranged request, sending only those bytes', async () => {
    const blob = await downloadFile({ repo: 'acme/big', hubUrl: hub.url, path: 'model.bin' });
    expect(blob!.size).to.equal(BIG_SIZE);
    const tail = new Uint8Array(await blob!.slice(BIG_SIZE - 16, BIG_SIZE).arrayBuffer());
    expect(tail).to.have.length(16);
    const sent = hub.requests.reduce((n, r) => n + r.bytes, 0);
    expect(sent).to.equal(1 + 16);
    expect(hub.requests.at(-1)!.range).to.equal(`bytes=${BIG_SIZE - 16}-${BIG_SIZE - 1}`);
    const info = await fileDownloadInfo({ repo: 'acme/big', hubUrl: hub.url, path: 'model.bin' });
    expect(info!.etag).to.equal(`"${BIG_SHA}"`);
  });

  it('answers errors with X-Error-Code and X-Error-Message', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/models/acme/none/revision/main', 404, 'RepoNotFound'],
      ['/api/models/acme/tiny/revision/nope', 404, 'RevisionNotFound'],
      ['/api/models/acme/tiny/tree/nope', 404, 'RevisionNotFound'],
      ['/acme/tiny/resolve/main/nope.bin', 404, 'EntryNotFound'],
      ['/acme/none/resolve/main/x', 404, 'RepoNotFound'],
    ];
    for (const [path, status, code] of cases) {
      const res = await raw(hub, path);
      expect([path, res.status, res.headers.get('x-error-code')]).to.deep.equal([path, status, code]);
      expect(res.headers.get('x-error-message')).to.be.a('string');
      expect(((await res.json()) as { error: string }).error).to.be.a('string');
    }
  });

  it('lists commits and refs', async () => {
    const commits = [];
    for await (const c of listCommits({ repo: 'acme/tiny', hubUrl: hub.url })) commits.push(c.oid);
    expect(commits).to.deep.equal([MAIN, OLD]);
    const refs = (await (await raw(hub, '/api/models/acme/tiny/refs')).json()) as { branches: { name: string }[]; tags: { name: string }[] };
    expect(refs.branches.map((b) => b.name)).to.deep.equal(['main', 'refs/pr/1']);
    expect(refs.tags.map((t) => t.name)).to.deep.equal(['v1', 'v2']);
  });
});

describe('fake hub: access control, redirects, failures, folders', () => {
  it('keeps gated files behind a granted token but lists them publicly', async () => {
    const gated = { ...tinyRepo(), id: 'acme/gated', gated: 'manual' as const, grantedTokens: [TOKEN] };
    const hub = await startFakeHub([gated], { tokens: [TOKEN, 'hf_other_token'] });
    try {
      const info = await modelInfo({ name: 'acme/gated', hubUrl: hub.url, additionalFields: ['sha'] });
      expect(info.gated).to.equal('manual');
      const anon = await fetch(`${hub.url}/acme/gated/resolve/main/config.json`);
      expect([anon.status, anon.headers.get('x-error-code')]).to.deep.equal([401, 'GatedRepo']);
      const other = await fetch(`${hub.url}/acme/gated/resolve/main/config.json`, { headers: { Authorization: 'Bearer hf_other_token' } });
      expect([other.status, other.headers.get('x-error-code')]).to.deep.equal([403, 'GatedRepo']);
      const blob = await downloadFile({ repo: 'acme/gated', hubUrl: hub.url, path: 'config.json', accessToken: TOKEN });
      expect(await blob!.text()).to.equal(CONFIG);
      const bad = await fetch(`${hub.url}/api/models/acme/gated`, { headers: { Authorization: 'Bearer hf_wrong' } });
      expect(bad.status).to.equal(401);
      expect(hub.requests.at(-1)!.auth).to.equal('invalid');
      const me = await whoAmI({ accessToken: TOKEN, hubUrl: hub.url });
      expect(me.name).to.equal('tester');
    } finally {
      await hub.close();
    }
  });

  it('hides private repos: 401 without a token, 404 for a token without access', async () => {
    const priv = { ...tinyRepo(), id: 'acme/private', private: true, grantedTokens: [TOKEN] };
    const hub = await startFakeHub([priv], { tokens: [TOKEN, 'hf_other_token'] });
    try {
      const anon = await fetch(`${hub.url}/api/models/acme/private/revision/main`);
      expect([anon.status, anon.headers.get('x-error-code')]).to.deep.equal([401, 'RepoNotFound']);
      const other = await fetch(`${hub.url}/api/models/acme/private/revision/main`, { headers: { Authorization: 'Bearer hf_other_token' } });
      expect(other.status).to.equal(404);
      const ok = await modelInfo({ name: 'acme/private', hubUrl: hub.url, accessToken: TOKEN, additionalFields: ['sha'] });
      expect(ok.sha).to.equal(MAIN);
    } finally {
      await hub.close();
    }
  });

  it('redirects LFS files to a CDN path that the client follows and reads with ranges', async () => {
    const hub = await startFakeHub([tinyRepo()], { redirectLfs: true });
    try {
      const meta = await parseSafetensorsMetadata({ repo: 'acme/tiny', hubUrl: hub.url });
      if (meta.sharded) expect.fail('expected a single-file model');
      expect(Object.keys(meta.header)).to.include('w.weight');
      const resolve = hub.requests.find((r) => r.path === '/acme/tiny/resolve/main/model.safetensors')!;
      expect(resolve.status).to.equal(302);
      expect(hub.requests.filter((r) => r.path.startsWith('/cdn/')).map((r) => r.status)).to.deep.equal([206, 206, 206]);
    } finally {
      await hub.close();
    }
  });

  it('injects failures by path: statuses with headers, dropped connections, then recovers', async () => {
    const hub = await startFakeHub([tinyRepo()]);
    try {
      hub.fail({ match: '/revision/', count: 1, status: 429, headers: { 'Retry-After': '0' } });
      hub.fail({ match: /^GET \/acme\/tiny\/resolve/, count: 1, drop: true });
      const first = await fetch(`${hub.url}/api/models/acme/tiny/revision/main`);
      expect([first.status, first.headers.get('retry-after')]).to.deep.equal([429, '0']);
      const second = await fetch(`${hub.url}/api/models/acme/tiny/revision/main`);
      expect(second.status).to.equal(200);
      let dropped = false;
      await fetch(`${hub.url}/acme/tiny/resolve/main/config.json`).catch(() => {
        dropped = true;
      });
      expect(dropped).to.equal(true);
      expect((await fetch(`${hub.url}/acme/tiny/resolve/main/config.json`)).status).to.equal(200);
      expect(hub.requests.map((r) => r.status)).to.deep.equal([429, 200, -1, 200]);
    } finally {
      await hub.close();
    }
  });

  it('serves a repo from a folder, LFS by extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-fakehub-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'config.json'), CONFIG);
    writeFileSync(join(dir, 'sub', 'model.safetensors'), safetensors());
    const hub = await startFakeHub([fakeRepoFromFolder('acme/folder', dir, { sha: MAIN })]);
    try {
      const entries = [];
      for await (const e of listFiles({ repo: 'acme/folder', hubUrl: hub.url, recursive: true })) entries.push(e);
      const weights = entries.find((e) => e.path === 'sub/model.safetensors')!;
      expect(weights.lfs?.oid).to.equal(sha256(safetensors()));
      expect(entries.find((e) => e.path === 'config.json')!.oid).to.equal(gitBlobOid(CONFIG));
      const blob = await downloadFile({ repo: 'acme/folder', hubUrl: hub.url, path: 'config.json', revision: MAIN });
      expect(await blob!.text()).to.equal(CONFIG);
    } finally {
      await hub.close();
    }
  });
});
