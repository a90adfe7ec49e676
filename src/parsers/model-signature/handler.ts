import { dirname } from 'node:path';
import type { AnalyseContext, FormatHandler, SniffInput, ZipFlavourHandler } from '../../engine/format-handler.js';
import { MAX_BUNDLE_BYTES, SIGNING_CODES } from '../../integrity/model-signing/codes.js';
import { readSigningBytes } from '../../integrity/model-signing/read.js';
import type { Anomaly, Artifact, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import type { ModelSignatureArtifact } from './types.js';

/** model_signing's default signature name: claimed by name, so a broken one is reported, not skipped. */
const DEFAULT_NAME = 'model.sig';
const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle';

const looksLikeBundle = (head: Uint8Array): boolean => Buffer.from(head).toString('latin1').includes(BUNDLE_MEDIA_TYPE);

/** Other names a signature is given (`--signature`): taken only when the head shows a sigstore bundle. */
const sniff = ({ name, head }: SniffInput): boolean =>
  name === DEFAULT_NAME || ((name.endsWith('.sig') || name.endsWith('.sigstore.json') || name.endsWith('.sigstore')) && looksLikeBundle(head));

function artifactOf(context: AnalyseContext, size: number, signature: ModelSignatureArtifact['signature'], anomalies: Anomaly[], manifest?: ModelSignatureArtifact['manifest']): ModelSignatureArtifact {
  return { path: context.path, format: 'model-signature', size, anomalies, children: [], signature, ...(manifest ? { manifest } : {}) };
}

const notRead = (why: string): ModelSignatureArtifact['signature'] => ({ status: 'unverified', method: 'unknown', detail: `${why}; no digest and no signature was checked`, files: 0 });

/**
 * A scan has no key and no trusted root: it reads the signed digests, checks the manifest against
 * itself (subject digest, paths) and the signature against the bundle's own certificate, and
 * reports how `modelvet verify` can check the rest.
 */
async function analyse(reader: ByteReader, context: AnalyseContext): Promise<Artifact> {
  const cap = Math.min(MAX_BUNDLE_BYTES, context.options.maxJsonBytes);
  if (reader.size > cap) {
    const limit = anomaly(SIGNING_CODES.limit, `the signature file is ${reader.size} bytes, over the ${cap}-byte limit, so it was not read`, undefined, { size: reader.size, limit: cap });
    return artifactOf(context, reader.size, notRead('the signature file is too large to read'), [limit]);
  }
  const bytes = await reader.read(0, reader.size);
  const root = context.file ? dirname(context.file.absolutePath) : '';
  let reading;
  try {
    reading = await readSigningBytes(bytes, context.path, root, {});
  } catch (err) {
    const failed = anomaly(SIGNING_CODES.malformed, `the signature file could not be read: ${(err as Error).message}`);
    return artifactOf(context, reader.size, notRead('the signature file could not be read'), [failed]);
  }
  // A sigstore bundle of something else (a wheel's attestation) under a `.sig` name is not ours.
  if (!reading.modelSigning && context.name !== DEFAULT_NAME) return { path: context.path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
  const { manifest, statement } = reading;
  const summary: ModelSignatureArtifact['manifest'] | undefined = statement && {
    ...(statement.predicateType !== undefined ? { predicateType: statement.predicateType } : {}),
    ...(statement.modelName !== undefined ? { modelName: statement.modelName } : {}),
    ...(statement.method !== undefined ? { method: statement.method } : {}),
    ...(statement.hashType !== undefined ? { hashType: statement.hashType } : {}),
    ...(statement.shardSize !== undefined ? { shardSize: statement.shardSize } : {}),
    ...(statement.subjectSha256 !== undefined ? { subjectSha256: statement.subjectSha256 } : {}),
    files: manifest.files,
    shards: manifest.shards.length,
    ignorePaths: manifest.ignorePaths,
  };
  return artifactOf(context, reader.size, manifest.signature, manifest.anomalies, summary);
}

const modelSignature: FormatHandler = { format: 'model-signature', stage: 'named', sniff, analyse };

/** This family's entries into the engine (see src/engine/handlers.ts for the order). */
export const HANDLERS: FormatHandler[] = [modelSignature];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
