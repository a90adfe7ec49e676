import { isAbsolute, relative, sep } from 'node:path';

export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export const toPosix = (p: string): string => p.split(sep).join('/');

/** How a path is shown: relative to the working directory when inside it, absolute otherwise. */
export function displayPath(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  if (rel === '') return '.';
  return isInside(absPath, cwd) ? toPosix(rel) : absPath;
}
