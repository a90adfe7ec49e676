/**
 * A fake Hugging Face Hub: a real `node:http` server on 127.0.0.1 that serves in-memory (or
 * folder-backed) repos through the endpoints `@huggingface/hub` 2.17 calls, as described in
 * /work/shared/reference/hub-endpoints.md: repo info (+ `/revision/<rev>`, `securityStatus`),
 * tree listings with `recursive`/`expand` and `Link` pagination, paths-info, resolve and raw with
 * HEAD/GET and `Range` (206 + `Content-Range`, 416), LFS/Xet headers, errors with `X-Error-Code`,
 * gated and private repos, and injectable failures (429/503/dropped connections/stalls).
 * Large files are generated on demand, so a 1 GB checkpoint costs no memory.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export type RepoType = 'model' | 'dataset' | 'space';

/** Content produced on demand: `generate(offset, length)` returns exactly `length` bytes. */
export interface GeneratedContent {
  size: number;
  generate(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
  /** Known SHA-256 of the whole content, to spare hashing a huge file when it is listed. */
  sha256?: string;
}

export interface FakeFile {
  path: string;
  content: Buffer | string | GeneratedContent;
  /** Stored in LFS: listings carry `lfs.oid` (SHA-256), the git blob is the pointer. */
  lfs?: boolean;
  /** Migrated to Xet: listings carry `xetHash`; without `lfs` too, the Hub gives no SHA-256. */
  xet?: boolean;
  /** What resolve serves instead of `content`: a Hub (or a man in the middle) serving other bytes. */
  served?: Buffer | string;
  /** `securityFileStatus` in expanded listings. */
  security?: Record<string, unknown>;
  /** Serve this file as a server that ignores `Range` does: always `200` with the whole body. */
  ignoreRange?: boolean;
}

export interface FakeCommit {
  sha: string;
  /** Shorthand for one branch (`branches: [branch]`). */
  branch?: string;
  branches?: string[];
  tags?: string[];
  title?: string;
  date?: string;
  files: FakeFile[];
}

export interface FakeRepo {
  /** `org/name`. */
  id: string;
  type?: RepoType;
  /** Oldest first; a branch or tag named on several commits points at the last one. */
  commits: FakeCommit[];
  defaultBranch?: string;
  /** Gated repos list publicly; their files need a granted token. */
  gated?: false | 'auto' | 'manual';
  /** Private repos need a granted token for everything. */
  private?: boolean;
  /** Tokens with access to a gated or private repo; default: every token the hub knows. */
  grantedTokens?: string[];
  /** `securityRepoStatus` returned for `?securityStatus=true`. */
  securityStatus?: Record<string, unknown>;
  /** Extra fields of the repo info document (`pipeline_tag`, `cardData`, `config`, `tags`…). */
  info?: Record<string, unknown>;
}

export interface FailureSpec {
  /** Which requests fail: a substring of the path, a RegExp tested on `METHOD /path?query`, or a predicate. All when absent. */
  match?: string | RegExp | ((req: { method: string; path: string; query: string; range?: string }) => boolean);
  /** How many matching requests fail before the spec is used up. */
  count: number;
  /** Status to answer; default 503. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Close the connection without an answer (a network failure). */
  drop?: boolean;
  /** Send headers and one byte, then nothing (a stalled transfer). */
  stall?: boolean;
  /** Answer normally but cut the connection after this many body bytes (a transfer dropped midway). */
  cutAfterBytes?: number;
}

export interface FakeHubOptions {
  /** Entries per tree page; small values exercise pagination. Default 50. */
  pageSize?: number;
  /** Tokens the hub accepts; any other Bearer token gets 401. Default `['hf_fake_valid_token']`. */
  tokens?: string[];
  /** Answer LFS/Xet resolves with a 302 to `/cdn/<sha256>`, as the real Hub does. */
  redirectLfs?: boolean;
  failures?: FailureSpec[];
  /** Status for an unknown repo asked without a token (the real Hub hides existence with 401). Default 404. */
  missingRepoStatus?: 401 | 404;
}

export interface FakeRequest {
  method: string;
  /** Raw path as requested (percent-encoding kept). */
  path: string;
  /** Raw query string without `?`, '' when none. */
  query: string;
  range?: string;
  /** HTTP status sent; -1 when the connection was dropped on purpose. */
  status: number;
  /** Body bytes sent. */
  bytes: number;
  auth: 'none' | 'valid' | 'invalid';
}

export interface FakeHub {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:39123`. */
  url: string;
  requests: FakeRequest[];
  /** Adds a failure to inject from now on. */
  fail(spec: FailureSpec): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_TOKEN = 'hf_fake_valid_token';

const EMPTY_DATE = '2024-01-01T00:00:00.000Z';
const CHUNK = 64 * 1024;

/** One served byte source with its hashes computed lazily (a generated file is hashed by streaming it). */
class Source {
  private sha256Cached?: Promise<string>;
  private gitOidCached?: Promise<string>;

  constructor(
    readonly size: number,
    readonly read: (offset: number, length: number) => Promise<Uint8Array>,
    knownSha256?: string,
  ) {
    if (knownSha256 !== undefined) this.sha256Cached = Promise.resolve(knownSha256);
  }

  static of(content: Buffer | string | GeneratedContent): Source {
    if (typeof content === 'string' || Buffer.isBuffer(content)) {
      const buf = typeof content === 'string' ? Buffer.from(content) : content;
      return new Source(buf.length, async (o, l) => buf.subarray(o, o + l));
    }
    return new Source(content.size, async (o, l) => content.generate(o, l), content.sha256);
  }

  private async digest(algorithm: 'sha256' | 'sha1', prefix?: string): Promise<string> {
    const hash = createHash(algorithm);
    if (prefix !== undefined) hash.update(prefix);
    for (let o = 0; o < this.size; o += 1024 * 1024) hash.update(await this.read(o, Math.min(1024 * 1024, this.size - o)));
    return hash.digest('hex');
  }

  sha256(): Promise<string> {
    return (this.sha256Cached ??= this.digest('sha256'));
  }

  gitOid(): Promise<string> {
    return (this.gitOidCached ??= this.digest('sha1', `blob ${this.size}\0`));
  }
}

interface ServedFile {
  spec: FakeFile;
  content: Source;
  served: Source;
}

interface FileMeta {
  sha256: string;
  gitOid: string;
  pointer?: Buffer;
  xetHash?: string;
}

function branchesOf(commit: FakeCommit): string[] {
  return [...(commit.branch !== undefined ? [commit.branch] : []), ...(commit.branches ?? [])];
}

function lfsPointer(sha256: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`);
}

async function metaOf(file: ServedFile): Promise<FileMeta> {
  const sha256 = await file.content.sha256();
  if (!file.spec.lfs && !file.spec.xet) return { sha256, gitOid: await file.content.gitOid() };
  const pointer = lfsPointer(sha256, file.content.size);
  const meta: FileMeta = { sha256, gitOid: await Source.of(pointer).gitOid(), pointer };
  // Illustrative: a Xet hash is a different digest of the content, never its SHA-256.
  if (file.spec.xet) meta.xetHash = createHash('sha256').update(`xet:${sha256}`).digest('hex');
  return meta;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

interface ResolvedRange {
  start: number;
  end: number; // inclusive
}

/** One `bytes=` range; undefined = ignore the header (RFC 9110 allows it), 'unsatisfiable' = 416. */
function parseRange(header: string | undefined, size: number): ResolvedRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface RepoState {
  repo: FakeRepo;
  type: RepoType;
  files: Map<string, Map<string, ServedFile>>; // commit sha -> path -> file
}

/** Reads a folder into a one-commit repo; files are read from disk on demand. */
export function fakeRepoFromFolder(
  id: string,
  dir: string,
  options: { sha?: string; branch?: string; type?: RepoType; lfs?: (path: string, size: number) => boolean } = {},
): FakeRepo {
  const lfsExt = /\.(safetensors|bin|pt|pth|ckpt|gguf|onnx|h5|keras|pkl|pickle|joblib|msgpack|npy|npz|tflite|pb|zip|tar|gz|model)$/i;
  const isLfs = options.lfs ?? ((path, size) => lfsExt.test(path) || size > 10 * 1024 * 1024);
  const files: FakeFile[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const abs = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') walk(abs);
        continue;
      }
      if (!entry.isFile()) continue;
      const path = relative(dir, abs).split(sep).join('/');
      const size = statSync(abs).size;
      const generate = (offset: number, length: number): Uint8Array => {
        const fd = openSync(abs, 'r');
        try {
          const buf = Buffer.alloc(length);
          const n = readSync(fd, buf, 0, length, offset);
          return buf.subarray(0, n);
        } finally {
          closeSync(fd);
        }
      };
      files.push({ path, content: { size, generate }, lfs: isLfs(path, size) });
    }
  };
  walk(dir);
  const sha = options.sha ?? sha1(`folder:${id}:${dir}`);
  const repo: FakeRepo = { id, commits: [{ sha, branches: [options.branch ?? 'main'], files }] };
  if (options.type) repo.type = options.type;
  return repo;
}

export async function startFakeHub(repos: FakeRepo[], options: FakeHubOptions = {}): Promise<FakeHub> {
  const pageSize = options.pageSize ?? 50;
  const tokens = new Set(options.tokens ?? [DEFAULT_FAKE_TOKEN]);
  const failures: FailureSpec[] = [...(options.failures ?? [])];
  const requests: FakeRequest[] = [];
  const states = new Map<string, RepoState>();
  const cdn = new Map<string, ServedFile>();
  for (const repo of repos) {
    const type = repo.type ?? 'model';
    const files = new Map<string, Map<string, ServedFile>>();
    for (const commit of repo.commits) {
      const byPath = new Map<string, ServedFile>();
      for (const spec of commit.files) {
        const content = Source.of(spec.content);
        byPath.set(spec.path, { spec, content, served: spec.served !== undefined ? Source.of(spec.served) : content });
      }
      files.set(commit.sha, byPath);
    }
    states.set(`${type}:${repo.id}`, { repo, type, files });
  }

  let base = '';

  const resolveRevision = (state: RepoState, rev: string): FakeCommit | undefined => {
    const { repo } = state;
    const defaultBranch = repo.defaultBranch ?? 'main';
    let name = rev === 'HEAD' ? defaultBranch : rev;
    if (name.startsWith('refs/heads/')) name = name.slice('refs/heads/'.length);
    else if (name.startsWith('refs/tags/')) name = name.slice('refs/tags/'.length);
    let found: FakeCommit | undefined;
    for (const commit of repo.commits) {
      if (commit.sha === name || branchesOf(commit).includes(name) || commit.tags?.includes(name)) found = commit;
    }
    // A repo that names no branch at all has its last commit on the default branch.
    if (!found && name === defaultBranch && repo.commits.every((c) => branchesOf(c).length === 0)) found = repo.commits.at(-1);
    return found;
  };

  /** `<rev>[/<path>]` where the revision may itself contain slashes (`refs/pr/1`): the longest revision that exists wins. */
  const splitRevision = (state: RepoState, segments: string[], needPath: boolean): { commit: FakeCommit; path: string } | undefined => {
    for (let k = segments.length - (needPath ? 1 : 0); k >= 1; k--) {
      const commit = resolveRevision(state, segments.slice(0, k).join('/'));
      if (commit) return { commit, path: segments.slice(k).join('/') };
    }
    return undefined;
  };

  const authOf = (req: IncomingMessage): { auth: FakeRequest['auth']; token?: string } => {
    const header = req.headers.authorization;
    if (!header) return { auth: 'none' };
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    return token !== undefined && tokens.has(token) ? { auth: 'valid', token } : { auth: 'invalid' };
  };

  const label = (state: RepoState): string => `${state.type} ${state.repo.id}`;

  const checkAccess = (state: RepoState, who: ReturnType<typeof authOf>, forContent: boolean): void => {
    const { repo } = state;
    const granted = who.auth === 'valid' && (repo.grantedTokens === undefined || repo.grantedTokens.includes(who.token!));
    if (repo.private) {
      if (who.auth === 'none') throw new HttpError(401, 'Invalid username or password.', 'RepoNotFound');
      if (!granted) throw new HttpError(404, 'Repository not found', 'RepoNotFound');
    }
    if (repo.gated && forContent && !granted) {
      if (who.auth === 'none') {
        throw new HttpError(401, `Access to ${label(state)} is restricted. You must have access to it and be authenticated to access it. Please log in.`, 'GatedRepo');
      }
      throw new HttpError(403, `Access to ${label(state)} is restricted and you are not in the authorized list. Visit ${base}/${repo.id} to ask for access.`, 'GatedRepo');
    }
  };

  const findRepo = (type: RepoType, ns: string | undefined, name: string | undefined, who: ReturnType<typeof authOf>): RepoState => {
    const state = ns && name ? states.get(`${type}:${ns}/${name}`) : undefined;
    if (!state) {
      if (who.auth === 'none' && options.missingRepoStatus === 401) throw new HttpError(401, 'Invalid username or password.', 'RepoNotFound');
      throw new HttpError(404, 'Repository not found', 'RepoNotFound');
    }
    return state;
  };

  const commitOr404 = (state: RepoState, rev: string): FakeCommit => {
    const commit = resolveRevision(state, rev);
    if (!commit) throw new HttpError(404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
    return commit;
  };

  const infoDoc = (state: RepoState, commit: FakeCommit, url: URL): Record<string, unknown> => {
    const { repo } = state;
    const full: Record<string, unknown> = {
      _id: sha1(`id:${repo.id}`).slice(0, 24),
      id: repo.id,
      author: repo.id.split('/')[0],
      sha: commit.sha,
      private: repo.private ?? false,
      gated: repo.gated ?? false,
      disabled: false,
      downloads: 0,
      likes: 0,
      lastModified: commit.date ?? EMPTY_DATE,
      createdAt: repo.commits[0]?.date ?? EMPTY_DATE,
      tags: [],
      siblings: commit.files.map((f) => ({ rfilename: f.path })),
      ...repo.info,
    };
    const expand = url.searchParams.getAll('expand').concat(url.searchParams.getAll('expand[]'));
    let doc: Record<string, unknown> = full;
    if (expand.length > 0) {
      // The real Hub returns only `_id`, `id` and what was expanded.
      doc = { _id: full['_id'], id: full['id'] };
      for (const key of expand) if (key in full) doc[key] = full[key];
    }
    if (url.searchParams.get('securityStatus') === 'true') {
      doc['securityRepoStatus'] = repo.securityStatus ?? { scansDone: true, filesWithIssues: [] };
    }
    return doc;
  };

  const fileEntry = async (file: ServedFile, commit: FakeCommit, expand: boolean): Promise<Record<string, unknown>> => {
    const meta = await metaOf(file);
    const entry: Record<string, unknown> = { type: 'file', oid: meta.gitOid, size: file.content.size, path: file.spec.path };
    if (file.spec.lfs) entry['lfs'] = { oid: meta.sha256, size: file.content.size, pointerSize: meta.pointer!.length };
    if (meta.xetHash) entry['xetHash'] = meta.xetHash;
    if (expand) {
      entry['lastCommit'] = { id: commit.sha, title: commit.title ?? 'initial commit', date: commit.date ?? EMPTY_DATE };
      entry['securityFileStatus'] = file.spec.security ?? { status: 'safe', avScan: { status: 'safe' }, pickleImportScan: { status: 'unscanned' } };
    }
    return entry;
  };

  const dirEntry = (path: string, commit: FakeCommit): Record<string, unknown> => ({
    type: 'directory',
    oid: sha1(`tree:${commit.sha}:${path}`),
    size: 0,
    path,
  });

  /** Files and folders under `prefix` ('' = root), all levels or direct children only, sorted by path. */
  const treeEntries = (files: Map<string, ServedFile>, prefix: string, recursive: boolean): { dirs: string[]; files: ServedFile[] } | undefined => {
    const dirs = new Set<string>();
    const listed: ServedFile[] = [];
    const start = prefix === '' ? '' : `${prefix}/`;
    let exists = prefix === '';
    for (const file of files.values()) {
      if (!file.spec.path.startsWith(start)) continue;
      exists = true;
      const rest = file.spec.path.slice(start.length).split('/');
      for (let i = 1; i < rest.length; i++) {
        if (!recursive && i > 1) break;
        dirs.add(start + rest.slice(0, i).join('/'));
      }
      if (recursive || rest.length === 1) listed.push(file);
    }
    if (!exists) return undefined;
    return { dirs: [...dirs].sort(), files: listed.sort((a, b) => (a.spec.path < b.spec.path ? -1 : 1)) };
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number => {
    const text = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(text.length), ...headers });
    res.end(text);
    return text.length;
  };

  /** Responses to cut short after so many body bytes (injected failures). */
  const cuts = new WeakMap<ServerResponse, number>();

  /** Streams `[start, end]` of a source in chunks, honouring backpressure; returns the bytes written. */
  const sendBody = async (res: ServerResponse, source: Source, start: number, end: number): Promise<number> => {
    let sent = 0;
    const cut = cuts.get(res);
    for (let o = start; o <= end && !res.destroyed; o += CHUNK) {
      let chunk = await source.read(o, Math.min(CHUNK, end - o + 1));
      if (cut !== undefined && sent + chunk.length >= cut) {
        chunk = chunk.subarray(0, cut - sent);
        sent += chunk.length;
        res.write(chunk, () => res.destroy());
        return sent;
      }
      sent += chunk.length;
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    res.end();
    return sent;
  };

  /** Serves bytes with `Range` support; the headers describe the listed file even when other bytes are served. */
  const serveBytes = async (req: IncomingMessage, res: ServerResponse, source: Source, headers: Record<string, string>, ignoreRange = false): Promise<number> => {
    const size = source.size;
    const range = ignoreRange ? undefined : parseRange(req.headers.range, size);
    const common = { 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream', ...headers };
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
      res.end();
      return 0;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const length = Math.max(0, end - start + 1);
    res.writeHead(range ? 206 : 200, {
      ...common,
      'Content-Length': String(length),
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return 0;
    }
    return sendBody(res, source, start, end);
  };

  const handleResolve = async (
    req: IncomingMessage,
    res: ServerResponse,
    state: RepoState,
    who: ReturnType<typeof authOf>,
    raw: boolean,
    segments: string[],
  ): Promise<number> => {
    checkAccess(state, who, true);
    const split = splitRevision(state, segments, true);
    if (!split) throw new HttpError(404, `Invalid rev id: ${segments[0] ?? ''}`, 'RevisionNotFound');
    const file = state.files.get(split.commit.sha)!.get(split.path);
    if (!file) throw new HttpError(404, 'Entry not found', 'EntryNotFound');
    const meta = await metaOf(file);
    const headers: Record<string, string> = { 'X-Repo-Commit': split.commit.sha };
    if (raw || !meta.pointer) {
      headers['ETag'] = `"${meta.gitOid}"`;
      return serveBytes(req, res, raw && meta.pointer ? Source.of(meta.pointer) : file.served, headers, file.spec.ignoreRange);
    }
    // LFS/Xet: the ETag is the content's SHA-256 (a Xet-only file has no SHA-256 known to the Hub).
    const etag = file.spec.lfs ? meta.sha256 : meta.xetHash!;
    Object.assign(headers, { ETag: `"${etag}"`, 'X-Linked-Etag': `"${etag}"`, 'X-Linked-Size': String(file.content.size) });
    if (meta.xetHash) headers['X-Xet-Hash'] = meta.xetHash;
    if (options.redirectLfs) {
      const key = `${meta.sha256}`;
      cdn.set(key, file);
      res.writeHead(302, { ...headers, Location: `${base}/cdn/${key}`, 'Content-Length': '0' });
      res.end();
      return 0;
    }
    return serveBytes(req, res, file.served, headers, file.spec.ignoreRange);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, segs: string[], who: ReturnType<typeof authOf>): Promise<number> => {
    if (segs[1] === 'whoami-v2' && segs.length === 2) {
      if (who.auth !== 'valid') throw new HttpError(401, 'Invalid credentials in Authorization header');
      return sendJson(res, 200, {
        type: 'user', id: 'u1', name: 'tester', fullname: 'T', email: 't@x', emailVerified: true, isPro: false, canPay: false,
        avatarUrl: '', periodEnd: null, billingMode: 'prepaid', orgs: [],
        auth: { type: 'access_token', accessToken: { displayName: 'ci', role: 'read', createdAt: EMPTY_DATE } },
      });
    }
    const type = ({ models: 'model', datasets: 'dataset', spaces: 'space' } as const)[segs[1] as 'models'];
    if (!type) throw new HttpError(404, 'Not found');
    const state = findRepo(type, segs[2], segs[3], who);
    const op = segs[4];
    const rest = segs.slice(5);
    const expand = url.searchParams.get('expand') === 'true';
    if (op === undefined || op === 'revision') {
      checkAccess(state, who, false);
      const commit = commitOr404(state, op === undefined ? 'HEAD' : rest.join('/'));
      return sendJson(res, 200, infoDoc(state, commit, url));
    }
    if (op === 'tree') {
      checkAccess(state, who, false);
      const split = splitRevision(state, rest, false);
      if (!split) throw new HttpError(404, `Invalid rev id: ${rest.join('/')}`, 'RevisionNotFound');
      const tree = treeEntries(state.files.get(split.commit.sha)!, split.path, url.searchParams.get('recursive') === 'true');
      if (!tree) throw new HttpError(404, `Entry not found: ${split.path}`, 'EntryNotFound');
      const all: Array<() => Promise<Record<string, unknown>>> = [
        ...tree.dirs.map((d) => async () => dirEntry(d, split.commit)),
        ...tree.files.map((f) => () => fileEntry(f, split.commit, expand)),
      ];
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      if (!Number.isSafeInteger(cursor) || cursor < 0) throw new HttpError(400, 'Invalid cursor');
      const page = await Promise.all(all.slice(cursor, cursor + pageSize).map((make) => make()));
      const headers: Record<string, string> = {};
      if (cursor + pageSize < all.length) {
        const next = new URL(url.pathname + url.search, base);
        next.searchParams.set('cursor', String(cursor + pageSize));
        headers['Link'] = `<${next.href}>; rel="next"`;
      }
      return sendJson(res, 200, page, headers);
    }
    if (op === 'paths-info') {
      checkAccess(state, who, false);
      const commit = commitOr404(state, rest.join('/'));
      const body = await readBody(req);
      let paths: unknown;
      let expandPaths = false;
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.includes('application/json')) {
        let parsed: { paths?: unknown; expand?: unknown };
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          throw new HttpError(400, 'Invalid JSON body');
        }
        paths = parsed.paths;
        expandPaths = parsed.expand === true;
      } else {
        const form = new URLSearchParams(body);
        paths = form.getAll('paths');
        expandPaths = form.get('expand') === 'true';
      }
      if (!Array.isArray(paths)) throw new HttpError(400, 'paths must be an array');
      const files = state.files.get(commit.sha)!;
      const out: Record<string, unknown>[] = [];
      for (const p of paths) {
        if (typeof p !== 'string') continue;
        const file = files.get(p);
        if (file) out.push(await fileEntry(file, commit, expandPaths));
        else if ([...files.keys()].some((k) => k.startsWith(`${p}/`))) out.push(dirEntry(p, commit));
      }
      return sendJson(res, 200, out);
    }
    if (op === 'commits') {
      checkAccess(state, who, false);
      const head = commitOr404(state, rest.length > 0 ? rest.join('/') : 'main');
      const history = state.repo.commits.slice(0, state.repo.commits.indexOf(head) + 1).reverse();
      return sendJson(res, 200, history.map((c) => ({
        id: c.sha, title: c.title ?? 'initial commit', message: '', authors: [{ user: state.repo.id.split('/')[0], avatar: '' }], date: c.date ?? EMPTY_DATE,
      })));
    }
    if (op === 'refs') {
      checkAccess(state, who, false);
      const branches = new Map<string, string>();
      const tags = new Map<string, string>();
      for (const c of state.repo.commits) {
        for (const b of branchesOf(c)) branches.set(b, c.sha);
        for (const t of c.tags ?? []) tags.set(t, c.sha);
      }
      const refList = (m: Map<string, string>, kind: string): unknown[] =>
        [...m].map(([name, sha]) => ({ name, ref: `refs/${kind}/${name}`, targetCommit: sha }));
      return sendJson(res, 200, { branches: refList(branches, 'heads'), tags: refList(tags, 'tags'), converts: [] });
    }
    throw new HttpError(404, 'Not found');
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL, who: ReturnType<typeof authOf>): Promise<number> => {
    let segs: string[];
    try {
      segs = url.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
    } catch {
      throw new HttpError(400, 'Malformed path');
    }
    if (segs[0] === 'api') return handleApi(req, res, url, segs, who);
    if (segs[0] === 'cdn' && segs.length === 2) {
      const file = cdn.get(segs[1]!);
      if (!file) throw new HttpError(404, 'Not found');
      return serveBytes(req, res, file.served, { ETag: `"${segs[1]}"` }, file.spec.ignoreRange);
    }
    let type: RepoType = 'model';
    let i = 0;
    if (segs[0] === 'datasets' || segs[0] === 'spaces') {
      type = segs[0] === 'datasets' ? 'dataset' : 'space';
      i = 1;
    }
    const op = segs[i + 2];
    if (op !== 'resolve' && op !== 'raw') throw new HttpError(404, 'Not found');
    const state = findRepo(type, segs[i], segs[i + 1], who);
    return handleResolve(req, res, state, who, op === 'raw', segs.slice(i + 3));
  };

  const takeFailure = (req: FakeRequest): FailureSpec | undefined => {
    const { method, path, query } = req;
    const spec = failures.find((f) => {
      if (f.count <= 0) return false;
      if (f.match === undefined) return true;
      if (typeof f.match === 'string') return path.includes(f.match);
      if (f.match instanceof RegExp) return f.match.test(`${method} ${path}${query ? `?${query}` : ''}`);
      return f.match({ method, path, query, ...(req.range !== undefined ? { range: req.range } : {}) });
    });
    if (spec) spec.count--;
    return spec;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const who = authOf(req);
    const record: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      status: 0,
      bytes: 0,
      auth: who.auth,
    };
    if (req.headers.range !== undefined) record.range = req.headers.range;
    requests.push(record);
    const failure = takeFailure(record);
    if (failure) {
      if (failure.drop) {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      if (failure.cutAfterBytes !== undefined) cuts.set(res, failure.cutAfterBytes);
      else if (failure.stall) {
        record.status = 200;
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000000' });
        res.write(Buffer.alloc(1));
        record.bytes = 1;
        return;
      }
    }
    if (failure && failure.cutAfterBytes === undefined) {
      record.status = failure.status ?? 503;
      const body = Buffer.from(failure.body ?? JSON.stringify({ error: 'injected failure' }));
      res.writeHead(record.status, { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ...failure.headers });
      res.end(body);
      record.bytes = body.length;
      return;
    }
    const done = (bytes: number): void => {
      record.status = res.statusCode;
      record.bytes = bytes;
    };
    void (async () => {
      try {
        if (who.auth === 'invalid') throw new HttpError(401, 'Invalid credentials in Authorization header');
        done(await route(req, res, url, who));
      } catch (err) {
        if (res.headersSent) {
          res.destroy();
          done(0);
          return;
        }
        const e = err instanceof HttpError ? err : new HttpError(500, err instanceof Error ? err.message : 'internal error');
        const headers: Record<string, string> = { 'X-Request-Id': `req-${requests.length}` };
        if (e.code) {
          headers['X-Error-Code'] = e.code;
          headers['X-Error-Message'] = e.message;
        }
        const bytes = req.method === 'HEAD' ? (res.writeHead(e.status, headers), res.end(), 0) : sendJson(res, e.status, { error: e.message }, headers);
        done(bytes);
      }
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    fail: (spec) => {
      failures.push(spec);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) reject(new HttpError(413, 'Payload too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Deterministic pseudo-random bytes for generated files, cheap enough for a 1 GB file: each 64 KiB
 * block is a rotation of one random block, the rotation depending on the block's index.
 */
export function generatedContent(size: number, seed = 1): GeneratedContent {
  const BLOCK = 64 * 1024;
  const block = Buffer.alloc(BLOCK);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < BLOCK; i++) {
    // xorshift32
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    block[i] = x & 0xff;
  }
  return {
    size,
    generate(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const out = Buffer.alloc(n);
      let written = 0;
      while (written < n) {
        const pos = offset + written;
        const index = Math.floor(pos / BLOCK);
        const rotation = (index * 7919) % BLOCK;
        const from = (pos % BLOCK + rotation) % BLOCK;
        const take = Math.min(n - written, BLOCK - (pos % BLOCK), BLOCK - from);
        block.copy(out, written, from, from + take);
        written += take;
      }
      return out;
    },
  };
}
