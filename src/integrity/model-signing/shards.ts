import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileReader, type FileByteReader } from '../../sources/readers.js';
import type { ShardCheck, SignedShard, SigningManifest } from './types.js';

const CHUNK = 1024 * 1024;

async function hashRange(reader: FileByteReader, start: number, end: number): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for (let at = start; at < end; ) {
    const chunk = await reader.read(at, Math.min(CHUNK, end - at));
    if (chunk.length === 0) break;
    hash.update(chunk);
    bytes += chunk.length;
    at += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
};

function failAll(shards: SignedShard[], problem: NonNullable<ShardCheck['problem']>): ShardCheck[] {
  return shards.map((s) => ({ path: s.path, start: s.start, end: s.end, ok: false, expected: s.sha256, actual: null, problem }));
}

/** Byte ranges of a file of `size` bytes that no shard covers; model_signing would list them as shards of their own. */
function uncovered(path: string, shards: SignedShard[], size: number): ShardCheck[] {
  const gaps: ShardCheck[] = [];
  let cursor = 0;
  for (const s of shards) {
    if (s.start > cursor) gaps.push({ path, start: cursor, end: Math.min(s.start, size), ok: false, expected: null, actual: null, problem: 'uncovered' });
    cursor = Math.max(cursor, s.end);
  }
  if (cursor < size) gaps.push({ path, start: cursor, end: size, ok: false, expected: null, actual: null, problem: 'uncovered' });
  return gaps.filter((g) => g.end > g.start);
}

async function checkFile(root: string, path: string, shards: SignedShard[]): Promise<ShardCheck[]> {
  const absolute = join(root, ...path.split('/'));
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    return failAll(shards, 'missing');
  }
  // A link may point anywhere; what lies outside the model folder is never read.
  if (!inside(root, real)) return failAll(shards, 'outside-root');
  const info = await stat(real);
  if (!info.isFile()) return failAll(shards, 'not-a-file');
  const reader = await fileReader(real);
  try {
    const results: ShardCheck[] = [];
    for (const s of shards) {
      const { sha256, bytes } = await hashRange(reader, s.start, s.end);
      const short = bytes < s.end - s.start;
      results.push({ path, start: s.start, end: s.end, ok: !short && sha256 === s.sha256, expected: s.sha256, actual: sha256, ...(short ? { problem: 'short' as const } : {}) });
    }
    return [...results, ...uncovered(path, shards, reader.size)];
  } finally {
    await reader.close();
  }
}

/**
 * Re-hashes every signed shard under `modelRoot`, one range at a time (memory stays flat), and
 * reports the bytes of each signed file no shard covers: appending to a sharded file must fail.
 */
export async function checkShards(manifest: Pick<SigningManifest, 'shards'>, modelRoot: string): Promise<ShardCheck[]> {
  let root: string;
  try {
    root = await realpath(modelRoot);
  } catch {
    return failAll(manifest.shards, 'missing');
  }
  const byFile = new Map<string, SignedShard[]>();
  for (const s of manifest.shards) {
    const list = byFile.get(s.path);
    if (list) list.push(s);
    else byFile.set(s.path, [s]);
  }
  const results: ShardCheck[] = [];
  for (const [path, shards] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    shards.sort((a, b) => a.start - b.start || a.end - b.end);
    try {
      results.push(...(await checkFile(root, path, shards)));
    } catch {
      results.push(...failAll(shards, 'missing'));
    }
  }
  return results;
}
