/**
 * What a shard name in an index means to a loader. transformers joins it to the model folder
 * (`os.path.join(folder, name)`): an absolute name replaces the folder, `..` climbs out of it, and
 * on Windows a backslash or a drive letter does the same.
 */
export type ShardPathVerdict =
  /** A relative path inside the folder (usually a plain file name). */
  | { kind: 'inside' }
  /** Joins to a path outside the model folder. */
  | { kind: 'escape'; reason: string }
  /** Stays inside on some systems only, or is not a usable name at all. */
  | { kind: 'unusual'; reason: string };

export function classifyShardPath(name: string): ShardPathVerdict {
  if (name.length === 0) return { kind: 'unusual', reason: 'is empty' };
  if (name.includes('\0')) return { kind: 'unusual', reason: 'contains a NUL byte' };
  if (name.startsWith('/') || name.startsWith('\\')) return { kind: 'escape', reason: 'is an absolute path, which os.path.join puts in place of the model folder' };
  if (/^[A-Za-z]:/.test(name)) return { kind: 'escape', reason: 'starts with a drive letter, which on Windows replaces the model folder' };
  if (name.split(/[\\/]/).includes('..')) return { kind: 'escape', reason: 'climbs out of the model folder with ".."' };
  if (name.includes('\\')) return { kind: 'unusual', reason: 'contains a backslash, a folder separator on Windows and part of the file name elsewhere' };
  return { kind: 'inside' };
}
