import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The git work tree containing `dir`, or undefined. */
export function findRepoRoot(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const parent = dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** `hf:[datasets/|spaces/]org/name@<commit>/<file>` (a `modelvet check` path) → its page on the Hub at that commit. */
export function hubFileUrl(path: string, endpoint: string): string | undefined {
  const m = /^hf:((?:datasets\/|spaces\/)?[^/@]+\/[^/@]+)@([0-9a-f]{40})(?:\/(.+))?$/.exec(path);
  if (!m) return undefined;
  const repo = m[1]!.split('/').map(encodeURIComponent).join('/');
  const file = m[3] !== undefined ? `/blob/${m[2]}/${m[3].split('/').map(encodeURIComponent).join('/')}` : `/tree/${m[2]}`;
  // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
  return `${endpoint.replace(/(?<!\/)\/+$/, '')}/${repo}${file}`;
}

/**
 * Maps a display path to a URI relative to the repository root (or the working directory outside a
 * repo); a Hub path from `check` maps to its absolute URL on the Hub.
 */
export function repoUriMapper(cwd: string, hubEndpoint: (path: string) => string = () => 'https://huggingface.co'): (path: string) => string {
  const base = findRepoRoot(cwd) ?? resolve(cwd);
  return (path) => {
    const hub = path.startsWith('hf:') ? hubFileUrl(path, hubEndpoint(path)) : undefined;
    if (hub !== undefined) return hub;
    const abs = resolve(cwd, path);
    const rel = relative(base, abs);
    const inside = rel && !rel.startsWith('..') && !isAbsolute(rel);
    const parts = (inside ? rel : abs).split(sep).filter((p) => p !== '');
    const encoded = parts.map(encodeURIComponent).join('/');
    return inside ? encoded : `file:///${encoded}`;
  };
}
