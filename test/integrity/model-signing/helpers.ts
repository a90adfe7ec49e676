import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dsse } from '@sigstore/core';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/projects/integrity-signing/', import.meta.url));
export const fixture = (path: string): string => `${FIXTURES}${path}`;
export const KEY = fixture('keys/test-signing-key.pub.pem');
export const WRONG_KEY = fixture('keys/test-wrong-key.pub.pem');
export const P384_KEY = fixture('keys/test-p384-key.pub.pem');

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
const privateKey: KeyObject = createPrivateKey(readFileSync(fixture('keys/test-signing-key.private.pem'), 'utf-8'));
const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;

export interface Resource {
  name: string;
  algorithm: string;
  digest: string;
}

export const files = { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['model.sig'] };

/** A model_signing 1.x statement; the subject digest is computed unless given. */
export function statement(resources: Resource[], serialization: Record<string, unknown> = files, subject?: string): Record<string, unknown> {
  const digest = subject ?? sha256(Buffer.concat(resources.map((r) => Buffer.from(r.digest, 'hex'))));
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'm', digest: { sha256: digest } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { serialization, resources },
  };
}

export const resource = (name: string, content = name, algorithm = 'sha256'): Resource => ({ name, algorithm, digest: sha256(content) });

export interface BundleOptions {
  /** Sign model_signing 0.2's way: `DSSEV1 … b'<repr>'` (ASCII payloads without quotes or controls other than \n). */
  compat?: boolean;
  tlogEntries?: unknown[];
  payloadType?: string;
}

/** A key-signed bundle, written the way model_signing's key signer writes it. */
export function signedBundle(content: Record<string, unknown> | string, options: BundleOptions = {}): Uint8Array {
  const payloadType = options.payloadType ?? 'application/vnd.in-toto+json';
  const payload = Buffer.from(typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  const pae = options.compat
    ? Buffer.from(`DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} b'${payload.toString('latin1').replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}'`)
    : dsse.preAuthEncoding(payloadType, payload);
  const sig = sign('sha256', pae, privateKey);
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: sha256(publicPem) }, tlogEntries: options.tlogEntries ?? [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType, signatures: [{ sig: sig.toString('base64'), keyid: '' }] },
  };
  return Buffer.from(JSON.stringify(bundle));
}

/** A Rekor dsse 0.0.1 entry describing `bundle` (inclusion data present but not checkable offline). */
export function tlogEntryFor(bundle: Uint8Array, tamperPayloadHash = false): unknown {
  const parsed = JSON.parse(Buffer.from(bundle).toString()) as { dsseEnvelope: { payload: string; signatures: { sig: string }[] } };
  const payloadHash = sha256(Buffer.from(parsed.dsseEnvelope.payload, 'base64'));
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: '00'.repeat(32) },
      payloadHash: { algorithm: 'sha256', value: tamperPayloadHash ? 'ff'.repeat(32) : payloadHash },
      signatures: [{ signature: parsed.dsseEnvelope.signatures[0]!.sig, verifier: Buffer.from(publicPem).toString('base64') }],
    },
  };
  return {
    logIndex: '1',
    logId: { keyId: Buffer.alloc(32, 1).toString('base64') },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: '1760000000',
    inclusionPromise: { signedEntryTimestamp: Buffer.alloc(70, 2).toString('base64') },
    inclusionProof: { logIndex: '1', rootHash: Buffer.alloc(32, 3).toString('base64'), treeSize: '2', hashes: [Buffer.alloc(32, 4).toString('base64')], checkpoint: { envelope: 'log - 1\n2\nAAAA\n\n— log sig\n' } },
    canonicalizedBody: Buffer.from(JSON.stringify(body)).toString('base64'),
  };
}

/** The bundle with one more tlog entry (the signature over the envelope is unchanged). */
export function withTlog(bundle: Uint8Array, entry: unknown): Uint8Array {
  const parsed = JSON.parse(Buffer.from(bundle).toString()) as { verificationMaterial: { tlogEntries: unknown[] } };
  parsed.verificationMaterial.tlogEntries.push(entry);
  return Buffer.from(JSON.stringify(parsed));
}
