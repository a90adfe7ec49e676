import { createPublicKey, type KeyObject } from 'node:crypto';
import { open } from 'node:fs/promises';
import { X509Certificate } from '@sigstore/core';
import type { KeyFinderFunc, TrustMaterial } from '@sigstore/verify';

type CertAuthority = TrustMaterial['certificateAuthorities'][number];
type TLogAuthority = TrustMaterial['tlogs'][number];

/** A key, trusted root or CA file the user named cannot be used: a usage error, not a finding. */
export class SigningOptionsError extends Error {
  override name = 'SigningOptionsError';
}

const MAX_OPTION_FILE_BYTES = 16 * 1024 * 1024;

/** Reads a file the user named, refusing one larger than any key or trusted root. */
export async function readOptionFile(path: string, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new SigningOptionsError(`the ${what} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_OPTION_FILE_BYTES) throw new SigningOptionsError(`the ${what} ${path} is ${size} bytes, more than any ${what} (${MAX_OPTION_FILE_BYTES})`);
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A PEM or DER SubjectPublicKeyInfo (`--public-key`). */
export function parsePublicKey(bytes: Buffer, path: string): KeyObject {
  try {
    const text = bytes.toString('utf-8');
    return text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: bytes, format: 'der', type: 'spki' });
  } catch (err) {
    throw new SigningOptionsError(`the public key ${path} is not a PEM or DER public key: ${(err as Error).message}`);
  }
}

const ALL_TIME = { start: new Date(0), end: new Date(8640000000000000) };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function validFor(v: unknown): { start: Date; end: Date } {
  const start = isObject(v) && typeof v.start === 'string' ? new Date(v.start) : ALL_TIME.start;
  const end = isObject(v) && typeof v.end === 'string' ? new Date(v.end) : ALL_TIME.end;
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new Error('a validFor date is not an ISO date');
  return { start, end };
}

function certAuthority(ca: unknown): CertAuthority {
  const certs = isObject(ca) && isObject(ca.certChain) ? list(ca.certChain.certificates) : [];
  if (certs.length === 0) throw new Error('a certificate authority has no certChain.certificates');
  return {
    certChain: certs.map((c) => {
      if (!isObject(c) || typeof c.rawBytes !== 'string') throw new Error('a certificate has no rawBytes');
      return X509Certificate.parse(Buffer.from(c.rawBytes, 'base64'));
    }),
    validFor: validFor(isObject(ca) ? ca.validFor : undefined),
  };
}

function logAuthority(log: unknown): TLogAuthority {
  if (!isObject(log) || !isObject(log.publicKey) || typeof log.publicKey.rawBytes !== 'string') throw new Error('a log has no publicKey.rawBytes');
  const id = isObject(log.checkpointKeyId) ? log.checkpointKeyId.keyId : isObject(log.logId) ? log.logId.keyId : undefined;
  if (typeof id !== 'string') throw new Error('a log has no logId.keyId');
  const raw = Buffer.from(log.publicKey.rawBytes, 'base64');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: raw, format: 'der', type: 'spki' });
  } catch {
    // Older roots list RSA log keys as bare PKCS#1.
    publicKey = createPublicKey({ key: raw, format: 'der', type: 'pkcs1' });
  }
  return { logID: Buffer.from(id, 'base64'), baseURL: typeof log.baseUrl === 'string' ? log.baseUrl : '', publicKey, validFor: validFor(log.publicKey.validFor) };
}

/**
 * A sigstore `trusted_root.json` (certificate authorities, transparency and CT logs, timestamp
 * authorities), or a PEM bundle of CA certificates: model_signing's `--certificate_chain` for a
 * private PKI, all trusted as one authority.
 */
export function parseTrustedRoot(bytes: Buffer, path: string, publicKey: KeyFinderFunc): TrustMaterial {
  const text = bytes.toString('utf-8');
  try {
    if (text.includes('-----BEGIN CERTIFICATE-----')) {
      const pems = text.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g) ?? [];
      if (pems.length === 0) throw new Error('no complete PEM certificate');
      const certChain = pems.map((p) => X509Certificate.parse(p));
      return { certificateAuthorities: [{ certChain, validFor: ALL_TIME }], timestampAuthorities: [], tlogs: [], ctlogs: [], publicKey };
    }
    const root: unknown = JSON.parse(text);
    if (!isObject(root)) throw new Error('not a JSON object');
    return {
      certificateAuthorities: list(root.certificateAuthorities).map(certAuthority),
      timestampAuthorities: list(root.timestampAuthorities).map(certAuthority),
      tlogs: list(root.tlogs).map(logAuthority),
      ctlogs: list(root.ctlogs).map(logAuthority),
      publicKey,
    };
  } catch (err) {
    throw new SigningOptionsError(`the trusted root ${path} is not a sigstore trusted_root.json or a PEM certificate bundle: ${(err as Error).message}`);
  }
}
