import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, type Stats } from 'node:fs';
import { chmod, open, rename, unlink } from 'node:fs/promises';

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/**
 * Ours and private: owned by this user, writable by no one else. A cache another user can write
 * to could hand back a clean result for a malicious file, so anything else is not trusted.
 * (Windows has no uid or mode bits to check; its profile folders are private by default.)
 */
export function isPrivate(stats: Stats): boolean {
  if (uid === undefined) return true;
  return stats.uid === uid && (stats.mode & 0o022) === 0;
}

/** A real directory (not a link to one) that is private; false when it is missing or anything else. */
export function isPrivateDir(path: string): boolean {
  try {
    const stats = lstatSync(path);
    return stats.isDirectory() && isPrivate(stats);
  } catch {
    return false;
  }
}

/** Creates `path` (and missing parents) mode 0700 and confirms it is a private directory. */
export function ensurePrivateDir(path: string): boolean {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return isPrivateDir(path);
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * The bytes of a private regular file of at most `maxBytes`, or undefined for anything else: a
 * symbolic link (O_NOFOLLOW refuses it; without the flag, lstat first), a missing file, a file
 * too large, another user's file. Never throws.
 */
export function readPrivateFile(path: string, maxBytes: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (NOFOLLOW === 0 && lstatSync(path).isSymbolicLink()) return undefined;
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
    const stats = fstatSync(fd);
    if (!stats.isFile() || !isPrivate(stats) || stats.size > maxBytes) return undefined;
    const buf = Buffer.alloc(stats.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // closing a read-only descriptor cannot lose data
      }
    }
  }
}

/**
 * Writes `data` to `path` so a reader sees the old file or the whole new one, never part of
 * either: a fresh temporary file (O_EXCL, 0600) in the same folder, then rename over the target.
 * A rename replaces a symbolic link at `path` rather than writing through it. Rejects on failure
 * after removing the temporary file. `mode` is the file's final mode.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    try {
      await handle.writeFile(data);
      // Created 0600 so no one reads a half-written file; chmod (unlike open) ignores the umask, so the mode is exact.
      await chmod(tmp, mode);
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Whether anything (a file, a folder, a dangling link) is at `path`. */
export function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
