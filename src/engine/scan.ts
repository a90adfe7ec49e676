import type { Artifact, Finding, Report, ReportArtifact, ReportError, Severity } from '../types.js';
import { SEVERITIES } from '../types.js';
import { loadConfig, type LoadConfigOptions } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { RuleRegistry, loadPlugins } from '../rules/registry.js';
import { collectTargets, type LocalTarget } from '../sources/local.js';
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

/** Scans local files and folders and returns the report (the library entry point behind `modelvet scan`). */
export async function scan(options: ScanOptions = {}): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const { config, registry } = options.prepared ?? (await prepare(options));
  const targets = await collectTargets(options.paths?.length ? options.paths : ['.'], { cwd, ignore: config.ignore, ignoreBase: config.baseDir });
  const rules = registry.all();
  // Expected digests of the scanned files; only files that have one are hashed (in parallel, while parsing).
  const integrity = await ScanIntegrity.prepare(targets, { cwd, paths: options.paths ?? [], lockfile: options.lockfile, maxJsonBytes: DEFAULT_ANALYSE_OPTIONS.maxJsonBytes });
  const settings = { allowedGlobals: config.allowGlobals, trustedPublishers: config.trustedPublishers, advisories: config.advisories };
  const artifacts: ReportArtifact[] = [];
  const errors: ReportError[] = [];
  const findings: Finding[] = [];

  let done = 0;
  for (const target of targets) {
    let root: Artifact;
    if (target.kind !== 'file') root = sourceArtifact(target);
    else {
      try {
        const reader = await fileReader(target.absPath);
        try {
          root = await analyseReader(reader, target.displayPath, 0, DEFAULT_ANALYSE_OPTIONS, { file: { absolutePath: target.absPath } });
          await integrity.apply(root, target.absPath);
          if (options.hash) root.sha256 = (await integrity.sha256Of(target.absPath)) ?? (await sha256Of(reader));
        } finally {
          await reader.close();
        }
      } catch (err) {
        root = failedArtifact(target.displayPath, err);
        errors.push({ path: target.displayPath, message: root.anomalies[0].message });
      }
      artifacts.push({ path: root.path, format: root.format, size: root.size, ...(root.sha256 ? { sha256: root.sha256 } : {}) });
    }
    findings.push(...runRules(root, { rules, ruleSettings: config.rules, settings }));
    options.onProgress?.(++done, targets.length, target.displayPath);
  }
  for (const extra of integrity.extraArtifacts()) findings.push(...runRules(extra, { rules, ruleSettings: config.rules, settings }));
  await integrity.close();

  return finishReport({ findings, artifacts, errors, prepared: { config, registry }, today: options.today });
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
