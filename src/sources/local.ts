import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { UsageError } from '../util/errors.js';

/** A file to scan, or a path the walker refused and why (the engine turns these into findings). */
export type LocalTarget =
  | { kind: 'file'; absPath: string; displayPath: string }
  | { kind: 'symlink-escape'; displayPath: string; linkTarget: string; root: string }
  | { kind: 'broken-symlink'; displayPath: string; linkTarget: string }
  | { kind: 'special-file'; displayPath: string; fileType: string };

export interface WalkOptions {
  cwd: string;
  /** Globs relative to `ignoreBase` (the config's folder). */
  ignore: readonly string[];
  ignoreBase: string;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The Hugging Face cache stores `models--org--name/snapshots/<rev>/file` as links to
 * `models--org--name/blobs/<hash>`: following those is the normal layout, not an escape.
 */
function hfCacheRepoOf(path: string): string | undefined {
  const parts = path.split(sep);
  const i = parts.findIndex((p) => /^(models|datasets|spaces)--.+/.test(p));
  return i >= 0 ? parts.slice(0, i + 1).join(sep) : undefined;
}

async function isHfCacheLink(linkPath: string, realTarget: string): Promise<boolean> {
  const repo = hfCacheRepoOf(linkPath);
  if (repo === undefined || !isInside(linkPath, join(repo, 'snapshots'))) return false;
  // The cache folder itself may sit behind a link (~/.cache on another disk): compare real paths.
  const blobs = await realpath(join(repo, 'blobs')).catch(() => undefined);
  return blobs !== undefined && isInside(realTarget, blobs);
}

function display(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : absPath;
}

function fileTypeOf(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return 'named pipe';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  return 'special file';
}

/** The config's `ignore` globs (relative to its folder) as a test of absolute paths; a folder glob covers what is below it. */
export function ignoreMatcher(ignore: readonly string[], base: string): (abs: string) => boolean {
  return (abs) => {
    if (ignore.length === 0) return false;
    const rel = relative(base, abs).split(sep).join('/');
    return ignore.some((g) => minimatch(rel, g, { dot: true }) || minimatch(rel, `${g.replace(/\/$/, '')}/**`, { dot: true }));
  };
}

/**
 * Expands files and folders into scan targets: recursive, skipping .git and node_modules,
 * never following a link out of the folder it was given (Hugging Face cache links excepted),
 * never opening pipes or devices (a read would hang).
 */
export async function collectTargets(paths: readonly string[], options: WalkOptions): Promise<LocalTarget[]> {
  const out: LocalTarget[] = [];
  const seenDirs = new Set<string>();
  const ignored = ignoreMatcher(options.ignore, options.ignoreBase);

  async function visit(abs: string, root: string): Promise<void> {
    if (ignored(abs)) return;
    const shown = display(abs, options.cwd);
    const lst = await lstat(abs);
    let st = lst;
    if (lst.isSymbolicLink()) {
      let real: string;
      try {
        real = await realpath(abs);
        st = await stat(real);
      } catch {
        out.push({ kind: 'broken-symlink', displayPath: shown, linkTarget: await readLinkSafe(abs) });
        return;
      }
      if (!isInside(real, root) && !(await isHfCacheLink(abs, real))) {
        out.push({ kind: 'symlink-escape', displayPath: shown, linkTarget: real, root: display(root, options.cwd) });
        return;
      }
    }
    if (st.isDirectory()) {
      const real = await realpath(abs);
      if (seenDirs.has(real)) return; // a link loop or a second way into the same folder
      seenDirs.add(real);
      const entries = await readdir(abs);
      entries.sort();
      for (const name of entries) {
        if (SKIPPED_DIRS.has(name)) continue;
        await visit(join(abs, name), root);
      }
    } else if (st.isFile()) {
      out.push({ kind: 'file', absPath: abs, displayPath: shown });
    } else {
      out.push({ kind: 'special-file', displayPath: shown, fileType: fileTypeOf(st) });
    }
  }

  for (const p of paths) {
    const abs = resolve(options.cwd, p);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `no such file or folder: ${p}` : `cannot read ${p}: ${code}`);
    }
    // A folder given on the command line is the boundary links may not leave; a file's boundary is its folder.
    const root = st.isDirectory() ? await realpath(abs) : resolve(abs, '..');
    if (st.isDirectory()) await visit(abs, root);
    else if (st.isFile()) out.push({ kind: 'file', absPath: abs, displayPath: display(abs, options.cwd) });
    else out.push({ kind: 'special-file', displayPath: display(abs, options.cwd), fileType: fileTypeOf(st) });
  }
  return dedupe(out);
}

async function readLinkSafe(p: string): Promise<string> {
  const { readlink } = await import('node:fs/promises');
  try {
    return await readlink(p);
  } catch {
    return basename(p);
  }
}

function dedupe(targets: LocalTarget[]): LocalTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.kind}:${t.displayPath}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
