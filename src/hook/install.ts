import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, type Stats } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { writeFileAtomic } from '../cache/safe-fs.js';
import { UsageError } from '../util/errors.js';
import { CHAINED_SUFFIX, eolOf, findBlocks, insertBlock, isEffectivelyEmpty, modelvetBlock, withoutBlocks } from './block.js';
import { gitHooksDir } from './git.js';
import { interpreterOf, isShellHook } from './shebang.js';

export const HOOK_NAME = 'pre-commit';
/** Hooks are short scripts; anything larger is not one modelvet should rewrite. */
const MAX_HOOK_BYTES = 1024 * 1024;
const HOOK_MODE = 0o755;

export interface HookOptions {
  cwd: string;
  /** Chain a hook that is not a shell script instead of refusing. */
  force?: boolean;
}

export type InstallOutcome =
  /** No hook was there: a new one holding only the block. */
  | 'created'
  /** An existing shell hook: the block inserted after its shebang. */
  | 'inserted'
  /** The block was there: rewritten in place (same text: nothing written). */
  | 'updated'
  | 'unchanged'
  /** `--force` over a hook in another language: moved aside and called from the new shell hook. */
  | 'chained';

export type UninstallOutcome = 'removed-block' | 'deleted' | 'restored' | 'not-installed' | 'no-hook';

export interface HookResult<O> {
  outcome: O;
  hookPath: string;
  /** One line each for the user. */
  messages: string[];
}

/** How to name a path in a message: relative to where the user is when that is shorter. */
const shown = (cwd: string, path: string): string => {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && rel.length < path.length ? rel : path;
};

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The hook's text, after refusing what modelvet must not rewrite (a link, a folder, a huge file). */
function readHook(path: string, stats: Stats, cwd: string): string {
  if (stats.isSymbolicLink()) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch {
      // the refusal below is the message either way
    }
    throw new UsageError(`${shown(cwd, path)} is a symbolic link (to ${target}); modelvet does not write through it: add the modelvet block to the target yourself, or replace the link with a file`);
  }
  if (!stats.isFile()) throw new UsageError(`${shown(cwd, path)} is not a regular file; modelvet leaves it alone`);
  if (stats.size > MAX_HOOK_BYTES) throw new UsageError(`${shown(cwd, path)} is ${stats.size} bytes, too large to be a hook modelvet should edit`);
  return readFileSync(path, 'utf8');
}

function blocksOrRefuse(text: string, path: string, cwd: string) {
  const found = findBlocks(text);
  if (found.unbalanced) throw new UsageError(`${shown(cwd, path)} has a modelvet marker without its partner; fix the hook by hand (the block runs from "# >>> modelvet >>>" to "# <<< modelvet <<<")`);
  return found.spans;
}

const write = async (path: string, text: string): Promise<void> => {
  try {
    await writeFileAtomic(path, text, HOOK_MODE);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
};

/**
 * Adds the modelvet block to the repository's pre-commit hook (see block.ts for what it runs).
 * Idempotent; keeps whatever else the hook does. Throws UsageError (exit 2) for what it refuses.
 */
export async function installHook(options: HookOptions): Promise<HookResult<InstallOutcome>> {
  const { cwd } = options;
  const dir = gitHooksDir(cwd);
  const hookPath = join(dir, HOOK_NAME);
  const origPath = hookPath + CHAINED_SUFFIX;
  const shownPath = shown(cwd, hookPath);
  const stats = statOrUndefined(hookPath);

  if (!stats) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const chained = existsSync(origPath);
    await write(hookPath, `#!/bin/sh\n${modelvetBlock({ chained })}`);
    return { outcome: 'created', hookPath, messages: [`created ${shownPath}: each commit now runs modelvet scan --staged`] };
  }

  const text = readHook(hookPath, stats, cwd);
  const spans = blocksOrRefuse(text, hookPath, cwd);
  const eol = eolOf(text);

  if (spans.length > 0) {
    // Already installed: one current block where the first one was, any duplicates dropped.
    const block = modelvetBlock({ chained: existsSync(origPath) }, eol);
    const rest = withoutBlocks(text, spans.slice(1)); // the later blocks only: the first one's offsets still hold
    const updated = rest.slice(0, spans[0].start) + block + rest.slice(spans[0].end);
    if (updated === text && (stats.mode & 0o111) !== 0) return { outcome: 'unchanged', hookPath, messages: [`${shownPath} already runs modelvet; nothing changed`] };
    await write(hookPath, updated);
    return { outcome: 'updated', hookPath, messages: [`updated the modelvet block in ${shownPath}`] };
  }

  if (isShellHook(text)) {
    const messages = [`added the modelvet block to ${shownPath}, before its own commands`];
    if (text.includes('File generated by pre-commit')) messages.push('note: this hook belongs to the pre-commit framework; listing the modelvet hooks in .pre-commit-config.yaml is the sturdier choice');
    await write(hookPath, insertBlock(text, modelvetBlock({ chained: existsSync(origPath) }, eol)));
    return { outcome: 'inserted', hookPath, messages };
  }

  const interpreter = interpreterOf(text) || 'non-shell';
  if (!options.force) {
    throw new UsageError(
      `${shownPath} is a ${interpreter} script, so modelvet cannot add its shell block; use the pre-commit framework (see modelvet's .pre-commit-hooks.yaml), or rerun with --force to move it to ${basename(origPath)} and call it from a new shell hook`,
    );
  }
  if (statOrUndefined(origPath)) throw new UsageError(`${shown(cwd, origPath)} already exists; move it away before chaining ${shownPath} again`);
  renameSync(hookPath, origPath);
  try {
    await write(hookPath, `#!/bin/sh\n${modelvetBlock({ chained: true })}`);
  } catch (err) {
    renameSync(origPath, hookPath);
    throw err;
  }
  return {
    outcome: 'chained',
    hookPath,
    messages: [`moved the ${interpreter} hook to ${shown(cwd, origPath)} and created ${shownPath}, which runs it and then modelvet scan --staged`],
  };
}

/**
 * Takes out only the modelvet block; deletes the hook when nothing else is left, and puts back a
 * hook that `--force` moved aside.
 */
export async function uninstallHook(options: HookOptions): Promise<HookResult<UninstallOutcome>> {
  const { cwd } = options;
  const hookPath = join(gitHooksDir(cwd), HOOK_NAME);
  const origPath = hookPath + CHAINED_SUFFIX;
  const shownPath = shown(cwd, hookPath);
  const stats = statOrUndefined(hookPath);
  if (!stats) {
    if (statOrUndefined(origPath)) {
      renameSync(origPath, hookPath);
      return { outcome: 'restored', hookPath, messages: [`restored ${shownPath} from ${basename(origPath)}`] };
    }
    return { outcome: 'no-hook', hookPath, messages: [`${shownPath} does not exist; nothing to remove`] };
  }
  const text = readHook(hookPath, stats, cwd);
  const spans = blocksOrRefuse(text, hookPath, cwd);
  if (spans.length === 0) return { outcome: 'not-installed', hookPath, messages: [`${shownPath} has no modelvet block; nothing removed`] };

  const rest = withoutBlocks(text, spans);
  if (!isEffectivelyEmpty(rest)) {
    await write(hookPath, rest);
    const messages = [`removed the modelvet block from ${shownPath}`];
    if (statOrUndefined(origPath)) messages.push(`note: ${shown(cwd, origPath)} is still there (${shownPath} has other commands, so it was not put back)`);
    return { outcome: 'removed-block', hookPath, messages };
  }
  rmSync(hookPath);
  if (statOrUndefined(origPath)) {
    renameSync(origPath, hookPath);
    return { outcome: 'restored', hookPath, messages: [`removed the modelvet hook and put back the original ${shownPath}`] };
  }
  return { outcome: 'deleted', hookPath, messages: [`removed ${shownPath} (it held only the modelvet block)`] };
}
