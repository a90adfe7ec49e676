import type { ListFileEntry } from '@huggingface/hub';
import { cleanText, clientFor, isObject, type HubClient } from './client.js';
import { HubError } from './errors.js';
import { formatHubRef, isSafeRepoPath } from './ref.js';
import type { HubClientOptions, HubFile, HubFileScan, HubRef, ResolvedHubRepo } from './types.js';

export interface ResolveOptions extends HubClientOptions {
  /** A client to reuse (its endpoint and token win over the options). */
  client?: HubClient;
  /** The most files a listing may have; more is treated as a hostile or broken answer. */
  maxFiles?: number;
}

export const COMMIT_PATTERN = /^[0-9a-f]{40}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const XET_PATTERN = /^[0-9a-f]{64}$/;
const DEFAULT_MAX_FILES = 100_000;
/** Imports kept per file from the Hub's pickle scan; a longer list is cut (the scan is only reported). */
const MAX_SCAN_IMPORTS = 256;

/**
 * `securityFileStatus` of an expanded listing entry (hub-endpoints.md §4): a status string and,
 * from `pickleImportScan.imports`, `module.name` pairs. Scanner keys vary: unknown ones are
 * ignored, malformed imports dropped, and a status that is no short string means no scan at all.
 */
export function hubScanOf(value: unknown): HubFileScan | undefined {
  if (!isObject(value)) return undefined;
  const status = cleanText(value['status'], 64);
  if (status === undefined) return undefined;
  const scan: HubFileScan = { status };
  const pickle = value['pickleImportScan'];
  const imports = isObject(pickle) ? pickle['imports'] : undefined;
  if (Array.isArray(imports)) {
    const names = new Set<string>();
    for (const item of imports) {
      if (names.size >= MAX_SCAN_IMPORTS) break;
      if (!isObject(item)) continue;
      const module = cleanText(item['module'], 512);
      const name = cleanText(item['name'], 512);
      if (module !== undefined && name !== undefined) names.add(`${module}.${name}`);
    }
    if (names.size > 0) scan.pickleImports = [...names];
  }
  return scan;
}

/** One listing entry checked field by field: the server is not trusted to send what the types say. */
function toHubFile(entry: ListFileEntry, label: string, endpoint: string): HubFile {
  const bad = (why: string): HubError => new HubError('bad-response', `${endpoint} listed a malformed entry in ${label}: ${why}`);
  const path: unknown = entry.path;
  if (typeof path !== 'string' || !isSafeRepoPath(path)) throw bad(`unsafe path ${JSON.stringify(String(path)).slice(0, 120)}`);
  if (typeof entry.size !== 'number' || !Number.isSafeInteger(entry.size) || entry.size < 0) throw bad(`'${path}' has no valid size`);
  if (typeof entry.oid !== 'string' || !COMMIT_PATTERN.test(entry.oid)) throw bad(`'${path}' has no git blob id`);
  const file: HubFile = { path, size: entry.size, gitOid: entry.oid };
  const lfs: unknown = entry.lfs;
  if (lfs !== undefined && lfs !== null) {
    if (typeof lfs !== 'object') throw bad(`'${path}' has malformed LFS metadata`);
    const { oid, size } = lfs as { oid?: unknown; size?: unknown };
    if (size !== undefined && size !== entry.size) throw bad(`'${path}' has LFS size ${String(size)} but size ${entry.size}`);
    // Only a 64-hex LFS oid is a SHA-256 of the content; anything else is kept out of the lock.
    if (typeof oid === 'string' && SHA256_PATTERN.test(oid)) file.lfsSha256 = oid;
    file.pointer = true;
  }
  const xet: unknown = entry.xetHash;
  if (typeof xet === 'string' && XET_PATTERN.test(xet)) {
    file.xetHash = xet;
    file.pointer = true;
  }
  const hubScan = hubScanOf(entry.securityFileStatus);
  if (hubScan) file.hubScan = hubScan;
  return file;
}

/**
 * Resolves a Hub reference: the revision to its 40-hex commit first (repo info `sha`), then the
 * recursive file list AT THAT COMMIT, so a branch moving during the read cannot mix two states.
 * The whole repo is listed even when the reference names a path inside it.
 */
export async function resolveHubRepo(ref: HubRef, options: ResolveOptions = {}): Promise<ResolvedHubRepo> {
  const client = clientFor(ref, options);
  const label = formatHubRef({ repo: ref.repo, repoType: ref.repoType });
  const endpoint = client.displayEndpoint;
  const revision = ref.revision ?? 'main';
  const info = await client.repoInfo(ref, revision);
  const commit: unknown = info.sha;
  if (typeof commit !== 'string' || !COMMIT_PATTERN.test(commit)) {
    throw new HubError('bad-response', `${endpoint} gave no commit id for ${label}@${revision}`);
  }
  if (COMMIT_PATTERN.test(revision) && commit !== revision) {
    throw new HubError('bad-response', `${endpoint} resolved commit ${revision} of ${label} to a different commit ${commit}`);
  }
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const files: HubFile[] = [];
  const seen = new Set<string>();
  let entries = 0;
  for await (const entry of client.listFiles(ref, commit)) {
    if (++entries > maxFiles) {
      throw new HubError('bad-response', `${endpoint} listed more than ${maxFiles} entries for ${label}@${commit}: not analysed`);
    }
    if (entry.type === 'directory') continue;
    if (entry.type !== 'file') {
      throw new HubError('bad-response', `${endpoint} listed '${String(entry.path)}' in ${label} as '${String(entry.type)}', not a file or folder`);
    }
    const file = toHubFile(entry, label, endpoint);
    if (seen.has(file.path)) throw new HubError('bad-response', `${endpoint} listed '${file.path}' twice in ${label}@${commit}`);
    seen.add(file.path);
    files.push(file);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const resolved: ResolvedHubRepo = { ref, commit, files };
  if (info.gated !== undefined) resolved.gated = info.gated;
  if (info.private !== undefined) resolved.private = info.private;
  return resolved;
}
