import { finishReport, prepare, type Prepared } from '../engine/scan.js';
import { analyseOptionsFrom } from '../engine/limits.js';
import { ruleRunOptions, runRules } from '../engine/run-rules.js';
import { anomaly } from '../parsers/anomaly.js';
import { HUB_CODES } from '../rules/hub/codes.js';
import { clientFor, type HubClient } from '../sources/hub/client.js';
import { HubError } from '../sources/hub/errors.js';
import { formatHubRef, parseHubRef } from '../sources/hub/ref.js';
import { resolveHubRepo } from '../sources/hub/resolve.js';
import type { HubFile, HubRef } from '../sources/hub/types.js';
import type { Anomaly, Artifact, Finding, Report, ReportArtifact, ReportError } from '../types.js';
import { UsageError } from '../util/errors.js';
import { pool } from '../util/pool.js';
import { analyseRemoteFile } from './analyse-file.js';
import { autoMapOf } from './auto-map.js';
import { cardFrontMatter } from './card.js';
import { CHECK_DEFAULTS, type CheckOptions } from './options.js';
import { RemoteRepoFiles } from './remote-files.js';
import { repoArtifact } from './repo-artifact.js';
import type { FetchSummary, HubAutoMap, HubRepoArtifact, HubRepoFile } from './types.js';

export type { CheckOptions } from './options.js';

/** A report of `modelvet check`: a scan report plus what was fetched. */
export type CheckReport = Report & { fetch: FetchSummary };

/** Files read for repo facts before the analysis, and kept open so the analysis reuses their bytes. */
const FACT_FILES = ['README.md', 'config.json', 'tokenizer_config.json'];

/** One repo as `check` read it: the artifacts, and the files to read more from (the BOM does). */
export interface InspectedRepo {
  /** The analysed files, in listing order. */
  roots: Artifact[];
  repo: HubRepoArtifact;
  files: RemoteRepoFiles;
  artifacts: ReportArtifact[];
  errors: ReportError[];
  fetch: FetchSummary['repos'][number];
}

/** Parses Hub references as the commands accept them; anything else is a one-line usage error. */
export function parseRefs(texts: readonly string[]): HubRef[] {
  if (texts.length === 0) throw new UsageError('modelvet check needs a Hub reference: hf:org/name[@rev], org/name[@rev] or a Hub URL');
  return texts.map((text) => {
    const ref = parseHubRef(text);
    if (!ref) throw new UsageError(`'${text}' is not a Hub reference: write hf:org/name[@rev], org/name[@rev] or a Hub URL`);
    return ref;
  });
}

const inScope = (file: HubFile, path: string | undefined): boolean => path === undefined || file.path === path || file.path.startsWith(`${path}/`);

function repoFile(file: HubFile, artifact: Artifact | undefined, files: RemoteRepoFiles): HubRepoFile {
  const capped = files.capped.has(file.path);
  return {
    path: file.path,
    size: file.size,
    ...(file.lfsSha256 !== undefined ? { lfsSha256: file.lfsSha256 } : {}),
    gitOid: file.gitOid,
    pointer: file.pointer === true,
    ...(file.xetHash !== undefined ? { xetHash: file.xetHash } : {}),
    ...(artifact ? { format: artifact.format } : {}),
    coverage: capped ? 'capped' : artifact ? 'complete' : 'skipped',
    fetchedBytes: files.fetchedBytes(file.path),
    ...(file.hubScan ? { hubScan: file.hubScan } : {}),
  };
}

/** Resolves one repo, reads its facts and analyses its files (no rules run yet). */
export async function inspectHubRepo(client: HubClient, ref: HubRef, options: Omit<CheckOptions, 'refs'>): Promise<InspectedRepo> {
  const resolved = await resolveHubRepo(ref, { client });
  const { commit } = resolved;
  const root = formatHubRef({ repo: ref.repo, repoType: ref.repoType, revision: commit });
  const details = await client.modelDetails(ref, commit);
  const hubScan = ref.repoType === 'model' ? await client.securityStatus(ref, commit) : undefined;
  const limits = {
    maxBytes: options.maxFetchBytes ?? CHECK_DEFAULTS.maxFetchBytes,
    wholeBelow: options.wholeFileBytes ?? CHECK_DEFAULTS.wholeFileBytes,
    minFetch: CHECK_DEFAULTS.minFetchBytes,
  };
  const files = new RemoteRepoFiles(client, ref, commit, resolved.files, limits, root);
  const analyseOptions = analyseOptionsFrom(options.prepared?.config);

  const scoped = resolved.files.filter((f) => inScope(f, ref.path));
  if (ref.path !== undefined && scoped.length === 0) {
    throw new HubError('entry-not-found', `'${ref.path}' not found in ${formatHubRef(ref)} at ${commit}`, 404);
  }
  const maxFiles = options.maxFiles ?? CHECK_DEFAULTS.maxFiles;
  const analysed = scoped.slice(0, maxFiles);
  const repoAnomalies: Anomaly[] = [];
  if (scoped.length > analysed.length) {
    repoAnomalies.push(anomaly(HUB_CODES.notFullyAnalysed, `not fully analysed: ${scoped.length - analysed.length} of the repo's ${scoped.length} files were not read (more than the limit of ${maxFiles} files per repo)`, undefined, { files: scoped.length, limit: maxFiles }));
  }

  const held = FACT_FILES.filter((p) => files.file(p) !== undefined);
  for (const p of held) files.acquire(p);
  const byPath = new Map<string, Artifact>();
  const errors: ReportError[] = [];
  try {
    const readme = details?.cardData === undefined && held.includes('README.md') ? await files.text('README.md', CHECK_DEFAULTS.maxCardBytes) : undefined;
    const autoMap: HubAutoMap[] = [];
    for (const p of ['config.json', 'tokenizer_config.json']) {
      const text = held.includes(p) ? await files.text(p, CHECK_DEFAULTS.maxCardBytes) : undefined;
      const map = text !== undefined ? autoMapOf(p, text) : undefined;
      if (map) autoMap.push(map);
    }
    let done = 0;
    await pool(analysed, options.concurrency ?? CHECK_DEFAULTS.concurrency, async (file) => {
      const result = await analyseRemoteFile(files, file.path, analyseOptions);
      byPath.set(file.path, result.artifact);
      if (result.error !== undefined) errors.push({ path: result.artifact.path, message: result.error });
      options.onProgress?.(++done, analysed.length, result.artifact.path);
    });
    const repoFiles = resolved.files.map((f) => repoFile(f, byPath.get(f.path), files));
    const cardFromReadme = readme !== undefined ? cardFrontMatter(readme) : undefined;
    const repo = repoArtifact({
      resolved,
      endpoint: client.displayEndpoint,
      root,
      ...(details ? { details } : {}),
      ...(cardFromReadme ? { cardFromReadme } : {}),
      ...(hubScan ? { hubScan } : {}),
      autoMap,
      files: repoFiles,
      anomalies: repoAnomalies,
    });
    const roots = analysed.map((f) => byPath.get(f.path)!);
    const fetched = repoFiles.filter((f) => f.fetchedBytes > 0 || f.coverage !== 'skipped');
    return {
      roots,
      repo,
      files,
      errors,
      artifacts: roots.map((a) => ({ path: a.path, format: a.format, size: a.size })),
      fetch: {
        repo: formatHubRef({ repo: ref.repo, repoType: ref.repoType, ...(ref.revision !== undefined ? { revision: ref.revision } : {}) }),
        commit,
        endpoint: client.displayEndpoint,
        bytes: repoFiles.reduce((n, f) => n + f.fetchedBytes, 0),
        files: fetched.map((f) => ({ path: f.path, size: f.size, bytes: f.fetchedBytes, requests: files.requests(f.path), coverage: f.coverage })),
      },
    };
  } finally {
    for (const p of held) files.release(p);
  }
}

/**
 * Judges Hugging Face repos before download (the library entry point behind `modelvet check`):
 * each revision is resolved to its commit, every file is read at that commit by ranged requests
 * with the same parsers as a local scan, and repo-level rules judge the repo as a whole.
 */
export async function check(options: CheckOptions): Promise<CheckReport> {
  const refs = parseRefs(options.refs);
  const prepared: Prepared = options.prepared ?? (await prepare(options));
  const { config, registry } = prepared;
  const rules = registry.all();
  const runOptions = ruleRunOptions(config, rules);
  const clients = new Map<string, HubClient>();
  const findings: Finding[] = [];
  const artifacts: ReportArtifact[] = [];
  const errors: ReportError[] = [];
  const repos: FetchSummary['repos'] = [];
  for (const ref of refs) {
    const key = ref.endpoint ?? '';
    let client = options.client ?? clients.get(key);
    if (!client) {
      client = clientFor(ref, options);
      clients.set(key, client);
    }
    const result = await inspectHubRepo(client, ref, { ...options, prepared });
    findings.push(...runRules(result.repo, runOptions));
    for (const root of result.roots) findings.push(...runRules(root, runOptions));
    artifacts.push(...result.artifacts);
    errors.push(...result.errors);
    repos.push(result.fetch);
  }
  const report = finishReport({ findings, artifacts, errors, prepared, ...(options.today !== undefined ? { today: options.today } : {}) });
  const used = options.client ? [options.client] : [...clients.values()];
  const totalBytes = used.reduce((n, c) => n + c.stats.totalBytes, 0);
  const requests = used.reduce((n, c) => n + c.stats.totalRequests, 0);
  return { ...report, fetch: { totalBytes, requests, repos } };
}
