import { open } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { anomaly } from '../../parsers/anomaly.js';
import type { Anomaly } from '../../types.js';
import { readBundle } from './bundle.js';
import { MAX_BUNDLE_BYTES, SIGNING_CODES } from './codes.js';
import { readStatement, type StatementReading } from './payload.js';
import { checkSignature } from './verify.js';
import type { SigningManifest, SigningOptions } from './types.js';

export type { SigningManifest, SigningOptions, SignedFile, SignedShard, ShardCheck } from './types.js';
export { checkShards } from './shards.js';
export { SigningOptionsError } from './trust.js';

export interface SigningReading {
  manifest: SigningManifest;
  /** The bytes are a sigstore bundle whose statement has a model-signing predicate. */
  modelSigning: boolean;
  /** Set when the payload could be read at all. */
  statement?: StatementReading;
}

/** Files the manifest covers, whole or in shards. */
const coveredFiles = (m: Pick<SigningManifest, 'files' | 'shards'>): number => m.files.length + new Set(m.shards.map((s) => s.path)).size;

function unread(path: string, modelRoot: string, anomalies: Anomaly[], why: string): SigningReading {
  return {
    modelSigning: false,
    manifest: {
      path,
      modelRoot,
      files: [],
      shards: [],
      ignorePaths: [],
      signature: { status: 'unverified', method: 'unknown', detail: `${why}; no digest and no signature was checked`, files: 0 },
      anomalies,
    },
  };
}

/**
 * Reads signature-file bytes already in memory (at most MAX_BUNDLE_BYTES): the signed digests,
 * the manifest's own consistency, and the signature's status under `options`.
 */
export async function readSigningBytes(bytes: Uint8Array, path: string, modelRoot: string, options: SigningOptions): Promise<SigningReading> {
  const bundle = readBundle(bytes);
  if (bundle.kind !== 'ok') {
    const message = `${basename(path)} is not a model-signing signature: ${bundle.reason}`;
    return unread(path, modelRoot, [anomaly(SIGNING_CODES.malformed, message)], 'the signature file could not be read');
  }
  const statement = readStatement(bundle.bundle.content.dsseEnvelope.payload, basename(path));
  const covered = { files: statement.files, shards: statement.shards };
  const { signature, anomalies } = await checkSignature(bundle.bundle, coveredFiles(covered), options);
  return {
    modelSigning: statement.modelSigning,
    statement,
    manifest: { path, modelRoot, ...covered, ignorePaths: statement.ignorePaths, signature, anomalies: [...statement.anomalies, ...anomalies] },
  };
}

/**
 * Reads an OpenSSF model-signing signature file (`model.sig`) whose resource names are relative to
 * its folder. Hostile or unreadable files give anomalies, never an exception; only a key or
 * trusted-root file named in `options` that cannot be used throws (SigningOptionsError).
 */
export async function readSigningManifest(bundlePath: string, options: SigningOptions): Promise<SigningManifest> {
  const modelRoot = resolve(dirname(bundlePath));
  let handle;
  try {
    handle = await open(bundlePath, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return unread(bundlePath, modelRoot, [anomaly(SIGNING_CODES.malformed, `the signature file cannot be opened (${code})`)], 'the signature file could not be opened').manifest;
  }
  let bytes: Buffer;
  try {
    const stat = await handle.stat();
    const size = stat.size;
    if (!stat.isFile()) {
      return unread(bundlePath, modelRoot, [anomaly(SIGNING_CODES.malformed, 'the signature path is not a regular file')], 'the signature file could not be read').manifest;
    }
    if (size > MAX_BUNDLE_BYTES) {
      const limit = anomaly(SIGNING_CODES.limit, `the signature file is ${size} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit, so it was not read`, undefined, { size, limit: MAX_BUNDLE_BYTES });
      return unread(bundlePath, modelRoot, [limit], 'the signature file is too large to read').manifest;
    }
    bytes = Buffer.alloc(size);
    const { bytesRead } = await handle.read(bytes, 0, size, 0);
    bytes = bytes.subarray(0, bytesRead);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return unread(bundlePath, modelRoot, [anomaly(SIGNING_CODES.malformed, `the signature file cannot be read (${code})`)], 'the signature file could not be read').manifest;
  } finally {
    await handle.close();
  }
  return (await readSigningBytes(bytes, bundlePath, modelRoot, options)).manifest;
}
