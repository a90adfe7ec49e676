import { createHash } from 'node:crypto';
import { inspectHubRepo } from '../../check/check.js';
import type { CheckOptions } from '../../check/options.js';
import type { RemoteRepoFiles } from '../../check/remote-files.js';
import type { HubRepoFile } from '../../check/types.js';
import { finishReport, type Prepared } from '../../engine/scan.js';
import { ruleRunOptions, runRules } from '../../engine/run-rules.js';
import { clientFor } from '../../sources/hub/client.js';
import type { HubRef } from '../../sources/hub/types.js';
import type { Artifact, Finding } from '../../types.js';
import { pool } from '../../util/pool.js';
import { compareVerdicts } from '../facts/verdicts.js';
import type { BomVerdict, FactSource } from '../types.js';

export interface HubSourceOptions extends Omit<CheckOptions, 'refs' | 'prepared'> {
  prepared: Prepared;
}

/** A finding's path made relative to the repo root (`hf:org/name@<commit>/file!member` → `file!member`); repo-level ones become ''. */
function relativeTo(root: string, finding: Finding): string {
  if (finding.path === root) return '';
  return finding.path.startsWith(`${root}/`) ? finding.path.slice(root.length + 1) : finding.path;
}

const SMALL_FILE = 1024 * 1024;

/**
 * A file's SHA-256: the Hub's LFS one, or, for a small file stored in git itself, one computed from
 * its bytes — kept only when those bytes hash to the git blob id the listing gives (what the Hub
 * serves is then what the commit holds). A Xet hash or git blob SHA-1 is never passed off as one.
 */
async function contentHash(files: RemoteRepoFiles, f: HubRepoFile): Promise<{ sha256?: string; sha256Source?: 'hub-lfs' | 'local' }> {
  if (f.lfsSha256 !== undefined) return { sha256: f.lfsSha256, sha256Source: 'hub-lfs' };
  if (f.pointer || f.size > SMALL_FILE) return {};
  const bytes = await files.bytes(f.path, SMALL_FILE).catch(() => undefined);
  if (bytes === undefined || bytes.length !== f.size) return {};
  const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  return blob === f.gitOid ? { sha256: createHash('sha256').update(bytes).digest('hex'), sha256Source: 'local' } : {};
}

/**
 * A Hub repo at one commit, read the way `modelvet check` reads it: the file list with the Hub's LFS
 * SHA-256s (never a git blob SHA-1 or Xet hash), every file analysed by ranged reads, small files
 * read whole, and the check's findings (repo-level ones included) as the verdicts.
 */
export async function hubFactSource(ref: HubRef, options: HubSourceOptions): Promise<FactSource> {
  const client = options.client ?? clientFor(ref, options);
  const inspected = await inspectHubRepo(client, ref, options);
  const { repo, roots, files } = inspected;
  const root = repo.path;
  const byPath = new Map<string, Artifact>(roots.map((a) => [a.path.slice(root.length + 1), a]));
  const { config, registry } = options.prepared;
  const runOptions = ruleRunOptions(config, registry.all());
  const judged = [repo, ...roots].flatMap((a) => runRules(a, runOptions));
  // Suppressions apply as in `check`; an expired one is about the config, not this model.
  const report = finishReport({ findings: judged, artifacts: [], errors: [], prepared: options.prepared, ...(options.today !== undefined ? { today: options.today } : {}) });
  const verdicts: BomVerdict[] = report.findings
    .filter((f) => f.path === root || f.path.startsWith(`${root}/`))
    .map((f) => ({ ruleId: f.ruleId, severity: f.severity, path: relativeTo(root, f), message: f.message }))
    .sort(compareVerdicts);
  const hashed = await pool(repo.hub.files, 4, (f) => contentHash(files, f));
  return {
    kind: 'hub',
    root,
    identity: { repo: ref.repo, commit: repo.hub.commit, endpoint: client.displayEndpoint },
    files: repo.hub.files.map((f, i) => ({ path: f.path, size: f.size, ...hashed[i] })),
    readText: (path, maxBytes) => files.text(path, maxBytes).catch(() => undefined),
    analyse: async (path) => byPath.get(path),
    verdicts: async () => verdicts,
  };
}
