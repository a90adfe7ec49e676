import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { lockfileProblems, sourceKey } from './lockfile-schema.js';
import type { LockedModel, Lockfile } from './types.js';
import { readOpenFile } from './small-files.js';

export const LOCKFILE_NAME = 'modelvet.lock.json';

/** A lockfile is a list of digests: far past this it is not one modelvet wrote. */
export const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

/** The nearest `modelvet.lock.json` from `start` upward (like config discovery), or undefined. */
export function findLockfile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, LOCKFILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads at most `max` bytes; a longer file is refused rather than read whole. */
function readCapped(file: string, max: number): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > max) throw new UsageError(`${basename(file)} is not a valid lockfile: it is ${size} bytes, over the ${max}-byte limit`);
    return readOpenFile(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** Parses and validates lockfile text; the error names the file and what is wrong, on one line. */
export function parseLockfile(text: string, name = LOCKFILE_NAME): Lockfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${name} is not a valid lockfile: ${(err as Error).message.split('\n')[0]}`);
  }
  const problems = lockfileProblems(data);
  if (problems.length) throw new UsageError(`${name} is not a valid lockfile: ${problems.join('; ')}`);
  return data as Lockfile;
}

export function readLockfile(file: string): Lockfile {
  let text: string;
  try {
    text = readCapped(file, MAX_LOCKFILE_BYTES);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseLockfile(text, basename(file));
}

// Code-unit order, not locale order: the same lockfile bytes on every machine.
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function modelOrder(a: LockedModel, b: LockedModel): number {
  const ka = a.source.type === 'hf' ? `0${a.source.repo}\u0000${a.source.repoType}` : `1${a.source.path}`;
  const kb = b.source.type === 'hf' ? `0${b.source.repo}\u0000${b.source.repoType}` : `1${b.source.path}`;
  return byCodeUnits(ka, kb);
}

/** Field order fixed, models and files sorted: two locks of the same content are the same bytes. */
export function normaliseLockfile(lock: Lockfile): Lockfile {
  const models = lock.models.map((m) => ({
    source:
      m.source.type === 'hf'
        ? { type: 'hf' as const, repo: m.source.repo, repoType: m.source.repoType, revision: m.source.revision, commit: m.source.commit }
        : { type: 'local' as const, path: m.source.path },
    files: [...m.files].sort((a, b) => byCodeUnits(a.path, b.path)).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, from: f.from })),
  }));
  return { lockfileVersion: 1, models: models.sort(modelOrder) };
}

/** 2-space JSON, trailing newline, no timestamp. */
export function serialiseLockfile(lock: Lockfile): string {
  return `${JSON.stringify(normaliseLockfile(lock), null, 2)}\n`;
}

/** Entries of `updates` replace those of the same source; the others are kept. */
export function mergeLockfile(existing: Lockfile | undefined, updates: readonly LockedModel[]): Lockfile {
  const byKey = new Map<string, LockedModel>();
  for (const m of existing?.models ?? []) byKey.set(sourceKey(m.source), m);
  for (const m of updates) byKey.set(sourceKey(m.source), m);
  return normaliseLockfile({ lockfileVersion: 1, models: [...byKey.values()] });
}

/**
 * Validates, then writes beside the target and renames into place, so an interrupted lock never
 * leaves a half-written lockfile. Returns whether the bytes changed.
 */
export function writeLockfile(file: string, lock: Lockfile): boolean {
  const text = serialiseLockfile(lock);
  const problems = lockfileProblems(JSON.parse(text));
  if (problems.length) throw new UsageError(`refusing to write an invalid lockfile: ${problems.join('; ')}`);
  try {
    if (existsSync(file) && readCapped(file, MAX_LOCKFILE_BYTES) === text) return false;
  } catch {
    /* unreadable or oversized: it is replaced */
  }
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return true;
}
