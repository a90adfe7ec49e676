import { createPublicKey, type KeyObject } from 'node:crypto';
import type { BundleWithDsseEnvelope, TransparencyLogEntry } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { toSignedEntity, Verifier, type KeyFinderFunc, type SignedEntity, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
// Not re-exported by the package root: the offline check that a tlog entry describes this envelope.
import { verifyTLogBody } from '@sigstore/verify/dist/tlog/index.js';
import { anomaly } from '../../parsers/anomaly.js';
import type { Anomaly } from '../../types.js';
import { SIGNING_CODES } from './codes.js';
import { keyHint, verifyDsse, type DsseEnvelopeBytes } from './pae.js';
import { parsePublicKey, parseTrustedRoot, readOptionFile, SigningOptionsError } from './trust.js';
import type { SignatureCheck, SigningOptions } from './types.js';

export interface SignatureOutcome {
  signature: SignatureCheck;
  anomalies: Anomaly[];
}

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** The OIDC issuer Fulcio records: v2 as a DER UTF8String, v1 as the raw string. */
function issuerOf(cert: X509Certificate): string | undefined {
  const v2 = cert.extension(OID_FULCIO_ISSUER_V2);
  if (v2) {
    const obj = v2.valueObj;
    return (obj.subs[0]?.value ?? obj.value).toString('utf-8');
  }
  return cert.extension(OID_FULCIO_ISSUER_V1)?.value.toString('utf-8');
}

const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
/** DER of the code-signing purpose, 1.3.6.1.5.5.7.3.3. */
const CODE_SIGNING = Buffer.from([0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03]);

/** model_signing's certificate verifier: a key usage extension (required), digitalSignature, else extended key usage codeSigning. */
function mayCodeSign(leaf: X509Certificate): boolean {
  if (!leaf.extension(OID_KEY_USAGE)) return false;
  if (leaf.extKeyUsage?.digitalSignature) return true;
  return leaf.extension(OID_EXT_KEY_USAGE)?.value.includes(CODE_SIGNING) ?? false;
}

const errorText = (err: unknown): string => {
  const e = err as Error & { cause?: unknown };
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
};

/** @sigstore/verify's signature check with the digest model_signing pairs with the key. */
function curveAware(entity: SignedEntity, envelope: DsseEnvelopeBytes): SignedEntity['signature'] {
  const content = entity.signature;
  return {
    signature: content.signature,
    compareSignature: (s) => content.compareSignature(s),
    compareDigest: (d) => content.compareDigest(d),
    verifySignature: (key) => {
      const check = verifyDsse(envelope, key);
      return check === 'ok' || check === 'ok-compat';
    },
  };
}

/**
 * A private-PKI certificate has no transparency log to date it; model_signing checks the chain at
 * the leaf's notBefore. @sigstore/verify checks a chain only at the timestamps it is given, so the
 * leaf's notBefore is handed over as the one (unsigned) timestamp.
 */
function notBeforeTimestamp(leaf: X509Certificate): SignedEntity['timestamps'][number] {
  const tlogEntry = {
    logIndex: '0',
    logId: { keyId: Buffer.alloc(0) },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: String(Math.floor(leaf.notBefore.getTime() / 1000)),
    inclusionPromise: { signedEntryTimestamp: Buffer.alloc(0) },
    canonicalizedBody: Buffer.alloc(0),
  } as unknown as TransparencyLogEntry;
  return { $case: 'transparency-log', tlogEntry };
}

/** Runs @sigstore/verify; returns why it refused, or undefined when everything verified. */
function runVerifier(bundle: BundleWithDsseEnvelope, envelope: DsseEnvelopeBytes, trust: TrustMaterial, options: VerifierOptions, leafForPki?: X509Certificate) {
  try {
    const entity = toSignedEntity(bundle);
    const timestamps = leafForPki ? [notBeforeTimestamp(leafForPki)] : entity.timestamps;
    new Verifier(trust, options).verify({ ...entity, signature: curveAware(entity, envelope), timestamps });
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}

/** What can be checked of tlog entries without the log's key: that each describes this envelope. */
function tlogBodiesMatch(bundle: BundleWithDsseEnvelope): string | undefined {
  const entries = bundle.verificationMaterial.tlogEntries;
  try {
    const content = toSignedEntity(bundle).signature;
    for (const entry of entries) verifyTLogBody(entry, content);
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}

const TLOG_UNCHECKED = '; its transparency-log entry matches the envelope, but its inclusion in the log was not checked (no --trusted-root)';

const noKeyFinder: KeyFinderFunc = () => {
  throw new SigningOptionsError('a public-key bundle needs --public-key');
};

class Outcome {
  readonly anomalies: Anomaly[] = [];
  signer?: string;
  issuer?: string;
  constructor(
    private readonly method: SignatureCheck['method'],
    private readonly files: number,
  ) {}

  result(status: SignatureCheck['status'], detail: string): SignatureOutcome {
    const signature: SignatureCheck = {
      status,
      method: this.method,
      detail,
      files: this.files,
      ...(this.signer !== undefined ? { signer: this.signer } : {}),
      ...(this.issuer !== undefined ? { issuer: this.issuer } : {}),
    };
    return { signature, anomalies: this.anomalies };
  }
}

async function publicKeyCheck(bundle: BundleWithDsseEnvelope, envelope: DsseEnvelopeBytes, options: SigningOptions, out: Outcome): Promise<SignatureOutcome> {
  if (options.publicKeyPath === undefined) {
    return out.result('unverified', 'the bundle is signed with a private key and no public key was given (--public-key); digests were checked, the signature was not');
  }
  const key = parsePublicKey(await readOptionFile(options.publicKeyPath, 'public key'), options.publicKeyPath);
  const vm = bundle.verificationMaterial.content;
  const named = vm.$case === 'publicKey' ? vm.publicKey.hint : '';
  const given = keyHint(key);
  const otherKey = named && named !== given ? ` (the bundle names key ${named.slice(0, 16)}…, the given key is ${given.slice(0, 16)}…)` : '';
  const tlog = bundle.verificationMaterial.tlogEntries.length > 0;
  if (tlog && options.trustedRootPath !== undefined) {
    const trust = parseTrustedRoot(await readOptionFile(options.trustedRootPath, 'trusted root'), options.trustedRootPath, () => ({ publicKey: key, validFor: () => true }));
    const problem = runVerifier(bundle, envelope, trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 });
    if (problem) return out.result('invalid', `the signature does not verify with the given public key and trusted root${otherKey}: ${problem}`);
    return out.result('verified', 'the DSSE signature verifies with the given public key, and its transparency-log entry is in a log of the trusted root');
  }
  const check = verifyDsse(envelope, key);
  if (check === 'unsupported-key') return out.result('invalid', `the given public key is a ${key.asymmetricKeyType ?? 'unknown'} key of a kind model_signing never signs with`);
  if (check === 'bad') return out.result('invalid', `the signature does not verify with the given public key${otherKey}: the payload was altered after signing, or another key signed it`);
  const compat = check === 'ok-compat' ? ' (in model_signing 0.2 encoding)' : '';
  if (!tlog) return out.result('verified', `the DSSE signature verifies with the given public key${compat}`);
  const bodyProblem = tlogBodiesMatch(bundle);
  if (bodyProblem) return out.result('invalid', `the transparency-log entry does not describe this envelope: ${bodyProblem}`);
  return out.result('verified', `the DSSE signature verifies with the given public key${compat}${TLOG_UNCHECKED}`);
}

function leafOf(bundle: BundleWithDsseEnvelope): X509Certificate | undefined {
  const vm = bundle.verificationMaterial.content;
  const raw = vm.$case === 'certificate' ? vm.certificate.rawBytes : vm.$case === 'x509CertificateChain' ? vm.x509CertificateChain.certificates[0]?.rawBytes : undefined;
  if (!raw) return undefined;
  try {
    const leaf = X509Certificate.parse(Buffer.from(raw));
    // The parser decodes lazily: a mutated extension only throws when read, so read every field
    // used later here, where a failure means "cannot be parsed".
    void leaf.subjectAltName;
    void leaf.extKeyUsage;
    void leaf.extension(OID_KEY_USAGE);
    issuerOf(leaf);
    return leaf;
  } catch {
    return undefined;
  }
}

async function certificateCheck(bundle: BundleWithDsseEnvelope, envelope: DsseEnvelopeBytes, options: SigningOptions, out: Outcome): Promise<SignatureOutcome> {
  const leaf = leafOf(bundle);
  let leafKey: KeyObject | undefined;
  try {
    if (leaf) leafKey = createPublicKey({ key: leaf.publicKey, format: 'der', type: 'spki' });
  } catch {
    leafKey = undefined;
  }
  if (!leaf || !leafKey) {
    out.anomalies.push(anomaly(SIGNING_CODES.malformed, 'the signing certificate in the bundle cannot be parsed, so the signature cannot be checked'));
    return out.result('unverified', 'the signing certificate cannot be parsed; digests were checked, the signature was not');
  }
  out.signer = leaf.subjectAltName;
  out.issuer = issuerOf(leaf);
  const who = out.signer ? ` for ${out.signer}${out.issuer ? ` (issuer ${out.issuer})` : ''}` : '';
  // Without any trust the signature can still be checked against the bundle's own certificate:
  // failing that, the payload is not what was signed.
  const self = verifyDsse(envelope, leafKey);
  if (self === 'unsupported-key') {
    out.anomalies.push(anomaly(SIGNING_CODES.unsupported, `the signing certificate holds a ${leafKey.asymmetricKeyType ?? 'unknown'} key, which modelvet cannot check`));
    return out.result('unverified', 'the signing certificate holds a key modelvet cannot check; digests were checked, the signature was not');
  }
  if (self === 'bad') return out.result('invalid', "the signature does not verify with the bundle's own certificate: the payload or the signature was altered after signing");
  const bodyProblem = tlogBodiesMatch(bundle);
  if (bodyProblem) return out.result('invalid', `the transparency-log entry does not describe this envelope: ${bodyProblem}`);
  if (options.identity !== undefined && out.signer !== options.identity) return out.result('invalid', `the certificate identity is ${out.signer ?? 'absent'}, not the expected ${options.identity}`);
  if (options.issuer !== undefined && out.issuer !== options.issuer) return out.result('invalid', `the certificate issuer is ${out.issuer ?? 'absent'}, not the expected ${options.issuer}`);
  if (options.trustedRootPath === undefined) {
    return out.result('unverified', `the bundle is signed with a certificate${who}; sigstore trusted root not given; digests were checked, the signature was not`);
  }
  const trust = parseTrustedRoot(await readOptionFile(options.trustedRootPath, 'trusted root'), options.trustedRootPath, noKeyFinder);
  const pki = bundle.verificationMaterial.content.$case === 'x509CertificateChain';
  // Keyless needs what sigstore's own verifier needs: a tlog entry, an SCT and a timestamp.
  const problem = pki ? runVerifier(bundle, envelope, trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }, leaf) : runVerifier(bundle, envelope, trust, {});
  if (problem) {
    const noLog = !pki && bundle.verificationMaterial.tlogEntries.length === 0 ? ' (the bundle has no transparency-log entry, which a keyless signature needs)' : '';
    return out.result('invalid', `the signature does not verify against the trusted root: ${problem}${noLog}`);
  }
  if (pki && !mayCodeSign(leaf)) return out.result('invalid', 'the signing certificate chains to the trusted root, but its key usage does not allow signing');
  // Anyone can get a sigstore certificate: without an expected identity the signer is unknown.
  if (!pki && (options.identity === undefined || options.issuer === undefined)) {
    return out.result('unverified', `the signature chains to the trusted root${who}, but no --identity and --issuer were given, and anyone can obtain a sigstore certificate; digests were checked, the signer was not`);
  }
  return out.result('verified', `the signature verifies and its certificate${who} chains to the trusted root`);
}

/**
 * Anything the sigstore libraries throw on a hostile bundle (they decode certificates lazily)
 * becomes "unverified" with a malformed anomaly; only the user's own option files throw past this.
 */
async function failClosed(out: Outcome, check: (out: Outcome) => Promise<SignatureOutcome>): Promise<SignatureOutcome> {
  try {
    return await check(out);
  } catch (err) {
    if (err instanceof SigningOptionsError) throw err;
    out.anomalies.push(anomaly(SIGNING_CODES.malformed, `the signature material cannot be read (${(err as Error).message})`));
    return out.result('unverified', 'the signature material cannot be read; digests were checked, the signature was not');
  }
}

/**
 * The signature's status under the user's trust settings. Options name files the user chose: one
 * that cannot be read throws SigningOptionsError; nothing in the bundle makes this throw.
 */
export async function checkSignature(bundle: BundleWithDsseEnvelope, files: number, options: SigningOptions): Promise<SignatureOutcome> {
  const dsse = bundle.content.dsseEnvelope;
  const envelope: DsseEnvelopeBytes = { payloadType: dsse.payloadType, payload: dsse.payload, signature: dsse.signatures[0]!.sig };
  const vm = bundle.verificationMaterial.content;
  if (vm.$case === 'publicKey') return failClosed(new Outcome('public-key', files), (out) => publicKeyCheck(bundle, envelope, options, out));
  if (vm.$case === 'certificate' || vm.$case === 'x509CertificateChain') return failClosed(new Outcome('certificate', files), (out) => certificateCheck(bundle, envelope, options, out));
  const out = new Outcome('unknown', files);
  out.anomalies.push(anomaly(SIGNING_CODES.malformed, 'the bundle carries neither a public-key hint nor a certificate'));
  return out.result('unverified', 'the bundle names no key or certificate; digests were checked, the signature was not');
}
