import type { Artifact, Finding, Report, ReportArtifact, ReportError, Severity } from '../types.js';
import { SEVERITIES } from '../types.js';
import { loadConfig, type LoadConfigOptions } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { RuleRegistry, loadPlugins } from '../rules/registry.js';
import { collectTargets, ignoreMatcher, type LocalTarget } from '../sources/local.js';
import { stagedSiblings } from '../sources/staged-siblings.js';
import { collectStagedTargets } from '../git/staged.js';
import { openRepo } from '../git/repo.js';
import { ResultCache } from '../cache/result-cache.js';
import { fileStamp, fromCachedResult, toCachedResult } from '../cache/index.js';
import type { SiblingFiles } from './format-handler.js';
import { scanRulesetKey } from './ruleset.js';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { fileReader } from '../sources/readers.js';
import { sha256Of } from '../sources/hash.js';
import { ScanIntegrity } from '../integrity/scan-pass.js';
import { HashPool } from '../integrity/hash-pool.js';
import type { IntegrityStatus } from '../integrity/types.js';
import { BUILTIN_RULES } from '../rules/builtin.js';
import type { StagedFile } from '../git/staged.js';
import { UsageError } from '../util/errors.js';
import { pool } from '../util/pool.js';
import { VERSION } from '../util/version.js';
import { analyseReader, type AnalyseOptions } from './analyse.js';
import { analyseOptionsFrom, fileByteBudget } from './limits.js';
import { ruleRunOptions, runRules, type RunRulesOptions } from './run-rules.js';
import { DEFAULT_FILE_TIME_BUDGET_MS, sharedScanPool, testHooksFromEnv, type FileOutcome, type ScanSession, type WorkerJob } from './worker-pool.js';
import { applySuppressions } from './suppress.js';

export interface ScanOptions extends LoadConfigOptions {
  /** Files and folders; default the working directory. */
  paths?: string[];
  /** Configuration and rules already loaded by the caller (skips discovery and plug-in loading). */
  prepared?: Prepared;
  /** Hash every file (SHA-256). Off by default: a scan's cost should not grow with tensor bytes. */
  hash?: boolean;
  /** `--lockfile FILE`: the lockfile whose digests scanned files are checked against (default: the nearest modelvet.lock.json from cwd up). */
  lockfile?: string;
  /** Called as each file finishes, for progress display. */
  onProgress?: (done: number, total: number, path: string) => void;
  /** YYYY-MM-DD used to expire suppressions; defaults to today (UTC). */
  today?: string;
  /** `--staged`: what the git index holds under `paths` (not the work tree), Git LFS objects included. */
  staged?: boolean;
  /** Reuse findings of files already analysed with the same content, name and rule set (default: on with `staged`). */
  cache?: boolean;
  /** `--cache-dir` (default MODELVET_CACHE_DIR, XDG_CACHE_HOME/modelvet, ~/.cache/modelvet). */
  cacheDir?: string;
  /**
   * `--jobs`: files analysed at once, each in a worker thread (default `os.availableParallelism()`).
   * Files always go to worker threads, so the time budget and the memory cap hold, except with
   * `jobs: 1` and no time budget (`fileTimeBudgetMs: 0`): then they are analysed in this thread.
   */
  jobs?: number;
  /** Milliseconds one file's analysis may take before it is stopped and reported (default: the analyse options', else 60 000); 0 = no budget. */
  fileTimeBudgetMs?: number;
}

/** Source events the walker met become artifacts with anomalies, so rules (not the walker) judge them. */
function sourceArtifact(target: Exclude<LocalTarget, { kind: 'file' }>): Artifact {
  const base = { path: target.displayPath, format: 'unknown' as const, size: 0, children: [] };
  switch (target.kind) {
    case 'symlink-escape':
      return { ...base, anomalies: [{ code: 'source/symlink-escape', message: `link leads outside ${target.root} to ${target.linkTarget}`, detail: { target: target.linkTarget, root: target.root } }] };
    case 'broken-symlink':
      return { ...base, anomalies: [{ code: 'source/broken-symlink', message: `link target ${target.linkTarget} does not exist`, detail: { target: target.linkTarget } }] };
    case 'special-file':
      return { ...base, anomalies: [{ code: 'source/special-file', message: `${target.fileType} was not read`, detail: { fileType: target.fileType } }] };
  }
}

/**
 * A file that could not be read, or that a parser failed on, is unchecked: it becomes an
 * artifact with an anomaly (a high finding, fail closed) and an entry in the report's errors.
 */
function failedArtifact(path: string, err: unknown): Artifact {
  const code = (err as NodeJS.ErrnoException).code;
  const anomaly = code
    ? { code: 'source/unreadable', message: `could not be read: ${code}` }
    : { code: 'engine/parser-error', message: `the parser failed, so the file was not analysed: ${(err as Error).message ?? String(err)}` };
  return { path, format: 'unknown', size: 0, children: [], anomalies: [anomaly] };
}

function emptySummary(): Report['summary'] {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, files: 0 };
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.path.localeCompare(b.path) || rank(a.severity) - rank(b.severity) || a.ruleId.localeCompare(b.ruleId) || (a.location?.offset ?? 0) - (b.location?.offset ?? 0));
}

export interface Prepared {
  config: ResolvedConfig;
  registry: RuleRegistry;
}

/** Loads config and rules (built-in and plug-ins) the way every command does. */
export async function prepare(options: LoadConfigOptions): Promise<Prepared> {
  const config = loadConfig(options);
  const registry = new RuleRegistry();
  await loadPlugins(registry, config.plugins, config.baseDir);
  for (const id of Object.keys(config.rules)) {
    if (!registry.get(id)) throw new UsageError(`unknown rule '${id}' in ${config.file ?? '--rule'} (see: modelvet rules)`);
  }
  return { config, registry };
}

/** What `scan` reads: files from the walker or the git index, and where a parser may look beside each. */
interface ScanInput {
  targets: LocalTarget[];
  /** Source problems met while collecting (a staged LFS object missing, a conflict), as artifacts. */
  problems: Artifact[];
  /** For staged files: the other staged files and the work tree, instead of the temporary copy's folder. */
  siblingsOf?: (target: Extract<LocalTarget, { kind: 'file' }>) => SiblingFiles;
  /** SHA-256s known without reading (staged copies, LFS oids). */
  knownSha256: Map<string, string>;
  /** For staged files, as data: worker threads rebuild `siblingsOf` from it. */
  staged?: { top: string; files: StagedFile[] };
  cleanup(): Promise<void>;
}

async function stagedInput(cwd: string, paths: string[], config: Prepared['config']): Promise<ScanInput> {
  const repo = await openRepo(cwd);
  const ignored = ignoreMatcher(config.ignore, config.baseDir);
  const collection = await collectStagedTargets(cwd, paths, { select: (path) => !ignored(join(repo.top, ...path.split('/'))) });
  const byPath = new Map(collection.files.map((f) => [f.path, f]));
  const byAbs = new Map(collection.files.map((f) => [f.absPath, f]));
  return {
    targets: collection.files.map((f) => ({ kind: 'file', absPath: f.absPath, displayPath: f.displayPath })),
    problems: collection.problems.map((p) => ({
      path: p.displayPath,
      format: 'unknown',
      size: 0,
      children: [],
      anomalies: [{ code: p.code, message: p.message, ...(p.linkTarget !== undefined ? { detail: { target: p.linkTarget, root: repo.top } } : {}) }],
    })),
    siblingsOf: (target) => stagedSiblings(repo.top, byPath, byAbs.get(target.absPath)!.path),
    knownSha256: new Map(collection.files.filter((f) => f.sha256 !== undefined).map((f) => [f.absPath, f.sha256!])),
    staged: { top: repo.top, files: collection.files },
    cleanup: () => collection.cleanup(),
  };
}

/** Scans local files and folders and returns the report (the library entry point behind `modelvet scan`). */
export async function scan(options: ScanOptions = {}): Promise<Report> {
  jobsOf(options); // a bad count fails before any file is read
  const cwd = options.cwd ?? process.cwd();
  const { config, registry } = options.prepared ?? (await prepare(options));
  const input: ScanInput = options.staged
    ? await stagedInput(cwd, options.paths ?? [], config)
    : {
        targets: await collectTargets(options.paths?.length ? options.paths : ['.'], { cwd, ignore: config.ignore, ignoreBase: config.baseDir }),
        problems: [],
        knownSha256: new Map(),
        cleanup: async () => undefined,
      };
  try {
    return await scanInput(input, options, cwd, { config, registry });
  } finally {
    await input.cleanup();
  }
}

/**
 * THE place a scan's limits are decided (one place, so the limits issue can wire the config in):
 * the analyse options every parser gets, and the per-file time budget.
 */
function scanLimits(config: ResolvedConfig, options: ScanOptions): { analyse: AnalyseOptions; fileTimeBudgetMs: number } {
  const analyse: AnalyseOptions = analyseOptionsFrom(config);
  const fileTimeBudgetMs = options.fileTimeBudgetMs ?? analyse.fileTimeBudgetMs ?? DEFAULT_FILE_TIME_BUDGET_MS;
  if (!Number.isSafeInteger(fileTimeBudgetMs) || fileTimeBudgetMs < 0) throw new UsageError(`the file time budget must be a whole number of milliseconds (0 for none), got ${String(fileTimeBudgetMs)}`);
  return { analyse, fileTimeBudgetMs };
}

function jobsOf(options: ScanOptions): number {
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a whole number of 1 or more, got ${String(options.jobs)}`);
  return jobs;
}

/**
 * Worker threads rebuild the rules from the built-ins and the configuration's plug-ins; rules
 * added to the registry in code (an embedding tool's, a test's) exist only here, and make the
 * scan run in this thread.
 */
function rulesRebuildable({ config, registry }: Prepared): boolean {
  const builtins = new Map(BUILTIN_RULES.map((r) => [r.meta.id, r]));
  const plugins = new Set(config.plugins.map((p) => `plugin '${p}'`));
  const rules = registry.all();
  const own = rules.filter((r) => r.source === 'modelvet');
  return own.length === builtins.size && own.every((r) => builtins.get(r.meta.id)?.check === r.check) && rules.every((r) => r.source === 'modelvet' || plugins.has(r.source));
}

/** What one target adds to the report; kept per target so the report lists them in target order. */
interface TargetResult {
  findings: Finding[];
  artifact?: ReportArtifact;
  error?: ReportError;
}

/** The integrity status `apply` would set on a file's root artifact. */
async function integrityStatusOf(integrity: ScanIntegrity, absPath: string): Promise<IntegrityStatus | undefined> {
  const holder: Pick<Artifact, 'integrity'> = {};
  await integrity.apply(holder as Artifact, absPath);
  return holder.integrity;
}

async function scanInput(input: ScanInput, options: ScanOptions, cwd: string, prepared: Prepared): Promise<Report> {
  const { config, registry } = prepared;
  const { targets } = input;
  const rules = registry.all();
  const limits = scanLimits(config, options);
  const jobs = jobsOf(options);
  // Expected digests of the scanned files; only files that have one are hashed (in parallel, while parsing).
  // Staged copies live in a temporary folder: lock and BOM records are checked by `verify`, not on commit.
  const integrity = options.staged
    ? undefined
    : await ScanIntegrity.prepare(targets, { cwd, paths: options.paths ?? [], lockfile: options.lockfile, maxJsonBytes: limits.analyse.maxJsonBytes });
  const cache = options.cache ?? options.staged ? ResultCache.open({ rulesetKey: scanRulesetKey(config, registry), cwd, ...(options.cacheDir !== undefined ? { dir: options.cacheDir } : {}) }) : undefined;
  const runOptions = ruleRunOptions(config, rules);
  const artifacts: ReportArtifact[] = [];
  const errors: ReportError[] = [];
  const findings: Finding[] = [];
  const cacheStats = { hits: 0, misses: 0 };

  for (const problem of input.problems) findings.push(...runRules(problem, runOptions));
  // Worker threads unless asked for one file at a time with no budget (or the rules exist only here).
  const inThread = (jobs === 1 && limits.fileTimeBudgetMs === 0) || !rulesRebuildable(prepared) || !targets.some((t) => t.kind === 'file');
  const scanned = inThread
    ? await scanInThread({ input, options, integrity, cache, cacheStats, runOptions, analyseOptions: limits.analyse })
    : await scanInWorkers({ input, options, integrity, cache, cacheStats, runOptions, analyseOptions: limits.analyse, config, jobs, fileTimeBudgetMs: limits.fileTimeBudgetMs });
  for (const result of scanned) {
    findings.push(...result.findings);
    if (result.artifact) artifacts.push(result.artifact);
    if (result.error) errors.push(result.error);
  }
  for (const extra of integrity?.extraArtifacts() ?? []) findings.push(...runRules(extra, runOptions));
  await integrity?.close();
  await cache?.flush();

  const report = finishReport({ findings, artifacts, errors, prepared: { config, registry }, today: options.today });
  return cache ? { ...report, cache: cacheStats } : report;
}

interface TargetsContext {
  input: ScanInput;
  options: ScanOptions;
  integrity: ScanIntegrity | undefined;
  cache: ResultCache | undefined;
  cacheStats: { hits: number; misses: number };
  runOptions: RunRulesOptions;
  analyseOptions: AnalyseOptions;
}

/** The cache's view of one file: its key, and a hit when there is one. */
async function cacheLookup(ctx: TargetsContext, target: Extract<LocalTarget, { kind: 'file' }>) {
  const { cache, options, integrity, input } = ctx;
  // Integrity findings depend on records, not bytes: files with a record are always analysed.
  const cacheable = cache !== undefined && !options.hash && !integrity?.covers(target.absPath);
  const known = input.knownSha256.get(target.absPath);
  const stampBefore = cacheable && known === undefined ? fileStamp(target.absPath) : undefined;
  const sha256 = cacheable ? (known ?? (await cache.sha256For(target.absPath).catch(() => undefined))) : undefined;
  // Rules read names (extension checks), so the name is part of the key.
  const variant = basename(target.displayPath);
  const cached = sha256 !== undefined ? cache!.get(sha256, variant) : undefined;
  if (cached) {
    ctx.cacheStats.hits++;
    return { hit: { findings: fromCachedResult(cached, target.displayPath), artifact: { path: target.displayPath, format: cached.format, size: cached.size } } satisfies TargetResult };
  }
  /**
   * Stores a freshly analysed file's findings. A file that could not be read is not a verdict on
   * its bytes, and one that changed while it was read may not be the bytes hashed: neither is stored.
   */
  const store = (root: Pick<Artifact, 'path' | 'format' | 'size'>, own: Finding[], failed: boolean): void => {
    const unchanged = known !== undefined || (stampBefore !== undefined && stampBefore === fileStamp(target.absPath));
    const result = sha256 !== undefined && unchanged && !failed ? toCachedResult(root.path, root.format, root.size, own) : undefined;
    if (sha256 !== undefined) ctx.cacheStats.misses++;
    if (result) cache!.put(sha256!, result, variant);
  };
  return { store };
}

/** `--jobs 1` with no time budget: every file analysed here, one after another. */
async function scanInThread(ctx: TargetsContext): Promise<TargetResult[]> {
  const { input, options, integrity, runOptions } = ctx;
  const { targets } = input;
  const results: TargetResult[] = [];
  let done = 0;
  for (const target of targets) {
    let root: Artifact;
    if (target.kind !== 'file') root = sourceArtifact(target);
    else {
      const lookup = await cacheLookup(ctx, target);
      if (lookup.hit) {
        results.push(lookup.hit);
        options.onProgress?.(++done, targets.length, target.displayPath);
        continue;
      }
      let error: ReportError | undefined;
      try {
        const reader = await fileReader(target.absPath);
        try {
          const where = input.siblingsOf ? { siblings: input.siblingsOf(target) } : { file: { absolutePath: target.absPath } };
          const budget = fileByteBudget(reader, ctx.analyseOptions);
          root = budget.finish(await analyseReader(budget.reader, target.displayPath, 0, ctx.analyseOptions, where));
          await integrity?.apply(root, target.absPath);
          if (options.hash) root.sha256 = (await integrity?.sha256Of(target.absPath)) ?? (await sha256Of(reader));
        } finally {
          await reader.close();
        }
      } catch (err) {
        root = failedArtifact(target.displayPath, err);
        error = { path: target.displayPath, message: root.anomalies[0].message };
      }
      const own = runRules(root, runOptions);
      results.push({ findings: own, artifact: reportArtifact(root), ...(error ? { error } : {}) });
      lookup.store(root, own, error !== undefined);
      options.onProgress?.(++done, targets.length, target.displayPath);
      continue;
    }
    results.push({ findings: runRules(root, runOptions) });
    options.onProgress?.(++done, targets.length, target.displayPath);
  }
  return results;
}

const reportArtifact = (root: Pick<Artifact, 'path' | 'format' | 'size' | 'sha256'>): ReportArtifact => ({ path: root.path, format: root.format, size: root.size, ...(root.sha256 ? { sha256: root.sha256 } : {}) });

/**
 * Files analysed in the worker pool (src/engine/worker-pool.ts). This thread keeps the walker's
 * targets, the cache (lookups before, stores after), the integrity pass (a file's status goes
 * with its job, or is asked for once its digest is ready), `--hash` (a hash pool here, so
 * hashing a large file never counts against its analysis budget) and the order of the report.
 * Threads send back findings, format and size; a file whose thread was stopped or died is
 * reported here as not fully analysed.
 */
async function scanInWorkers(ctx: TargetsContext & { config: ResolvedConfig; jobs: number; fileTimeBudgetMs: number }): Promise<TargetResult[]> {
  const { input, options, integrity, runOptions } = ctx;
  const { targets } = input;
  const testHooks = testHooksFromEnv();
  const session: ScanSession = sharedScanPool().openSession(
    { config: ctx.config, analyseOptions: ctx.analyseOptions, ...(input.staged ? { staged: input.staged } : {}), ...(testHooks ? { testHooks } : {}) },
    { jobs: ctx.jobs, fileTimeBudgetMs: ctx.fileTimeBudgetMs, askIntegrity: (absPath) => integrityStatusOf(integrity!, absPath) },
  );
  const stagedPaths = new Map(input.staged?.files.map((f) => [f.absPath, f.path]));
  const hashes = options.hash ? new HashPool({ threads: ctx.jobs }) : undefined;
  const results: TargetResult[] = new Array<TargetResult>(targets.length);
  let done = 0;

  const scanFile = async (target: Extract<LocalTarget, { kind: 'file' }>): Promise<TargetResult> => {
    const lookup = await cacheLookup(ctx, target);
    if (lookup.hit) return lookup.hit;
    const size = await stat(target.absPath).then((st) => st.size, () => undefined);
    const hashing = hashes ? (async () => (await integrity?.sha256Of(target.absPath)) ?? (await hashes.hash(target.absPath, ['sha256'], size)).sha256) () : undefined;
    hashing?.catch(() => undefined); // awaited below only when the analysis succeeded
    const stagedPath = stagedPaths.get(target.absPath);
    const job: Omit<WorkerJob, 'id'> = {
      absPath: target.absPath,
      displayPath: target.displayPath,
      ...(stagedPath !== undefined ? { stagedPath } : {}),
      ...(integrity ? { integrity: integrity.covers(target.absPath) ? ('ask' as const) : { status: await integrityStatusOf(integrity, target.absPath) } } : {}),
    };
    const outcome: FileOutcome = await session.run(job, size);
    let failure: Artifact | undefined;
    let analysed: { format: Artifact['format']; size: number; sha256?: string; findings: Finding[] } | undefined;
    if (outcome.kind === 'analysed') {
      try {
        const sha256 = await hashing;
        analysed = { format: outcome.format, size: outcome.size, findings: outcome.findings, ...(sha256 ? { sha256 } : {}) };
      } catch (err) {
        failure = failedArtifact(target.displayPath, err);
      }
    } else if (outcome.kind === 'failed') failure = failedArtifact(target.displayPath, Object.assign(new Error(outcome.message), outcome.code !== undefined ? { code: outcome.code } : {}));
    else failure = { path: target.displayPath, format: 'unknown', size: 0, children: [], anomalies: [outcome.anomaly] };
    if (analysed) {
      const root = { path: target.displayPath, format: analysed.format, size: analysed.size, ...(analysed.sha256 ? { sha256: analysed.sha256 } : {}) };
      lookup.store(root, analysed.findings, false);
      return { findings: analysed.findings, artifact: reportArtifact(root) };
    }
    const own = runRules(failure!, runOptions);
    lookup.store(failure!, own, true);
    return { findings: own, artifact: reportArtifact(failure!), error: { path: target.displayPath, message: failure!.anomalies[0]!.message } };
  };

  try {
    // Enough files in flight to fill every thread with batches; the rest wait their turn (bounded memory).
    await pool(targets.map((target, i) => [target, i] as const), ctx.jobs * 32, async ([target, i]) => {
      results[i] = target.kind === 'file' ? await scanFile(target) : { findings: runRules(sourceArtifact(target), runOptions) };
      options.onProgress?.(++done, targets.length, target.displayPath);
    });
  } finally {
    session.close();
    await hashes?.close();
  }
  return results;
}

/**
 * The report every checking command returns (scan, verify): suppressions applied (expired ones
 * become findings), findings sorted, severities counted.
 */
export function finishReport(input: { findings: Finding[]; artifacts: ReportArtifact[]; errors: ReportError[]; prepared: Prepared; today?: string }): Report {
  const { artifacts, errors } = input;
  const { config, registry } = input.prepared;
  const today = input.today ?? new Date().toISOString().slice(0, 10);
  const { kept, suppressed, expired } = applySuppressions(input.findings, config.suppressions, today);
  const findings = kept;
  const expiredRule = registry.get('config/suppression-expired')!.meta;
  const expiredSetting = config.rules[expiredRule.id];
  for (const s of expired) {
    if (expiredSetting === 'off') break;
    findings.push({
      ruleId: expiredRule.id,
      severity: expiredSetting ?? expiredRule.severity,
      path: config.file ?? 'modelvet config',
      message: `suppression of ${s.rule}${s.path ? ` for ${s.path}` : ''} expired on ${s.until} and no longer applies ("${s.reason}")`,
      evidence: { ...s },
      fix: expiredRule.docs.fix,
    });
  }

  const summary = emptySummary();
  summary.files = artifacts.length;
  for (const f of findings) summary[f.severity]++;
  return {
    tool: { name: 'modelvet', version: VERSION },
    artifacts,
    findings: sortFindings(findings),
    summary,
    errors,
    ...(suppressed.length ? { suppressed } : {}),
  };
}
