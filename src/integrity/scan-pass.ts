import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { LocalTarget } from '../sources/local.js';
import type { Artifact } from '../types.js';
import { UsageError } from '../util/errors.js';
import { bomDigests, isBomName } from './bom-digests.js';
import { INTEGRITY_CODES, integrityAnomaly } from './codes.js';
import { HashPool, type FileDigest, type HashAlgorithm } from './hash-pool.js';
import { cachePlaceOf, GIT_SHA1_NAME, SHA256_NAME } from './hf-cache.js';
import { LockIndex, lockedFileAbs } from './lock-index.js';
import { findLockfile, readLockfile } from './lockfile.js';
import { displayPath, isInside, toPosix } from './paths.js';
import { SigningIndex } from './signing-index.js';
import type { ExpectedDigest, IntegrityStatus } from './types.js';

export interface IntegrityPassOptions {
  cwd: string;
  /** The paths the scan was given (files and folders), as written. */
  paths: readonly string[];
  /** `--lockfile FILE`; otherwise the nearest modelvet.lock.json from the working directory up. */
  lockfile?: string;
  /** Largest BOM read (the engine's JSON limit). */
  maxJsonBytes: number;
}

export const SIGNATURE_NAME = 'model.sig';

/** What the records say about one scanned file, before hashing. */
interface Plan {
  expected: ExpectedDigest[];
  gitBlob?: { expected: string; where: string };
  signedShards?: SigningIndex;
  notRecorded: NonNullable<IntegrityStatus['notRecorded']>;
  digest?: Promise<FileDigest>;
}

/**
 * The scan's integrity pass: for every scanned file, the digests some record expects of it (a
 * lockfile, a CycloneDX BOM beside it, a model.sig covering its folder, the Hugging Face cache
 * blob it is linked to). Only files with an expectation are hashed, in parallel while the
 * parsers run; with nothing to compare nothing is read.
 */
export class ScanIntegrity {
  private readonly plans = new Map<string, Plan>();
  private readonly extra: Artifact[] = [];
  private pool?: HashPool;

  private constructor(private readonly cwd: string) {}

  static async prepare(targets: readonly LocalTarget[], options: IntegrityPassOptions): Promise<ScanIntegrity> {
    const pass = new ScanIntegrity(options.cwd);
    await pass.collect(targets, options);
    return pass;
  }

  private show(abs: string): string {
    return displayPath(abs, this.cwd);
  }

  private planFor(abs: string): Plan {
    let plan = this.plans.get(abs);
    if (!plan) {
      plan = { expected: [], notRecorded: [] };
      this.plans.set(abs, plan);
    }
    return plan;
  }

  private async collect(targets: readonly LocalTarget[], options: IntegrityPassOptions): Promise<void> {
    const files = targets.filter((t): t is Extract<LocalTarget, { kind: 'file' }> => t.kind === 'file').map((t) => t.absPath);
    const scanned = new Set(files);
    const folders = options.paths.length ? options.paths : ['.'];
    const scannedDirs = folders.map((p) => resolve(options.cwd, p)).filter((p) => existsSync(p) && statSync(p).isDirectory());

    const lock = this.openLockfile(options, scanned);
    const signatures = new Map<string, SigningIndex | undefined>();
    const boms = new Map<string, Array<{ where: string; digests: Map<string, string[]> }>>();

    for (const abs of files) {
      const plan = this.planFor(abs);
      if (lock) {
        const found = lock.lookup(abs);
        plan.expected.push(...found.expected);
        if (found.notLocked) plan.notRecorded.push({ by: 'lockfile', where: lock.where });
      }
      await this.addCacheName(abs, plan);
      for (const dir of this.foldersUp(abs)) {
        const rel = toPosix(relative(dir, abs));
        for (const bom of this.bomsIn(dir, boms, options.maxJsonBytes)) {
          for (const sha256 of bom.digests.get(rel) ?? []) plan.expected.push({ sha256, source: 'bom', where: bom.where });
        }
      }
      const signing = await this.signatureFor(abs, signatures);
      if (signing) {
        const rel = signing.relOf(abs)!;
        const digest = signing.expected(rel);
        if (digest) plan.expected.push(digest);
        else if (signing.coversInShards(rel)) plan.signedShards = signing;
        else if (!signing.isIgnored(rel)) plan.notRecorded.push({ by: 'signing-manifest', where: signing.where });
      }
    }

    // Files a record names under a scanned folder that are not there: the record is stale.
    if (lock) {
      for (const place of lock.locals) {
        for (const file of place.model.files) {
          const abs = lockedFileAbs(place, file);
          if (scanned.has(abs) || !scannedDirs.some((d) => isInside(abs, d)) || exists(abs)) continue;
          this.extra.push(missing(this.show(abs), INTEGRITY_CODES.lockedFileMissing, `${lock.where} locks this file, but it is missing`, { lockfile: lock.where, sha256: file.sha256, size: file.size }));
        }
      }
    }
    for (const signing of new Set(signatures.values())) {
      if (!signing) continue;
      for (const rel of signing.signedPaths()) {
        const abs = join(signing.root, ...rel.split('/'));
        if (scanned.has(abs) || !scannedDirs.some((d) => isInside(abs, d)) || exists(abs)) continue;
        this.extra.push(missing(this.show(abs), INTEGRITY_CODES.signedFileMissing, `${signing.where} signs this file, but it is missing`, { signature: signing.where }));
      }
    }

    for (const [abs, plan] of this.plans) {
      const algorithms: HashAlgorithm[] = [];
      if (plan.expected.length) algorithms.push('sha256');
      if (plan.gitBlob) algorithms.push('git-sha1');
      if (algorithms.length === 0) continue;
      this.pool ??= new HashPool();
      plan.digest = this.pool.hash(abs, algorithms, statSync(abs).size);
      plan.digest.catch(() => undefined); // awaited in apply(); a rejection before then is not unhandled
    }
  }

  private openLockfile(options: IntegrityPassOptions, scanned: ReadonlySet<string>): LockIndex | undefined {
    if (options.lockfile) {
      const file = resolve(options.cwd, options.lockfile);
      if (!existsSync(file)) throw new UsageError(`lockfile not found: ${options.lockfile}`);
      return this.indexed(new LockIndex(readLockfile(file), file, this.show(file), options.cwd));
    }
    const file = findLockfile(options.cwd);
    if (!file) return undefined;
    try {
      return this.indexed(new LockIndex(readLockfile(file), file, this.show(file), options.cwd));
    } catch (err) {
      // A scanned lockfile gets its own finding from its parser; one found upward gets it here.
      if (!scanned.has(file)) {
        this.extra.push({ path: this.show(file), format: 'modelvet-lock', size: 0, children: [], anomalies: [{ code: INTEGRITY_CODES.lockMalformed, message: (err as Error).message }] });
      }
      return undefined;
    }
  }

  private indexed(lock: LockIndex): LockIndex {
    const refused = lock.refusalAnomalies();
    if (refused.length) this.extra.push({ path: lock.where, format: 'modelvet-lock', size: 0, children: [], anomalies: refused });
    return lock;
  }

  /** A file in a cache snapshot links to a blob named by its SHA-256 (LFS files) or git blob id (small files). */
  private async addCacheName(abs: string, plan: Plan): Promise<void> {
    const place = cachePlaceOf(abs);
    if (!place || (place.area !== 'snapshots' && place.area !== 'blobs')) return;
    const real = await realpath(abs).catch(() => undefined);
    if (!real) return;
    const blobs = await realpath(join(place.repo.dir, 'blobs')).catch(() => undefined);
    if (!blobs || dirname(real) !== blobs) return;
    const name = basename(real);
    const where = this.show(real);
    if (SHA256_NAME.test(name)) plan.expected.push({ sha256: name, source: 'hf-cache', where });
    else if (GIT_SHA1_NAME.test(name)) plan.gitBlob = { expected: name, where };
  }

  /** The file's folder and its parents up to the working directory (only its own folder outside it): where records of it may sit. */
  private foldersUp(abs: string): string[] {
    const stop = isInside(abs, this.cwd) ? this.cwd : dirname(abs);
    const out: string[] = [];
    for (let dir = dirname(abs); ; dir = dirname(dir)) {
      out.push(dir);
      if (dir === stop || dirname(dir) === dir) return out;
    }
  }

  private bomsIn(dir: string, cache: Map<string, Array<{ where: string; digests: Map<string, string[]> }>>, maxBytes: number) {
    let found = cache.get(dir);
    if (!found) {
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter(isBomName).sort();
      } catch {
        /* unreadable folder: no BOM */
      }
      found = names.map((n) => ({ where: this.show(join(dir, n)), digests: bomDigests(join(dir, n), maxBytes) })).filter((b) => b.digests.size > 0);
      cache.set(dir, found);
    }
    return found;
  }

  /** The nearest model.sig covering the file. */
  private async signatureFor(abs: string, cache: Map<string, SigningIndex | undefined>): Promise<SigningIndex | undefined> {
    for (const dir of this.foldersUp(abs)) {
      if (!cache.has(dir)) {
        const sig = join(dir, SIGNATURE_NAME);
        cache.set(dir, existsSync(sig) && statSync(sig).isFile() ? await SigningIndex.read(sig, this.show(sig)) : undefined);
      }
      const found = cache.get(dir);
      if (found) return found;
    }
    return undefined;
  }

  /** Sets `root.integrity` for a scanned file (awaiting its digest when it has an expectation). */
  /**
   * Whether a record (lockfile, BOM, cache name, signature) says something about this file: then
   * its integrity findings depend on more than its bytes and name, and it is always checked afresh.
   */
  covers(abs: string): boolean {
    const plan = this.plans.get(abs);
    return plan !== undefined && (plan.expected.length > 0 || plan.notRecorded.length > 0 || plan.gitBlob !== undefined || plan.signedShards !== undefined);
  }

  async apply(root: Artifact, abs: string): Promise<void> {
    const plan = this.plans.get(abs);
    if (!plan) return;
    const status: IntegrityStatus = { expected: plan.expected };
    if (plan.notRecorded.length) status.notRecorded = plan.notRecorded;
    if (plan.digest) {
      try {
        const d = await plan.digest;
        if (d.sha256) status.actualSha256 = d.sha256;
        status.actualSize = d.size;
        if (plan.gitBlob) status.gitBlob = { ...plan.gitBlob, ...(d.gitSha1 ? { actual: d.gitSha1 } : {}) };
      } catch (err) {
        status.error = (err as Error).message;
        if (plan.gitBlob) status.gitBlob = plan.gitBlob;
      }
    } else if (plan.gitBlob) status.gitBlob = plan.gitBlob;
    if (plan.signedShards) {
      try {
        status.signedShards = await plan.signedShards.shardStatus(plan.signedShards.relOf(abs)!);
      } catch (err) {
        status.error = `its signed byte ranges could not be checked: ${(err as Error).message}`;
      }
    }
    root.integrity = status;
  }

  /** The SHA-256 measured for a file, when the pass hashed it (so `--hash` does not read it twice). */
  async sha256Of(abs: string): Promise<string | undefined> {
    return (await this.plans.get(abs)?.digest?.catch(() => undefined))?.sha256;
  }

  /** Artifacts for files records name that are missing, and for a broken lockfile found upward. */
  extraArtifacts(): Artifact[] {
    return this.extra;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

function exists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

function missing(path: string, code: typeof INTEGRITY_CODES.lockedFileMissing | typeof INTEGRITY_CODES.signedFileMissing, message: string, detail: Record<string, unknown>): Artifact {
  return { path, format: 'unknown', size: 0, children: [], anomalies: [integrityAnomaly(code, message, detail)] };
}
