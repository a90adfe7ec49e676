/**
 * The repository `--staged` reads: its work tree root (paths are named from there), its common git
 * folder (where Git LFS keeps objects, shared by linked worktrees) and the staged entries.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { firstLine, GitSpawnError, nulFields, runGit } from './git-process.js';

export interface GitRepo {
  /** Absolute, real path of the work tree root. */
  top: string;
  /** Absolute path of the common git folder (`.git`, or the main one for a linked worktree). */
  commonDir: string;
  /** Real path of the folder git runs in (the caller's cwd). */
  cwd: string;
}

export async function openRepo(cwd: string): Promise<GitRepo> {
  const fail = (why: string): never => {
    throw new UsageError(`--staged needs a git repository (git rev-parse failed: ${why})`);
  };
  let realCwd: string;
  try {
    realCwd = await realpath(cwd);
  } catch (err) {
    return fail(`${cwd}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let out;
  try {
    out = await runGit(['rev-parse', '--show-toplevel', '--git-common-dir'], realCwd);
  } catch (err) {
    if (err instanceof GitSpawnError) return fail(err.message);
    throw err;
  }
  if (out.code !== 0) return fail(firstLine(out.stderr));
  const [top, common] = out.stdout.toString('utf8').split('\n');
  if (!top || !common) return fail('no work tree');
  // An older git prints the common folder relative to where it ran.
  const commonDir = isAbsolute(common) ? common : resolve(realCwd, common);
  return { top: await realpath(top).catch(() => top), commonDir, cwd: realCwd };
}

/** Where Git LFS keeps objects: `<common dir>/lfs/objects`, or under `lfs.storage` when set. */
export async function lfsObjectsDir(repo: GitRepo): Promise<string> {
  // `--path` expands `~/` as git-lfs does; a relative value is relative to the git folder.
  const out = await runGit(['config', '--path', '--get', 'lfs.storage'], repo.cwd).catch(() => undefined);
  const storage = out?.code === 0 ? out.stdout.toString('utf8').replace(/\n$/, '') : '';
  const base = storage === '' ? join(repo.commonDir, 'lfs') : resolve(repo.commonDir, storage);
  return join(base, 'objects');
}

/** One path `git diff --cached` lists, as the index has it. */
export interface StagedEntry {
  /** Path from the work tree root, `/`-separated. */
  path: string;
  /** Index mode: 100644/100755 files, 120000 links, 160000 submodules; 000000 for a conflict. */
  mode: string;
  /** Index blob id (all zeros for a conflict). */
  oid: string;
  /** `git diff` status letter: A, C, M, R, T, or U for an unresolved conflict. */
  status: string;
}

/**
 * Entries added, copied, modified, renamed, retyped or conflicted in the index against HEAD (against
 * nothing on an unborn branch), limited to `pathspecs` (literal, from `repo.cwd`). `--raw` gives each
 * one's index mode and blob id, so the whole index is never listed: cost follows what is staged.
 */
export async function stagedEntries(repo: GitRepo, pathspecs: readonly string[]): Promise<StagedEntry[]> {
  const args = [
    '--literal-pathspecs', 'diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--no-ext-diff',
    '--no-textconv', '--no-relative', '--ignore-submodules=none', '--diff-filter=ACMRTU', '--', ...pathspecs,
  ];
  const out = await runGit(args, repo.cwd).catch((err: Error) => {
    throw new UsageError(`--staged could not list the index: ${err.message}`);
  });
  if (out.code !== 0) throw new UsageError(`--staged could not list the index: ${firstLine(out.stderr)}`);
  const fields = nulFields(out.stdout);
  const entries: StagedEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // `:<old mode> <new mode> <old oid> <new oid> <status>[score]`, then the path.
    const meta = /^:[0-7]{6} ([0-7]{6}) [0-9a-f]+ ([0-9a-f]+) ([A-Z])[0-9]*$/.exec(fields[i]);
    if (!meta) throw new UsageError(`--staged could not read git's list of staged files near: ${fields[i].slice(0, 80)}`);
    entries.push({ mode: meta[1], oid: meta[2], status: meta[3], path: fields[i + 1] });
  }
  return entries;
}
