import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { LoadConfigOptions } from '../config/load.js';
import { finishReport, prepare, type Prepared } from '../engine/scan.js';
import { runRules } from '../engine/run-rules.js';
import type { ModelSignatureArtifact } from '../parsers/model-signature/types.js';
import type { Artifact, Finding, Report, ReportArtifact, ReportError } from '../types.js';
import { UsageError } from '../util/errors.js';
import { INTEGRITY_CODES, integrityAnomaly, type IntegrityCode } from './codes.js';
import { hashFiles, HashError, type FileDigest, type HashAlgorithm, type HashPoolOptions } from './hash-pool.js';
import { cachePlaceOf, cacheRepos, defaultHfCacheDir, GIT_SHA1_NAME, isCacheRoot, readRefs, repoFolderName, SHA256_NAME, type CacheRepo } from './hf-cache.js';
import { LockIndex, lockedFileAbs } from './lock-index.js';
import { findLockfile, readLockfile } from './lockfile.js';
import { linkEscape } from './link-check.js';
import { listModelFiles } from './local-files.js';
import { SigningOptionsError } from './model-signing/read.js';
import { displayPath, isInside } from './paths.js';
import { startProgress } from './progress.js';
import { SIGNATURE_NAME } from './scan-pass.js';
import { SigningIndex } from './signing-index.js';
import type { ExpectedDigest, IntegrityStatus } from './types.js';
import { sortedEntries } from './small-files.js';

export interface VerifyOptions extends LoadConfigOptions, Pick<HashPoolOptions, 'threads' | 'chunkBytes'> {
  /** A folder or file to verify; default: everything the lockfile records, the signature in cwd, the cache when asked. */
  path?: string;
  /** `--lockfile FILE`; otherwise the nearest modelvet.lock.json from the working directory up. */
  lockfile?: string;
  /** Verify a Hugging Face cache: true for `path` (when given) or the default cache, a string for that folder. */
  hfCache?: boolean | string;
  /** Where Hub entries of the lockfile are looked up; default HF_HUB_CACHE → HF_HOME/hub → ~/.cache/huggingface/hub. */
  hfCacheDir?: string;
  /** `--signature FILE`; otherwise model.sig in the verified folder. */
  signature?: string;
  publicKey?: string;
  trustedRoot?: string;
  identity?: string;
  issuer?: string;
  prepared?: Prepared;
  /** Draw a progress bar on stderr when it is a terminal and the work is long. */
  progress?: boolean;
  today?: string;
}

/** What the records say about one file on disk, before hashing. */
interface Check {
  /** The path opened (a cache snapshot link is followed). */
  abs: string;
  display: string;
  expected: ExpectedDigest[];
  gitBlob?: { expected: string; where: string };
  notRecorded: NonNullable<IntegrityStatus['notRecorded']>;
  shards?: SigningIndex;
}

class Plan {
  readonly checks = new Map<string, Check>();
  readonly extra: Artifact[] = [];
  /** What was looked at, for the "nothing to verify" message and for tests. */
  readonly sources: string[] = [];

  constructor(private readonly cwd: string) {}

  show(abs: string): string {
    return displayPath(abs, this.cwd);
  }

  check(abs: string): Check {
    let c = this.checks.get(abs);
    if (!c) {
      c = { abs, display: this.show(abs), expected: [], notRecorded: [] };
      this.checks.set(abs, c);
    }
    return c;
  }

  anomaly(path: string, code: IntegrityCode, message: string, detail?: Record<string, unknown>): void {
    this.extra.push({ path, format: 'unknown', size: 0, children: [], anomalies: [integrityAnomaly(code, message, detail)] });
  }
}

const exists = (abs: string): boolean => {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
};

/** Within the folder or file asked about (everything when none was given). */
const inScope = (abs: string, scope: string | undefined): boolean => scope === undefined || isInside(abs, scope);
const touchesScope = (root: string, scope: string | undefined): boolean => scope === undefined || isInside(root, scope) || isInside(scope, root);

/** A recorded path that is a link out of its model folder is reported, never read. */
function refuseEscape(plan: Plan, abs: string, root: string): boolean {
  const target = linkEscape(abs, root);
  if (target === undefined) return false;
  plan.anomaly(plan.show(abs), INTEGRITY_CODES.linkEscape, `a link that leads outside its model folder (to ${target}), so it was not read or checked`, { target });
  return true;
}

async function planLockfile(plan: Plan, lock: LockIndex, scope: string | undefined, cacheDir: string): Promise<void> {
  const refused = lock.refusalAnomalies();
  if (refused.length) plan.extra.push({ path: lock.where, format: 'modelvet-lock', size: 0, children: [], anomalies: refused });
  for (const place of lock.locals) {
    if (!touchesScope(place.root, scope)) continue;
    for (const file of place.model.files) {
      const abs = lockedFileAbs(place, file);
      if (!inScope(abs, scope)) continue;
      if (refuseEscape(plan, abs, place.kind === 'folder' ? place.root : dirname(place.root))) continue;
      if (exists(abs)) plan.check(abs).expected.push({ sha256: file.sha256, size: file.size, source: 'lockfile', where: lock.where });
      else plan.anomaly(plan.show(abs), INTEGRITY_CODES.lockedFileMissing, `${lock.where} locks this file, but it is missing`, { lockfile: lock.where, sha256: file.sha256, size: file.size });
    }
    if (place.kind !== 'folder' || !existsSync(place.root)) continue;
    const { files } = await listModelFiles(place.root, new Set([lock.file]));
    for (const f of files) {
      if (!inScope(f.absPath, scope) || place.byPath.has(f.relPath)) continue;
      plan.check(f.absPath).notRecorded.push({ by: 'lockfile', where: lock.where });
    }
  }
  for (const model of lock.lock.models) {
    if (model.source.type !== 'hf') continue;
    const { repo, repoType, commit } = model.source;
    const snapshot = join(cacheDir, repoFolderName(repo, repoType), 'snapshots', commit);
    if (!touchesScope(snapshot, scope)) continue;
    const label = `hf:${repoType === 'model' ? '' : `${repoType}s/`}${repo}@${commit}`;
    if (!existsSync(snapshot)) {
      plan.anomaly(label, INTEGRITY_CODES.notInCache, `${lock.where} locks this commit, but the Hugging Face cache (${plan.show(cacheDir)}) has no snapshot of it, so it was not verified`, { lockfile: lock.where, cache: cacheDir });
      continue;
    }
    const absent: string[] = [];
    for (const file of model.files) {
      const abs = join(snapshot, ...file.path.split('/'));
      if (!inScope(abs, scope) || refuseEscape(plan, abs, snapshot)) continue;
      // A snapshot holds only what was downloaded: a file absent from it was never fetched, not lost.
      if (exists(abs)) plan.check(abs).expected.push({ sha256: file.sha256, size: file.size, source: 'lockfile', where: lock.where });
      else absent.push(file.path);
    }
    if (absent.length) {
      plan.anomaly(label, INTEGRITY_CODES.notInCache, `${absent.length} of the ${model.files.length} files ${lock.where} locks at this commit are not in the cache snapshot, so they were not verified`, { lockfile: lock.where, files: absent.slice(0, 50) });
    }
    const locked = new Set(model.files.map((f) => f.path));
    for (const f of (await listModelFiles(snapshot)).files) {
      if (inScope(f.absPath, scope) && !locked.has(f.relPath)) plan.check(f.absPath).notRecorded.push({ by: 'lockfile', where: lock.where });
    }
  }
}

/** Blobs must hash to their names; snapshot links must reach blobs of their repo; refs must name snapshots. */
function planCacheRepo(plan: Plan, repo: CacheRepo, onlySnapshot?: string): void {
  const blobsDir = join(repo.dir, 'blobs');
  const realBlobs = existsSync(blobsDir) ? realpathSync(blobsDir) : undefined;
  const linked = new Set<string>();

  const snapshotsDir = join(repo.dir, 'snapshots');
  let snapshots: string[] = [];
  try {
    snapshots = readdirSync(snapshotsDir).sort();
  } catch {
    /* a repo folder with no snapshots yet */
  }
  for (const name of snapshots) {
    if (onlySnapshot !== undefined && name !== onlySnapshot) continue;
    const dir = join(snapshotsDir, name);
    if (!GIT_SHA1_NAME.test(name)) plan.anomaly(plan.show(dir), INTEGRITY_CODES.cacheBadName, `snapshot folder ${name} is not named by a 40-hex commit, so no revision maps to it`);
    walkSnapshot(plan, dir, blobsDir, realBlobs, linked, 0);
  }

  const refs = readRefs(repo.dir);
  for (const ref of onlySnapshot === undefined ? refs : []) {
    const commit = ref.content.trim();
    const refPath = plan.show(join(repo.dir, 'refs', ...ref.name.split('/')));
    if (!GIT_SHA1_NAME.test(commit)) plan.anomaly(refPath, INTEGRITY_CODES.cacheBadRef, `refs/${ref.name} does not hold a 40-hex commit, so the revision ${ref.name} resolves to nothing the cache can check`);
    else if (!existsSync(join(snapshotsDir, commit))) plan.anomaly(refPath, INTEGRITY_CODES.cacheBadRef, `refs/${ref.name} names commit ${commit}, which has no snapshot in the cache`, { commit });
  }

  let blobs: string[] = [];
  try {
    blobs = readdirSync(blobsDir).sort();
  } catch {
    /* no blobs folder: every snapshot link is dangling, reported above */
  }
  for (const name of blobs) {
    const abs = join(blobsDir, name);
    if (onlySnapshot !== undefined && !linked.has(abs)) continue;
    if (name.endsWith('.incomplete')) {
      plan.anomaly(plan.show(abs), INTEGRITY_CODES.cacheIncomplete, 'a partial download: nothing links to it yet, and it was not verified');
      continue;
    }
    const st = lstatSync(abs);
    if (!st.isFile()) {
      plan.anomaly(plan.show(abs), INTEGRITY_CODES.cacheBadName, 'a blob that is not a regular file: the cache can vouch for nothing here');
      continue;
    }
    if (SHA256_NAME.test(name)) plan.check(abs).expected.push({ sha256: name, source: 'hf-cache', where: plan.show(abs) });
    else if (GIT_SHA1_NAME.test(name)) plan.check(abs).gitBlob = { expected: name, where: plan.show(abs) };
    else plan.anomaly(plan.show(abs), INTEGRITY_CODES.cacheBadName, `blob name ${name} is neither a SHA-256 nor a git blob id, so its content cannot be checked`);
  }
}

/** Links are checked where they point; the blob each reaches is remembered under the repo's own blobs path. */
function walkSnapshot(plan: Plan, dir: string, blobsDir: string, realBlobs: string | undefined, linked: Set<string>, depth: number): void {
  if (depth > 32) return;
  for (const e of sortedEntries(dir)) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) walkSnapshot(plan, abs, blobsDir, realBlobs, linked, depth + 1);
    if (!e.isSymbolicLink()) continue;
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      plan.anomaly(plan.show(abs), INTEGRITY_CODES.cacheDanglingLink, 'snapshot link to a blob that does not exist: the file is missing from the cache');
      continue;
    }
    if (!realBlobs || dirname(real) !== realBlobs) {
      plan.anomaly(plan.show(abs), INTEGRITY_CODES.cacheLinkOutside, `snapshot link leads to ${real}, outside this repository's blobs, so the cache cannot vouch for it`, { target: real });
      continue;
    }
    linked.add(join(blobsDir, basename(real)));
  }
}

function planCache(plan: Plan, cacheRoot: string, scope: string | undefined): void {
  const place = scope ? cachePlaceOf(scope) : undefined;
  if (place) {
    // Inside one repository: a snapshot folder (or a path in it) verifies that snapshot and its blobs.
    const onlySnapshot = place.area === 'snapshots' ? place.snapshot : undefined;
    planCacheRepo(plan, place.repo, onlySnapshot);
    return;
  }
  for (const repo of cacheRepos(cacheRoot)) planCacheRepo(plan, repo);
}

async function planSignature(plan: Plan, sigPath: string, options: VerifyOptions, scope: string | undefined): Promise<Artifact> {
  let signing: SigningIndex;
  try {
    signing = await SigningIndex.read(sigPath, plan.show(sigPath), { publicKeyPath: options.publicKey, trustedRootPath: options.trustedRoot, identity: options.identity, issuer: options.issuer });
  } catch (err) {
    if (err instanceof SigningOptionsError) throw new UsageError(err.message);
    throw err;
  }
  for (const rel of signing.signedPaths()) {
    const abs = join(signing.root, ...rel.split('/'));
    if (!inScope(abs, scope) || refuseEscape(plan, abs, signing.root)) continue;
    if (!exists(abs)) {
      plan.anomaly(plan.show(abs), INTEGRITY_CODES.signedFileMissing, `${signing.where} signs this file, but it is missing`, { signature: signing.where });
      continue;
    }
    const digest = signing.expected(rel);
    if (digest) plan.check(abs).expected.push(digest);
    else plan.check(abs).shards = signing;
  }
  for (const f of (await listModelFiles(signing.root, new Set([resolve(sigPath)]))).files) {
    if (!inScope(f.absPath, scope) || signing.covers(f.relPath) || signing.isIgnored(f.relPath)) continue;
    plan.check(f.absPath).notRecorded.push({ by: 'signing-manifest', where: signing.where });
  }
  const size = statSync(sigPath).size;
  const artifact: ModelSignatureArtifact = { path: signing.where, format: 'model-signature', size, children: [], anomalies: signing.manifest.anomalies, signature: signing.manifest.signature };
  return artifact;
}

/**
 * `modelvet verify`: re-hashes local copies against every record that applies (the lockfile's
 * local and Hub entries, the Hugging Face cache's own blob names, a model.sig signing manifest)
 * and returns a report like scan's, with findings from the integrity rules of the registry (so
 * the config's severities and suppressions apply).
 */
export async function verify(options: VerifyOptions = {}): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const prepared = options.prepared ?? (await prepare(options));
  const scope = options.path !== undefined ? resolve(cwd, options.path) : undefined;
  if (scope !== undefined && !existsSync(scope)) throw new UsageError(`no such file or folder: ${options.path}`);
  const plan = new Plan(cwd);
  const artifacts: Artifact[] = [];
  const cacheDir = resolve(cwd, options.hfCacheDir ?? defaultHfCacheDir());

  const lockPath = options.lockfile !== undefined ? resolve(cwd, options.lockfile) : findLockfile(cwd);
  if (options.lockfile !== undefined && !existsSync(lockPath!)) throw new UsageError(`lockfile not found: ${options.lockfile}`);
  if (lockPath) {
    const lock = new LockIndex(readLockfile(lockPath), lockPath, plan.show(lockPath), cwd);
    const before = plan.checks.size + plan.extra.length;
    await planLockfile(plan, lock, scope, cacheDir);
    if (plan.checks.size + plan.extra.length > before || scope === undefined) plan.sources.push(lock.where);
  }

  const cacheRoot = typeof options.hfCache === 'string' ? resolve(cwd, options.hfCache) : options.hfCache && scope === undefined ? cacheDir : scope;
  const cacheWanted = options.hfCache !== undefined && options.hfCache !== false;
  if (cacheRoot !== undefined && (cacheWanted || cachePlaceOf(cacheRoot) !== undefined || isCacheRoot(cacheRoot))) {
    if (cacheWanted && !existsSync(cacheRoot)) throw new UsageError(`no Hugging Face cache at ${cacheRoot}`);
    if (cacheWanted && !cachePlaceOf(cacheRoot) && !isCacheRoot(cacheRoot)) throw new UsageError(`not a Hugging Face cache (no models--org--name folders): ${cacheRoot}`);
    planCache(plan, cacheRoot, cachePlaceOf(cacheRoot) ? cacheRoot : undefined);
    plan.sources.push(plan.show(cacheRoot));
  }

  const sigDir = scope === undefined ? cwd : statSync(scope).isDirectory() ? scope : dirname(scope);
  const sigPath = options.signature !== undefined ? resolve(cwd, options.signature) : join(sigDir, SIGNATURE_NAME);
  if (options.signature !== undefined && !existsSync(sigPath)) throw new UsageError(`signature file not found: ${options.signature}`);
  if (existsSync(sigPath) && statSync(sigPath).isFile()) {
    artifacts.push(await planSignature(plan, sigPath, options, scope));
    plan.sources.push(plan.show(sigPath));
  }

  if (plan.sources.length === 0) {
    const where = scope === undefined ? 'the working directory' : options.path;
    throw new UsageError(`nothing to verify in ${where}: no modelvet.lock.json (from ${plan.show(cwd) === '.' ? 'here' : cwd} up, or --lockfile), no ${SIGNATURE_NAME} (or --signature), and not a Hugging Face cache (--hf-cache)`);
  }

  const errors: ReportError[] = [];
  const checked = await hashChecks(plan, options, errors);
  artifacts.push(...checked, ...plan.extra);

  const rules = prepared.registry.all().filter((r) => r.meta.id.startsWith('integrity/'));
  const settings = { allowedGlobals: prepared.config.allowGlobals, trustedPublishers: prepared.config.trustedPublishers };
  const findings: Finding[] = [];
  for (const a of artifacts) findings.push(...runRules(a, { rules, ruleSettings: prepared.config.rules, settings }));
  const reportArtifacts: ReportArtifact[] = checked.map((a) => ({ path: a.path, format: a.format, size: a.size, ...(a.integrity?.actualSha256 ? { sha256: a.integrity.actualSha256 } : {}) }));
  return finishReport({ findings, artifacts: reportArtifacts, errors, prepared, today: options.today });
}

/** Hashes each distinct file once (a blob and the snapshot link to it are one file), with every algorithm some record needs. */
async function hashChecks(plan: Plan, options: VerifyOptions, errors: ReportError[]): Promise<Artifact[]> {
  const checks = [...plan.checks.values()].sort((a, b) => (a.display < b.display ? -1 : 1));
  const byReal = new Map<string, { algorithms: Set<HashAlgorithm>; size: number }>();
  const realOf = new Map<Check, string | undefined>();
  for (const c of checks) {
    const algorithms: HashAlgorithm[] = [];
    if (c.expected.length) algorithms.push('sha256');
    if (c.gitBlob) algorithms.push('git-sha1');
    if (algorithms.length === 0) continue;
    let real: string | undefined;
    try {
      real = realpathSync(c.abs);
    } catch {
      real = undefined;
    }
    realOf.set(c, real ?? c.abs);
    const key = real ?? c.abs;
    const entry = byReal.get(key) ?? { algorithms: new Set<HashAlgorithm>(), size: real ? statSync(real).size : 0 };
    for (const a of algorithms) entry.algorithms.add(a);
    byReal.set(key, entry);
  }
  const requests = [...byReal.entries()].map(([path, e]) => ({ path, algorithms: [...e.algorithms], size: e.size }));
  const progress = startProgress({ totalBytes: requests.reduce((n, r) => n + r.size, 0), label: 'verifying', enabled: options.progress ?? false });
  let results: Array<FileDigest | HashError>;
  try {
    results = await hashFiles(requests, { threads: options.threads, chunkBytes: options.chunkBytes, onBytes: (n) => progress.add(n) });
  } finally {
    progress.stop();
  }
  const digestOf = new Map(requests.map((r, i) => [r.path, results[i]!]));

  return Promise.all(checks.map(async (c) => {
    const status: IntegrityStatus = { expected: c.expected };
    if (c.notRecorded.length) status.notRecorded = c.notRecorded;
    if (c.gitBlob) status.gitBlob = { ...c.gitBlob };
    const d = realOf.has(c) ? digestOf.get(realOf.get(c)!) : undefined;
    let size = 0;
    if (d instanceof HashError) {
      status.error = d.message;
      errors.push({ path: c.display, message: `could not be hashed: ${d.message}` });
    } else if (d) {
      size = d.size;
      status.actualSize = d.size;
      if (d.sha256) status.actualSha256 = d.sha256;
      if (d.gitSha1 && status.gitBlob) status.gitBlob.actual = d.gitSha1;
    } else {
      try {
        size = statSync(c.abs).size;
      } catch {
        /* gone since it was listed */
      }
    }
    if (c.shards) {
      try {
        status.signedShards = await c.shards.shardStatus(c.shards.relOf(c.abs)!);
      } catch (err) {
        status.error = `its signed byte ranges could not be checked: ${(err as Error).message}`;
      }
    }
    const artifact: Artifact = { path: c.display, format: 'unknown', size, anomalies: [], children: [], integrity: status };
    return artifact;
  }));
}
