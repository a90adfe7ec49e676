/** How a resource name in a manifest becomes a path under the model folder. */

export type NameReading =
  | { kind: 'ok'; path: string }
  | { kind: 'escape'; reason: string }
  | { kind: 'bad'; reason: string };

/**
 * model_signing reads names as `PurePosixPath`: `a//b` and `./a` are `a/b` and `a`. A verifier on
 * Windows also splits on `\`, so a `..` or a drive there escapes just the same.
 */
export function readResourceName(name: string): NameReading {
  if (name.includes('\0')) return { kind: 'bad', reason: 'contains a NUL byte' };
  if (/^[\\/]/.test(name) || /^[A-Za-z]:/.test(name)) return { kind: 'escape', reason: 'is an absolute path' };
  if (name.split(/[\\/]/).includes('..')) return { kind: 'escape', reason: "climbs out of the model folder with '..'" };
  const path = name.split('/').filter((s) => s !== '' && s !== '.').join('/');
  if (path === '') return { kind: 'bad', reason: 'names the model folder itself, not a file in it' };
  return { kind: 'ok', path };
}

/** model_signing's ordering of file keys: by path components, so `a/b` sorts before `a.b`. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}
