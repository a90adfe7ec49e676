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

/** Maps a display path to a URI relative to the repository root (or the working directory outside a repo). */
export function repoUriMapper(cwd: string): (path: string) => string {
  const base = findRepoRoot(cwd) ?? resolve(cwd);
  return (path) => {
    const abs = resolve(cwd, path);
    const rel = relative(base, abs);
    const inside = rel && !rel.startsWith('..') && !isAbsolute(rel);
    const parts = (inside ? rel : abs).split(sep).filter((p) => p !== '');
    const encoded = parts.map(encodeURIComponent).join('/');
    return inside ? encoded : `file:///${encoded}`;
  };
}
