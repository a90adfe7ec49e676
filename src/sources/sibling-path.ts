import { posix } from 'node:path';

/**
 * A path a loader opens beside `filePath` (both `/`-separated, relative to a root), resolved as a
 * path: undefined when it leaves the root. Escapes are judged by the parsers before they ask.
 */
export function siblingPath(filePath: string, rel: string): string | undefined {
  const dir = posix.dirname(filePath);
  const joined = posix.normalize(posix.join(dir === '.' ? '' : dir, rel));
  return joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined) || joined === '.' ? undefined : joined;
}
