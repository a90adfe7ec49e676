import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Anomaly } from '../types.js';
import { INTEGRITY_CODES, integrityAnomaly } from './codes.js';
import { cachePlaceOf } from './hf-cache.js';
import { isInside, toPosix } from './paths.js';
import type { ExpectedDigest, LockedFile, LockedModel, Lockfile } from './types.js';

/** A local lockfile entry placed on disk. */
export interface LocalModelPlace {
  model: LockedModel;
  /** Absolute folder (or the single file) the entry's source path names. */
  root: string;
  kind: 'folder' | 'file';
  byPath: Map<string, LockedFile>;
}

/**
 * A local source names a folder, or one file whose entry is its base name. When the path is
 * gone, the entry's own shape tells which it was.
 */
function placeOf(model: LockedModel & { source: { type: 'local' } }, lockDir: string): LocalModelPlace {
  const root = resolve(lockDir, model.source.path);
  let kind: LocalModelPlace['kind'];
  if (existsSync(root)) kind = statSync(root).isDirectory() ? 'folder' : 'file';
  else kind = model.files.length === 1 && model.files[0]!.path === basename(root) ? 'file' : 'folder';
  return { model, root, kind, byPath: new Map(model.files.map((f) => [f.path, f])) };
}

export function lockedFileAbs(place: LocalModelPlace, file: LockedFile): string {
  return place.kind === 'file' ? place.root : join(place.root, ...file.path.split('/'));
}

export interface LockLookup {
  expected: ExpectedDigest[];
  /** A locked folder (or locked Hub snapshot) holds the file, and no entry records it. */
  notLocked: boolean;
}

/** A lockfile's entries, indexed for questions about files on disk. */
export class LockIndex {
  readonly locals: LocalModelPlace[];
  /** Local entries whose folder lies outside both the lockfile's folder and the working directory: never read. */
  readonly refused: Array<{ path: string; root: string }> = [];
  readonly lockDir: string;

  constructor(
    readonly lock: Lockfile,
    /** Absolute path of the lockfile. */
    readonly file: string,
    /** How findings name the lockfile. */
    readonly where: string,
    cwd: string = dirname(file),
  ) {
    this.lockDir = dirname(file);
    this.locals = [];
    for (const m of lock.models) {
      if (m.source.type !== 'local') continue;
      const place = placeOf(m as LockedModel & { source: { type: 'local' } }, this.lockDir);
      // A lockfile comes with the repository it sits in: one that sends verify to ../../home/… would
      // have modelvet hash, list and report files it was never asked about (into a public SARIF).
      if (isInside(place.root, this.lockDir) || isInside(place.root, cwd)) this.locals.push(place);
      else this.refused.push({ path: m.source.path, root: place.root });
    }
  }

  /** The anomaly a refused entry gives (integrity/lock-malformed). */
  refusalAnomalies(): Anomaly[] {
    return this.refused.map((r) =>
      integrityAnomaly(INTEGRITY_CODES.lockPathEscape, `${this.where} locks ${r.path}, outside the lockfile's folder and the working directory, so that entry was not checked`, { path: r.path }),
    );
  }

  private digest(f: LockedFile): ExpectedDigest {
    return { sha256: f.sha256, size: f.size, source: 'lockfile', where: this.where };
  }

  /** What the lockfile says about a local file (absolute path as the walker names it). */
  lookup(abs: string): LockLookup {
    const expected: ExpectedDigest[] = [];
    let inLockedFolder = false;
    if (abs === this.file) return { expected, notLocked: false };
    for (const place of this.locals) {
      if (place.kind === 'file') {
        if (abs === place.root) expected.push(this.digest(place.model.files[0]!));
        continue;
      }
      if (!isInside(abs, place.root)) continue;
      inLockedFolder = true;
      const entry = place.byPath.get(toPosix(relative(place.root, abs)));
      if (entry) expected.push(this.digest(entry));
    }
    const hub = this.lookupSnapshot(abs);
    if (hub) {
      inLockedFolder = true;
      if (hub.entry) expected.push(this.digest(hub.entry));
    }
    return { expected, notLocked: inLockedFolder && expected.length === 0 };
  }

  /** A file in a cache snapshot of a locked Hub commit: the entry for it, if any. */
  private lookupSnapshot(abs: string): { entry?: LockedFile } | undefined {
    const place = cachePlaceOf(abs);
    if (!place?.snapshot || place.relPath === undefined) return undefined;
    const model = this.lock.models.find((m) => m.source.type === 'hf' && m.source.repo === place.repo.repo && m.source.repoType === place.repo.repoType && m.source.commit === place.snapshot);
    if (!model) return undefined;
    const entry = model.files.find((f) => f.path === place.relPath);
    return entry ? { entry } : {};
  }
}
