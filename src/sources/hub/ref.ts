import type { HubRef } from './types.js';

type RepoType = HubRef['repoType'];

/** One part of a repo id, as huggingface_hub's `validate_repo_id` accepts it (word characters at both ends). */
const ID_PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

/** First path segments of Hub web pages and of type prefixes: never a namespace. */
const RESERVED_NAMESPACES = new Set([
  'api', 'models', 'model', 'datasets', 'dataset', 'spaces', 'space', 'buckets', 'kernels', 'docs', 'settings',
  'organizations', 'collections', 'papers', 'blog', 'login', 'join', 'pricing', 'tasks', 'learn', 'chat', 'new',
]);

const TYPE_PREFIX: Readonly<Record<string, RepoType>> = { datasets: 'dataset', spaces: 'space' };

/** Hosts that are the public Hub under another name: the endpoint is huggingface.co. */
const PUBLIC_HUB_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);

const MAX_REVISION = 255;

function validPart(part: string): boolean {
  return ID_PART.test(part) && !part.includes('--') && !part.includes('..');
}

/** `org/name` (or a bare legacy `name` when `allowBare`), checked as the Hub checks repo ids. */
function validRepoId(id: string, allowBare: boolean): boolean {
  const parts = id.split('/');
  if (parts.length === 1) return allowBare && validPart(parts[0]!) && !RESERVED_NAMESPACES.has(parts[0]!) && !id.endsWith('.git');
  if (parts.length !== 2) return false;
  const [ns, name] = parts as [string, string];
  return validPart(ns) && validPart(name) && !RESERVED_NAMESPACES.has(ns) && !name.endsWith('.git');
}

/**
 * A branch, tag or commit as git allows it in a ref name. A `/` is allowed only where the
 * caller says so (`refs/pr/1` written after `@`, or percent-encoded in a URL).
 */
function validRevision(rev: string, allowSlash: boolean): boolean {
  if (rev.length === 0 || rev.length > MAX_REVISION) return false;
  if (!/^[A-Za-z0-9._+\-/]+$/.test(rev)) return false;
  if (rev.startsWith('-') || rev.startsWith('/') || rev.endsWith('/') || rev.endsWith('.') || rev.endsWith('.lock')) return false;
  if (rev.includes('..') || rev.includes('//')) return false;
  if (rev.includes('/') && !allowSlash) return false;
  return rev.split('/').every((seg) => !seg.startsWith('.'));
}

/** A path inside the repo: relative, no `.`/`..` segments, no empty segments, no NUL or backslash. */
export function isSafeRepoPath(path: string): boolean {
  if (path.length === 0 || path.length > 4096) return false;
  if (/[\0\\]/.test(path)) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

function decodeSegment(seg: string): string | undefined {
  try {
    return decodeURIComponent(seg);
  } catch {
    return undefined;
  }
}

/** `hf:[datasets/|spaces/]org/name[@rev]`: a `/` in the revision only for `refs/...`. */
function parseShort(body: string, allowBare: boolean): HubRef | undefined {
  const at = body.indexOf('@');
  const id = at >= 0 ? body.slice(0, at) : body;
  const revision = at >= 0 ? body.slice(at + 1) : undefined;
  let repoType: RepoType = 'model';
  let repo = id;
  const slash = id.indexOf('/');
  const prefix = slash >= 0 ? TYPE_PREFIX[id.slice(0, slash)] : undefined;
  if (prefix && allowBare) {
    repoType = prefix;
    repo = id.slice(slash + 1);
  }
  if (!validRepoId(repo, allowBare && repoType === 'model')) return undefined;
  if (revision !== undefined && !validRevision(revision, revision.startsWith('refs/'))) return undefined;
  return revision === undefined ? { repo, repoType } : { repo, repoType, revision };
}

/** Hub page URLs: `/[datasets/|spaces/]org/name[/tree|blob|resolve|commit/<rev>[/path]]`. */
function parseUrl(text: string): HubRef | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  // URL parsing folds `a/../b` away; a reference that needs dot segments is not one we guess at.
  if (/\/(?:\.|%2e){1,2}(?:[/?#]|$)/i.test(text)) return undefined;
  const raw = url.pathname.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
  const segments = raw.map(decodeSegment);
  if (segments.some((s) => s === undefined || s === '')) return undefined;
  const segs = segments as string[];
  let repoType: RepoType = 'model';
  let i = 0;
  const typed = TYPE_PREFIX[segs[0] ?? ''];
  if (typed) {
    repoType = typed;
    i = 1;
  }
  if (segs.length < i + 2) return undefined;
  const repo = `${segs[i]}/${segs[i + 1]}`;
  if (!validRepoId(repo, false)) return undefined;
  const endpoint = PUBLIC_HUB_HOSTS.has(url.hostname) ? 'https://huggingface.co' : url.origin;
  const base: HubRef = { repo, repoType, endpoint };
  const rest = segs.slice(i + 2);
  if (rest.length === 0) return base;
  const [kind, revision, ...pathParts] = rest as [string, string | undefined, ...string[]];
  if (revision === undefined || !['tree', 'blob', 'resolve', 'commit'].includes(kind)) return undefined;
  // One URL segment is the whole revision: `refs%2Fpr%2F1` decodes to a revision with slashes.
  if (!validRevision(revision, revision.startsWith('refs/'))) return undefined;
  if (kind === 'commit') return pathParts.length === 0 && /^[0-9a-f]{40}$/.test(revision) ? { ...base, revision } : undefined;
  if (pathParts.length === 0) return kind === 'tree' ? { ...base, revision } : undefined;
  const path = pathParts.join('/');
  return isSafeRepoPath(path) ? { ...base, revision, path } : undefined;
}

/**
 * Reads a Hub reference: `hf:org/name[@rev]`, `hf:datasets/org/name`, `hf:spaces/org/name`, `org/name[@rev]`,
 * and Hub URLs (`https://huggingface.co/org/name/tree/<rev>`, `.../blob|resolve/<rev>/<path>`,
 * `.../datasets/org/name`). Anything that is not Hub repo id syntax gives undefined: a caller
 * that also accepts local paths tries the path first.
 */
export function parseHubRef(text: string): HubRef | undefined {
  const input = text.trim();
  if (input.length === 0 || input.length > 2048) return undefined;
  if (/^https?:\/\//i.test(input)) return parseUrl(input);
  if (input.startsWith('hf:')) return parseShort(input.slice('hf:'.length), true);
  // Bare `org/name` must have exactly one slash and no type prefix, or a local path could pass for it.
  return parseShort(input, false);
}

/** How a reference is written back to the user: `hf:org/name`, `hf:datasets/org/name`. */
export function formatHubRef(ref: Pick<HubRef, 'repo' | 'repoType'> & { revision?: string }): string {
  const prefix = ref.repoType === 'model' ? '' : `${ref.repoType}s/`;
  return `hf:${prefix}${ref.repo}${ref.revision !== undefined ? `@${ref.revision}` : ''}`;
}

/** The repo as `@huggingface/hub` designates it (`{type, name}`). */
export function repoDesignation(ref: Pick<HubRef, 'repo' | 'repoType'>): { type: RepoType; name: string } {
  return { type: ref.repoType, name: ref.repo };
}
