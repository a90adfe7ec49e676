import { createHash, verify, type KeyObject } from 'node:crypto';
import { dsse } from '@sigstore/core';

/**
 * The digest model_signing pairs with each key: ECDSA over P-256/P-384/P-521 hashes with
 * SHA-256/384/512 (sign_ec_key.get_ec_key_hash). @sigstore/verify 3.1 always lets Node pick
 * SHA-256, which fails every P-384 signature, so the DSSE check here names the hash itself.
 * `null` is Ed25519 (no separate digest); undefined is a key model_signing never signs with.
 */
export function hashForKey(key: KeyObject): string | null | undefined {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }[key.asymmetricKeyDetails?.namedCurve ?? ''];
    case 'ed25519':
      return null;
    case 'rsa':
    case 'rsa-pss':
      return 'sha256';
    default:
      return undefined;
  }
}

/** Python's `repr(bytes)`, which model_signing 0.2 signed by mistake in place of the raw payload. */
function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (c === '\\' || c === quote) out += `\\${c}`;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b >= 0x20 && b < 0x7f) out += c;
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}${quote}`;
}

/** The pre-1.0 encoding (sign_sigstore_pb.pae_compat): `DSSEV1`, and the payload's repr, not its bytes. */
function compatPreAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  return Buffer.from(`DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf-8');
}

export type DsseCheck = 'ok' | 'ok-compat' | 'bad' | 'unsupported-key';

export interface DsseEnvelopeBytes {
  payloadType: string;
  payload: Uint8Array;
  signature: Uint8Array;
}

const tryVerify = (algorithm: string | null, data: Buffer, key: KeyObject, signature: Uint8Array): boolean => {
  try {
    return verify(algorithm, data, key, signature);
  } catch {
    return false;
  }
};

/** Checks the DSSE signature over the PAE, then over model_signing 0.2's encoding as its verifier does. */
export function verifyDsse(envelope: DsseEnvelopeBytes, key: KeyObject): DsseCheck {
  const algorithm = hashForKey(key);
  if (algorithm === undefined) return 'unsupported-key';
  const payload = Buffer.from(envelope.payload);
  if (tryVerify(algorithm, dsse.preAuthEncoding(envelope.payloadType, payload), key, envelope.signature)) return 'ok';
  if (tryVerify(algorithm, compatPreAuthEncoding(envelope.payloadType, payload), key, envelope.signature)) return 'ok-compat';
  return 'bad';
}

/** model_signing's key hint: hex SHA-256 of the PEM SubjectPublicKeyInfo (with its line breaks). */
export function keyHint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'pem' }) as string).digest('hex');
}
