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
import { basename, join } from 'node:path';
import { fileReader } from '../sources/readers.js';
import { sha256Of } from '../sources/hash.js';
import { ScanIntegrity } from '../integrity/scan-pass.js';
import { UsageError } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from './analyse.js';
import { runRules } from './run-rules.js';
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
    cleanup: () => collection.cleanup(),
  };
}

/** Scans local files and folders and returns the report (the library entry point behind `modelvet scan`). */
export async function scan(options: ScanOptions = {}): Promise<Report> {
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

async function scanInput(input: ScanInput, options: ScanOptions, cwd: string, prepared: Prepared): Promise<Report> {
  const { config, registry } = prepared;
  const { targets } = input;
  const rules = registry.all();
  // Expected digests of the scanned files; only files that have one are hashed (in parallel, while parsing).
  // Staged copies live in a temporary folder: lock and BOM records are checked by `verify`, not on commit.
  const integrity = options.staged
    ? undefined
    : await ScanIntegrity.prepare(targets, { cwd, paths: options.paths ?? [], lockfile: options.lockfile, maxJsonBytes: DEFAULT_ANALYSE_OPTIONS.maxJsonBytes });
  const cache = options.cache ?? options.staged ? ResultCache.open({ rulesetKey: scanRulesetKey(config, registry), cwd, ...(options.cacheDir !== undefined ? { dir: options.cacheDir } : {}) }) : undefined;
  const settings = { allowedGlobals: config.allowGlobals, trustedPublishers: config.trustedPublishers, advisories: config.advisories };
  const artifacts: ReportArtifact[] = [];
  const errors: ReportError[] = [];
  const findings: Finding[] = [];
  const cacheStats = { hits: 0, misses: 0 };

  for (const problem of input.problems) findings.push(...runRules(problem, { rules, ruleSettings: config.rules, settings }));
  let done = 0;
  for (const target of targets) {
    let root: Artifact;
    if (target.kind !== 'file') root = sourceArtifact(target);
    else {
      // Integrity findings depend on records, not bytes: files with a record are always analysed.
      const cacheable = cache !== undefined && !options.hash && !integrity?.covers(target.absPath);
      const known = input.knownSha256.get(target.absPath);
      const stampBefore = cacheable && known === undefined ? fileStamp(target.absPath) : undefined;
      const sha256 = cacheable ? (known ?? (await cache.sha256For(target.absPath).catch(() => undefined))) : undefined;
      // Rules read names (extension checks), so the name is part of the key.
      const variant = basename(target.displayPath);
      const cached = sha256 !== undefined ? cache!.get(sha256, variant) : undefined;
      if (cached) {
        cacheStats.hits++;
        findings.push(...fromCachedResult(cached, target.displayPath));
        artifacts.push({ path: target.displayPath, format: cached.format, size: cached.size });
        options.onProgress?.(++done, targets.length, target.displayPath);
        continue;
      }
      try {
        const reader = await fileReader(target.absPath);
        try {
          const where = input.siblingsOf ? { siblings: input.siblingsOf(target) } : { file: { absolutePath: target.absPath } };
          root = await analyseReader(reader, target.displayPath, 0, DEFAULT_ANALYSE_OPTIONS, where);
          await integrity?.apply(root, target.absPath);
          if (options.hash) root.sha256 = (await integrity?.sha256Of(target.absPath)) ?? (await sha256Of(reader));
        } finally {
          await reader.close();
        }
      } catch (err) {
        root = failedArtifact(target.displayPath, err);
        errors.push({ path: target.displayPath, message: root.anomalies[0].message });
      }
      artifacts.push({ path: root.path, format: root.format, size: root.size, ...(root.sha256 ? { sha256: root.sha256 } : {}) });
      const own = runRules(root, { rules, ruleSettings: config.rules, settings });
      findings.push(...own);
      // A file that could not be read is not a verdict on its bytes, and one that changed while it
      // was read may not be the bytes hashed: neither is stored.
      const unchanged = known !== undefined || (stampBefore !== undefined && stampBefore === fileStamp(target.absPath));
      const result = sha256 !== undefined && unchanged && !errors.some((e) => e.path === target.displayPath) ? toCachedResult(root.path, root.format, root.size, own) : undefined;
      if (sha256 !== undefined) cacheStats.misses++;
      if (result) cache!.put(sha256!, result, variant);
      options.onProgress?.(++done, targets.length, target.displayPath);
      continue;
    }
    findings.push(...runRules(root, { rules, ruleSettings: config.rules, settings }));
    options.onProgress?.(++done, targets.length, target.displayPath);
  }
  for (const extra of integrity?.extraArtifacts() ?? []) findings.push(...runRules(extra, { rules, ruleSettings: config.rules, settings }));
  await integrity?.close();
  await cache?.flush();

  const report = finishReport({ findings, artifacts, errors, prepared: { config, registry }, today: options.today });
  return cache ? { ...report, cache: cacheStats } : report;
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
