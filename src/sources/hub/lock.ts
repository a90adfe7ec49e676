import { createHash } from 'node:crypto';
import type { LockedFile, LockedModel } from '../../integrity/types.js';
import { clientFor, type HubClient } from './client.js';
import { HubError } from './errors.js';
import { formatHubRef } from './ref.js';
import { pool } from '../../util/pool.js';
import { resolveHubRepo, type ResolveOptions } from './resolve.js';
import type { HubFile, HubRef } from './types.js';

export interface LockHubOptions extends ResolveOptions {
  /** Non-LFS files up to this size are downloaded and hashed; default 10 MiB. */
  maxDownloadBytes?: number;
  /** Download and hash files the Hub gives no SHA-256 for (large non-LFS files, Xet-only files). */
  allowDownload?: boolean;
  /** Downloads in flight at once; default 4. */
  concurrency?: number;
  /** Called once per file as its digest becomes known (progress display). */
  onFile?: (file: LockedFile) => void;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_GIT_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
/** Extra tries for a download whose connection dropped mid-body (the fetch retries only up to the headers). */
const BODY_RETRIES = 2;

type Plan = { file: HubFile; how: 'lfs' | 'empty' | 'download'; checkGitOid: boolean };

function plan(files: HubFile[], label: string, maxDownload: number, allowDownload: boolean): Plan[] {
  const plans: Plan[] = [];
  const refused: string[] = [];
  for (const file of files) {
    if (file.lfsSha256 !== undefined) plans.push({ file, how: 'lfs', checkGitOid: false });
    else if (file.pointer) {
      // A Xet hash is not a SHA-256 of the content, and the git blob is only the pointer.
      if (allowDownload) plans.push({ file, how: 'download', checkGitOid: false });
      else refused.push(`'${file.path}' has only a Xet hash on the Hub`);
    } else if (file.size === 0) plans.push({ file, how: 'empty', checkGitOid: true });
    else if (file.size <= maxDownload || allowDownload) plans.push({ file, how: 'download', checkGitOid: true });
    else refused.push(`'${file.path}' is not in LFS and is larger than ${maxDownload} bytes`);
  }
  if (refused.length > 0) {
    const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
    throw new HubError('no-content-hash', `${label}: ${refused[0]}${more}, so the Hub gives no SHA-256 for it: pass --allow-download to download and hash it`);
  }
  return plans;
}

/**
 * Streams one file at the commit into SHA-256 (and the git blob SHA-1 beside it): a file whose
 * bytes do not match its listed size or git blob id is something other than what the commit holds.
 */
async function hashDownload(client: HubClient, ref: HubRef, commit: string, p: Plan, label: string): Promise<string> {
  const { file } = p;
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${file.size}\0`);
  let received = 0;
  for await (const chunk of client.stream(ref, file.path, commit)) {
    received += chunk.byteLength;
    if (received > file.size) {
      throw new HubError('integrity', `'${file.path}' of ${label}@${commit}: the Hub sent more than the ${file.size} bytes it listed`);
    }
    sha256.update(chunk);
    sha1.update(chunk);
  }
  if (received !== file.size) {
    throw new HubError('integrity', `'${file.path}' of ${label}@${commit}: the Hub sent ${received} of the ${file.size} bytes it listed`);
  }
  if (p.checkGitOid && sha1.digest('hex') !== file.gitOid) {
    throw new HubError('integrity', `'${file.path}' downloaded from ${label}@${commit} does not match its git blob id ${file.gitOid}: the Hub served other content`);
  }
  return sha256.digest('hex');
}

async function digestOf(client: HubClient, ref: HubRef, commit: string, p: Plan, label: string): Promise<LockedFile> {
  const { path, size } = p.file;
  if (p.how === 'lfs') return { path, size, sha256: p.file.lfsSha256!, from: 'hub-lfs' };
  if (p.how === 'empty') {
    // Nothing to download: the git blob id proves the content is empty (the Hub answers ranged reads of empty files oddly).
    if (p.file.gitOid !== EMPTY_GIT_BLOB) {
      throw new HubError('integrity', `'${path}' of ${label}@${commit} is listed as empty but its git blob id ${p.file.gitOid} is not the empty blob's`);
    }
    return { path, size, sha256: EMPTY_SHA256, from: 'hub-download' };
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return { path, size, sha256: await hashDownload(client, ref, commit, p, label), from: 'hub-download' };
    } catch (err) {
      if (!(err instanceof HubError && err.kind === 'network') || attempt >= BODY_RETRIES) throw err;
    }
  }
}


/**
 * Locks a Hub model: the revision resolved to its commit, and per file its size and SHA-256.
 * LFS files take the SHA-256 the Hub records for the LFS object (nothing downloaded); small
 * non-LFS files are downloaded at the commit and hashed, their git blob SHA-1 checked; a file
 * the Hub gives no SHA-256 for is an error naming it, unless `allowDownload` is set.
 */
export async function lockHubModel(ref: HubRef, options: LockHubOptions = {}): Promise<LockedModel> {
  const client = clientFor(ref, options);
  const label = formatHubRef({ repo: ref.repo, repoType: ref.repoType });
  const resolved = await resolveHubRepo(ref, { ...options, client });
  const plans = plan(resolved.files, label, options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES, options.allowDownload ?? false);
  const files = await pool(plans, options.concurrency ?? 4, async (p) => {
    const locked = await digestOf(client, ref, resolved.commit, p, label);
    options.onFile?.(locked);
    return locked;
  });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    source: { type: 'hf', repo: ref.repo, repoType: ref.repoType, revision: ref.revision ?? 'main', commit: resolved.commit },
    files,
  };
}
