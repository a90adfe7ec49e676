/**
 * `modelvet scan --staged`: what the next commit will hold, read from the git index (not the work
 * tree, which may differ), each blob streamed by `git cat-file` into a private read-only temporary
 * copy. A staged Git LFS pointer stands for its object: that object is analysed where git-lfs keeps
 * it, and its absence is reported, never passed over. Nothing in the repository is written.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { CatFile } from './cat-file.js';
import { LFS_POINTER_MAX_BYTES, parseLfsPointer, type LfsPointer } from './lfs-pointer.js';
import { lfsObjectsDir, openRepo, stagedEntries, type GitRepo, type StagedEntry } from './repo.js';

export interface StagedFile {
  /** Path as git names it, relative to the work tree root, `/`-separated. */
  path: string;
  /** Display path relative to `cwd` (what findings name), like the local walker's displayPath. */
  displayPath: string;
  /** A private, read-only (0400) temporary copy of the staged content, or the LFS object in .git/lfs/objects (read in place). */
  absPath: string;
  size: number;
  /**
   * SHA-256 of the content when known without a second read: an LFS pointer's oid (as the pointer
   * claims it; the object is not re-hashed), or the digest taken while the copy was written.
   */
  sha256?: string;
  /** The index's blob id (for an LFS file, the pointer's). */
  blobId: string;
  lfs?: { oid: string; size: number; present: true };
}

export interface StagedProblem {
  displayPath: string;
  /**
   * `source/lfs-object-missing`: a staged LFS pointer whose object is not here (or not of its size);
   * `source/staged-unreadable`: an unresolved conflict, an LFS pointer with extensions, or a blob git
   * or the disk could not give; `source/symlink-escape`: a staged symbolic link that leads out of the
   * work tree (the local walker's code).
   */
  code: 'source/lfs-object-missing' | 'source/staged-unreadable' | 'source/symlink-escape';
  message: string;
  /** For `source/symlink-escape`: the link text as staged. */
  linkTarget?: string;
}

export interface StagedCollection {
  files: StagedFile[];
  problems: StagedProblem[];
  /** Removes every temporary copy; safe to call more than once. */
  cleanup(): Promise<void>;
}

const MODE_SYMLINK = '120000';
const MODE_SUBMODULE = '160000';
/** A symbolic link's text beyond this cannot be created on checkout (PATH_MAX): nothing to follow. */
const MAX_LINK_TEXT = 4096;

function displayOf(absPath: string, cwd: string): string {
  const rel = relative(cwd, absPath);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : absPath;
}

/**
 * The copy keeps the staged file's base name (parsers and messages look at names), falling back
 * to a neutral one, extension kept, when the name could not be a file name here.
 */
function copyName(path: string): string {
  const base = posix.basename(path);
  if (base === '' || base === '.' || base === '..') return 'staged';
  if (Buffer.byteLength(base) <= 200) return base;
  const ext = extname(base);
  return Buffer.byteLength(ext) <= 32 ? `staged${ext}` : 'staged';
}

/** Whether a staged link's text, resolved as checkout would from the link's folder, leaves the work tree. */
function linkEscapes(path: string, target: string): boolean {
  if (target.startsWith('/')) return true;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  return resolved === '..' || resolved.startsWith('../');
}

/** Writes all of `chunk`: a file write may take less than asked. */
async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let done = 0;
  while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
}

function lfsMissingMessage(pointer: LfsPointer, where: string, found?: number): string {
  const base = `the staged Git LFS pointer names object ${pointer.oid} (${pointer.size} bytes), which is not in ${where}`;
  const detail = found === undefined ? '' : ` (the file there has ${found} bytes)`;
  return `${base}${detail}: the checkpoint itself was not checked; run \`git lfs fetch\` or scan the file`;
}

class Collector {
  readonly files: StagedFile[] = [];
  readonly problems: StagedProblem[] = [];
  private copies = 0;
  private lfsDir: Promise<string> | undefined;

  constructor(
    private readonly repo: GitRepo,
    private readonly tmp: string,
    private readonly git: CatFile,
  ) {}

  private display(path: string): string {
    return displayOf(join(this.repo.top, ...path.split('/')), this.repo.cwd);
  }

  private problem(path: string, code: StagedProblem['code'], message: string, linkTarget?: string): void {
    this.problems.push({ displayPath: this.display(path), code, message, ...(linkTarget === undefined ? {} : { linkTarget }) });
  }

  async add(entry: StagedEntry): Promise<void> {
    if (entry.status === 'U') {
      this.problem(entry.path, 'source/staged-unreadable', 'the index holds an unresolved merge conflict here, so nothing staged could be checked; resolve it and `git add` the file');
      return;
    }
    if (entry.mode === MODE_SUBMODULE) return;
    const header = await this.git.request(entry.oid);
    if (header.kind === 'unavailable') {
      this.problem(entry.path, 'source/staged-unreadable', `the staged content could not be read from git: ${header.reason}`);
      return;
    }
    if (entry.mode === MODE_SYMLINK) return this.addLink(entry, header.size);
    if (header.size < LFS_POINTER_MAX_BYTES) return this.addSmall(entry, header.size);
    return this.copy(entry, header.size, undefined);
  }

  /** A staged link is its target's text; only one leading out of the work tree is worth a word. */
  private async addLink(entry: StagedEntry, size: number): Promise<void> {
    const parts: Buffer[] = [];
    let kept = 0;
    const whole = await this.git.body(size, (chunk) => {
      if (kept < MAX_LINK_TEXT) parts.push(chunk.subarray(0, MAX_LINK_TEXT - kept));
      kept += chunk.length;
    });
    if (!whole) return this.problem(entry.path, 'source/staged-unreadable', 'the staged link could not be read from git');
    if (size > MAX_LINK_TEXT) return;
    const target = Buffer.concat(parts).toString('utf8');
    if (linkEscapes(entry.path, target)) {
      this.problem(entry.path, 'source/symlink-escape', `the staged symbolic link leads out of the repository to ${target}: a checkout makes it point there`, target);
    }
  }

  /** Small enough to be an LFS pointer: read into memory, then judged. */
  private async addSmall(entry: StagedEntry, size: number): Promise<void> {
    const parts: Buffer[] = [];
    const whole = await this.git.body(size, (chunk) => void parts.push(Buffer.from(chunk)));
    if (!whole) return this.problem(entry.path, 'source/staged-unreadable', 'the staged content could not be read from git: git cat-file stopped');
    const bytes = Buffer.concat(parts);
    const pointer = parseLfsPointer(bytes);
    if (pointer) return this.addLfs(entry, pointer);
    return this.copy(entry, size, bytes);
  }

  private async addLfs(entry: StagedEntry, pointer: LfsPointer): Promise<void> {
    if (pointer.extensions.length > 0) {
      const names = pointer.extensions.map((e) => e.name).join(', ');
      this.problem(entry.path, 'source/staged-unreadable', `the staged Git LFS pointer uses extensions (${names}) that rewrite object ${pointer.oid} on checkout, so what would be checked out was not checked`);
      return;
    }
    this.lfsDir ??= lfsObjectsDir(this.repo);
    const dir = await this.lfsDir;
    const objectPath = join(dir, pointer.oid.slice(0, 2), pointer.oid.slice(2, 4), pointer.oid);
    const where = displayOf(dir, this.repo.cwd);
    const st = await stat(objectPath).catch(() => undefined);
    if (!st?.isFile()) return this.problem(entry.path, 'source/lfs-object-missing', lfsMissingMessage(pointer, where));
    if (st.size !== pointer.size) return this.problem(entry.path, 'source/lfs-object-missing', lfsMissingMessage(pointer, where, st.size));
    this.files.push({
      path: entry.path,
      displayPath: this.display(entry.path),
      absPath: objectPath,
      size: pointer.size,
      sha256: pointer.oid,
      blobId: entry.oid,
      lfs: { oid: pointer.oid, size: pointer.size, present: true },
    });
  }

  /**
   * The staged bytes into `<tmp>/<n>/<base name>` (0400), hashed on the way. `bytes` when already read;
   * otherwise streamed from git, a chunk at a time.
   */
  private async copy(entry: StagedEntry, size: number, bytes: Buffer | undefined): Promise<void> {
    const folder = join(this.tmp, String(++this.copies));
    const absPath = join(folder, copyName(entry.path));
    const hash = createHash('sha256');
    let handle: FileHandle | undefined;
    let writeError: Error | undefined;
    try {
      await mkdir(folder, { mode: 0o700 });
      handle = await open(absPath, 'wx', 0o400);
    } catch (err) {
      writeError = err as Error;
    }
    const sink = async (chunk: Buffer): Promise<void> => {
      if (writeError || !handle) return;
      hash.update(chunk);
      await writeAll(handle, chunk).catch((err: Error) => {
        writeError = err;
      });
    };
    let whole = true;
    if (bytes) await sink(bytes);
    else whole = await this.git.body(size, sink);
    await handle?.close().catch((err: Error) => {
      writeError ??= err;
    });
    if (!whole || writeError) {
      await rm(absPath, { force: true }).catch(() => undefined);
      const why = writeError ? `the temporary copy could not be written (${(writeError as NodeJS.ErrnoException).code ?? writeError.message})` : 'git cat-file stopped';
      return this.problem(entry.path, 'source/staged-unreadable', `the staged content could not be checked: ${why}`);
    }
    this.files.push({ path: entry.path, displayPath: this.display(entry.path), absPath, size, sha256: hash.digest('hex'), blobId: entry.oid });
  }
}

export interface StagedOptions {
  /**
   * Keeps an entry (by its path from the work tree root) before any of its content is read: a commit
   * touching only files no rule reads then costs no copying. Default: every entry.
   */
  select?(path: string): boolean;
}

/**
 * The staged content under `paths` (given as on the command line, from `cwd`; none: everything
 * staged in the repository): a file per added or changed entry, problems for what could not be
 * checked. Throws `UsageError` outside a git work tree. The caller must `cleanup()`.
 */
export async function collectStagedTargets(cwd: string, paths: string[], options: StagedOptions = {}): Promise<StagedCollection> {
  const repo = await openRepo(cwd);
  const pathspecs = paths.length > 0 ? paths : [relative(repo.cwd, repo.top) || '.'];
  const entries = (await stagedEntries(repo, pathspecs)).filter((e) => options.select?.(e.path) ?? true);
  const tmp = await mkdtemp(join(tmpdir(), 'modelvet-staged-'));
  let removed: Promise<void> | undefined;
  const cleanup = (): Promise<void> => (removed ??= rm(tmp, { recursive: true, force: true }));
  if (entries.length === 0) return { files: [], problems: [], cleanup };
  const git = new CatFile(repo.cwd);
  try {
    const collector = new Collector(repo, tmp, git);
    for (const entry of entries) await collector.add(entry);
    return { files: collector.files, problems: collector.problems, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    await git.close();
  }
}
