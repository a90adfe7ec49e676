/**
 * The files beside an analysed file, as the parsers that look there (sharded safetensors, ONNX
 * external data) see them: one `SiblingFolder` over either a local folder or a repo listing
 * (`SiblingFiles`, a Hub repo at a commit). A disk can hold what a listing cannot (symbolic links,
 * folders, pipes and devices under a file's name, hard links, permission errors), so the local
 * folder reports those; a listing has a regular file of some size or nothing.
 *
 * Callers judge a path by its name first (absolute, `..` out of the folder) and never ask about
 * one that escapes: the folder resolves what it is given, it does not police it.
 */
import { lstat, readlink, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { SiblingFiles } from '../engine/format-handler.js';
import type { ByteReader } from '../types.js';
import { fileReader } from './readers.js';

/** What a loader opening a sibling path would find there. */
export type SiblingLookup =
  /** `links` (hard links to it) only a disk knows. */
  | { kind: 'file'; size: number; links?: number }
  /** Nothing there. `notFolder`: the leading part of the path that is a file where a folder is needed (a disk only). */
  | { kind: 'absent'; notFolder?: string }
  /** A symbolic link on the way (`through`, the path up to and including it), not followed. */
  | { kind: 'symlink'; through: string; target: string }
  | { kind: 'not-file'; what: 'a folder' | 'a named pipe' | 'a device' | 'not a regular file' }
  /** The lookup itself failed (a disk's EACCES, a listing that threw): nothing is known. */
  | { kind: 'error'; reason: string };

/** A reader over a sibling; whoever opened it closes it (a local one holds a file handle). */
export interface SiblingReader extends ByteReader {
  close(): Promise<void>;
}

export interface SiblingFolder {
  /** `disk` for a local folder, `listing` for a repo's file list; messages word "not there" after it. */
  readonly kind: 'disk' | 'listing';
  /** The folder path or `hf:org/name@commit`. */
  readonly where: string;
  /** As `open()` finds the path: links followed (a Hugging Face cache snapshot links every file into blobs/). */
  find(path: string): Promise<SiblingLookup>;
  /** Component by component from the folder: a link anywhere on the way is reported, never followed. */
  findNoFollow(path: string): Promise<SiblingLookup>;
  /** A reader over a path `find` called a file, or undefined when it is gone; throws what the open threw. */
  open(path: string): Promise<SiblingReader | undefined>;
}

/** A path's parts as the loader splits them: POSIX takes a backslash literally, Windows splits on both. */
export const loaderParts = (path: string): string[] => path.split(sep === '\\' ? /[\\/]+/ : /\/+/).filter((p) => p !== '' && p !== '.');

const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));

function kindOf(st: Awaited<ReturnType<typeof lstat>>): Extract<SiblingLookup, { kind: 'not-file' }>['what'] {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** A local folder: what a loader would find there, without opening anything but regular files asked for. */
export interface LocalSiblings extends SiblingFolder, SiblingFiles {
  readonly kind: 'disk';
  open(path: string): Promise<SiblingReader | undefined>;
}

export function localSiblings(folder: string): LocalSiblings {
  async function find(path: string): Promise<SiblingLookup> {
    let st;
    try {
      st = await stat(join(folder, path));
    } catch (err) {
      const code = errorCode(err);
      return code === 'ENOENT' ? { kind: 'absent' } : { kind: 'error', reason: code };
    }
    return st.isFile() ? { kind: 'file', size: st.size, links: st.nlink } : { kind: 'not-file', what: kindOf(st) };
  }

  async function findNoFollow(path: string): Promise<SiblingLookup> {
    const parts = loaderParts(path);
    let at = folder;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      // `..` is taken on the path walked so far: `a/../b` needs `a` to be a folder, as the kernel does.
      at = parts[i] === '..' ? dirname(at) : join(at, parts[i]!);
      let st;
      try {
        st = await lstat(at);
      } catch (err) {
        const code = errorCode(err);
        return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'absent' } : { kind: 'error', reason: code };
      }
      const through = parts.slice(0, i + 1).join('/');
      if (st.isSymbolicLink()) return { kind: 'symlink', through, target: await readlink(at).catch(() => '?') };
      if (!last && !st.isDirectory()) return { kind: 'absent', notFolder: through };
      if (last) return st.isFile() ? { kind: 'file', size: st.size, links: st.nlink } : { kind: 'not-file', what: kindOf(st) };
    }
    return { kind: 'not-file', what: 'a folder' };
  }

  return {
    kind: 'disk',
    where: folder,
    find,
    findNoFollow,
    open: async (path) => fileReader(join(folder, path)),
    async stat(path) {
      const found = await find(path);
      return found.kind === 'file' ? { size: found.size } : undefined;
    },
  };
}

/**
 * The path a listing is asked for: `/`-separated, `.` and `..` resolved by name (a listing has
 * no folders to walk), or undefined when `..` would leave the folder (callers never ask that).
 */
function listingPath(path: string): string | undefined {
  const out: string[] = [];
  for (const part of loaderParts(path)) {
    if (part !== '..') out.push(part);
    else if (out.pop() === undefined) return undefined;
  }
  return out.join('/');
}

/** A repo listing (`SiblingFiles`) as a folder: a regular file of some size, or nothing. */
export function listingSiblings(siblings: SiblingFiles): SiblingFolder {
  async function find(path: string): Promise<SiblingLookup> {
    const rel = listingPath(path);
    if (rel === undefined) return { kind: 'absent' };
    // A path that names a folder of the repo (`sub/..`, empty) is no file a loader can read.
    if (rel === '') return { kind: 'not-file', what: 'a folder' };
    try {
      const found = await siblings.stat(rel);
      return found ? { kind: 'file', size: found.size } : { kind: 'absent' };
    } catch (err) {
      return { kind: 'error', reason: errorCode(err) };
    }
  }
  return {
    kind: 'listing',
    where: siblings.where,
    find,
    findNoFollow: find,
    async open(path) {
      const rel = listingPath(path);
      if (rel === undefined || rel === '') return undefined;
      const reader = await siblings.open(rel);
      if (!reader) return undefined;
      // The listing's reader is the orchestration's to release: closing this view closes nothing.
      return {
        size: reader.size,
        read: (offset, length) => reader.read(offset, length),
        ...(reader.prefetch ? { prefetch: reader.prefetch.bind(reader) } : {}),
        close: async () => {},
      };
    },
  };
}

/** The folder a file's siblings are in: its local folder when it is a local file, else the listing given, else none. */
export function siblingFolder(where: { file?: { absolutePath: string }; siblings?: SiblingFiles }): SiblingFolder | undefined {
  if (where.file) return localSiblings(dirname(where.file.absolutePath));
  return where.siblings ? listingSiblings(where.siblings) : undefined;
}
