/**
 * Reads the signed statement of an OpenSSF model-signing signature (sigstore model-transparency,
 * the `model_signing` Python package). Learned from its sources, not copied:
 * `src/model_signing/_signing/signing.py` (Payload, dsse_payload_to_manifest and its `_compat`
 * twin), `manifest.py` (File/Shard keys, `SerializationType.from_args`, resource ordering),
 * `_serialization/file_shard.py` (shard endpoints), `_serialization/serialization.py`
 * (`should_ignore`), `hashing.py` and `_hashing/memory.py` (algorithms, default ignored paths),
 * `verifying.py` (what a verifier compares), `_signing/sign_ec_key.py`, `sign_certificate.py` and
 * `sign_sigstore_pb.py` (the three signing methods, the PAE and its pre-1.0 twin), and the test
 * bundles under `scripts/tests/v*-{elliptic-key,certificate,sigstore}/model.sig`.
 *
 * - The signature file (`model.sig` by default, in the model folder) is a sigstore bundle, JSON,
 *   mediaType `application/vnd.dev.sigstore.bundle.v0.3+json`, whose `dsseEnvelope` carries a
 *   base64 `payload` of type `application/vnd.in-toto+json`: an in-toto Statement v1
 *   (`_type` `https://in-toto.io/Statement/v1`).
 * - predicateType `https://model_signing/signature/v1.0`: exactly one subject, `{name: <model
 *   folder name, informative only>, digest: {sha256}}`; `predicate.resources` is a list of
 *   `{name, algorithm, digest (hex)}` sorted by key, and `predicate.serialization` is
 *   `{method: files|shards, hash_type, allow_symlinks, [shard_size], [ignore_paths]}` (all but
 *   ignore_paths required by the verifier). The subject digest is SHA-256 over the raw bytes of
 *   every resource digest concatenated in the listed order, whatever each resource's algorithm;
 *   the verifier recomputes it and refuses a mismatch. Other predicate fields are ignored.
 * - Names are POSIX paths relative to the model folder (`PurePosixPath`). With `shards`, a name is
 *   `path:start:end` (split on `:` into exactly three parts; end exclusive); files are cut at
 *   multiples of `shard_size` (default 1 GB), the last shard ends at the file size, and empty files
 *   have no shard. With `files`, empty files are listed with the digest of nothing.
 * - Algorithms: `sha256` (default), `blake2b` (hash_type `blake2`), `blake3`.
 * - Resources are kept in a dict by key, so a name listed twice keeps its last digest.
 * - Ignored while hashing: `ignore_paths` (relative to the folder; a folder ignores all under it),
 *   plus `.git`, `.gitattributes`, `.github`, `.gitignore` by default and the signature file.
 *   A verifier re-hashes the folder and compares the whole manifest: a file not listed fails.
 * - predicateType `https://model_signing/Digests/v0.1` (v0.2): one subject per file
 *   `{name, digest: {sha256}}`, method `files`, no subject digest to check.
 * - Signing methods (bundle `verificationMaterial`): a private key → `publicKey.hint` = hex
 *   SHA-256 of the PEM SubjectPublicKeyInfo, no tlog entry, ECDSA P-256/P-384/P-521 with
 *   SHA-256/384/512 over the DSSE PAE (a pre-1.0 bug signed `DSSEV1 … {python bytes repr}`
 *   instead); a certificate (private PKI) → `x509CertificateChain` leaf first, verified at the
 *   leaf's notBefore against the user's CA certificates; sigstore keyless → one Fulcio
 *   `certificate` plus a Rekor tlog entry, verified against the sigstore trusted root with an
 *   identity and OIDC issuer.
 */
import { createHash } from 'node:crypto';
import { anomaly } from '../../parsers/anomaly.js';
import type { Anomaly } from '../../types.js';
import { SIGNING_CODES } from './codes.js';
import { ALWAYS_IGNORED, IN_TOTO_STATEMENT_V1, MODEL_SIGNING_PREDICATE_PREFIX, PREDICATE_DIGESTS_V01, PREDICATE_V1 } from './format.js';
import { readResourceName } from './paths.js';
import type { SignedFile, SignedShard } from './types.js';

export interface StatementReading {
  /** The statement's predicate is a model-signing one (known or not). */
  modelSigning: boolean;
  predicateType?: string;
  modelName?: string;
  method?: 'files' | 'shards';
  hashType?: string;
  shardSize?: number;
  subjectSha256?: string;
  /** Resource entries listed, whatever became of them. */
  resources: number;
  files: SignedFile[];
  shards: SignedShard[];
  ignorePaths: string[];
  anomalies: Anomaly[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const DIGIT_RUN = /^\d+$/;
/** Bytes of each digest algorithm model_signing writes. */
const DIGEST_BYTES: Record<string, number> = { sha256: 32, blake2b: 64, blake3: 32 };

class Reading {
  readonly out: StatementReading;
  /** Last entry per key, as model_signing's dict keeps it. */
  private readonly byKey = new Map<string, SignedFile | SignedShard>();
  private readonly unsupportedAlgorithms = new Map<string, number>();

  constructor(private readonly sigName: string) {
    this.out = { modelSigning: false, resources: 0, files: [], shards: [], ignorePaths: [], anomalies: [] };
  }

  malformed(message: string, detail?: Record<string, unknown>): void {
    this.out.anomalies.push(anomaly(SIGNING_CODES.malformed, message, undefined, detail));
  }

  /** A resource `name` with a hex digest; returns the digest bytes for the subject check. */
  resource(name: unknown, algorithm: unknown, digest: unknown, method: 'files' | 'shards', index: number): Buffer | undefined {
    if (typeof name !== 'string' || typeof algorithm !== 'string' || typeof digest !== 'string') {
      this.malformed(`resource ${index} of the signing manifest lacks a string name, algorithm or digest; model_signing refuses the signature`, { index });
      return undefined;
    }
    if (!HEX.test(digest)) {
      this.malformed(`the digest of ${JSON.stringify(name.slice(0, 200))} is not hexadecimal; model_signing refuses the signature`, { name: name.slice(0, 200) });
      return undefined;
    }
    const bytes = Buffer.from(digest, 'hex');
    const expectedBytes = DIGEST_BYTES[algorithm];
    // Still part of the subject digest, but never an expected digest of a file.
    if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
      this.malformed(`the ${algorithm} digest of ${JSON.stringify(name.slice(0, 200))} is ${bytes.length} bytes, not ${expectedBytes}`, { name: name.slice(0, 200), algorithm });
    } else {
      this.place(name, algorithm, bytes.toString('hex'), method);
    }
    return bytes;
  }

  private place(name: string, algorithm: string, hex: string, method: 'files' | 'shards'): void {
    let fileName = name;
    let range: { start: number; end: number } | undefined;
    if (method === 'shards') {
      const parts = name.split(':');
      if (parts.length !== 3 || !DIGIT_RUN.test(parts[1]!) || !DIGIT_RUN.test(parts[2]!)) {
        this.malformed(`the shard name ${JSON.stringify(name.slice(0, 200))} is not path:start:end; model_signing refuses the signature`, { name: name.slice(0, 200) });
        return;
      }
      const start = Number(parts[1]);
      const end = Number(parts[2]);
      if (!Number.isSafeInteger(end) || start >= end) {
        this.malformed(`the shard ${JSON.stringify(name.slice(0, 200))} is not a non-empty byte range`, { name: name.slice(0, 200) });
        return;
      }
      fileName = parts[0]!;
      range = { start, end };
    }
    const read = readResourceName(fileName);
    if (read.kind === 'escape') {
      this.out.anomalies.push(anomaly(SIGNING_CODES.pathEscape, `the signing manifest names ${JSON.stringify(fileName.slice(0, 200))}, which ${read.reason}: a verifier would hash a file outside the model`, undefined, { name: fileName.slice(0, 200) }));
      return;
    }
    if (read.kind === 'bad') {
      this.malformed(`the resource name ${JSON.stringify(fileName.slice(0, 200))} ${read.reason}`, { name: fileName.slice(0, 200) });
      return;
    }
    if (algorithm !== 'sha256') {
      // Counted and reported once per algorithm: the digest cannot be compared with a SHA-256.
      this.unsupportedAlgorithms.set(algorithm, (this.unsupportedAlgorithms.get(algorithm) ?? 0) + 1);
      return;
    }
    const key = range ? `${read.path}:${range.start}:${range.end}` : read.path;
    if (this.byKey.has(key)) this.malformed(`${key} is listed twice in the signing manifest; model_signing keeps the last digest`, { name: key });
    this.byKey.set(key, range ? { path: read.path, ...range, sha256: hex } : { path: read.path, sha256: hex });
  }

  finish(): StatementReading {
    for (const [algorithm, count] of this.unsupportedAlgorithms) {
      this.out.anomalies.push(
        anomaly(SIGNING_CODES.unsupported, `${count} resource digest(s) use ${JSON.stringify(algorithm.slice(0, 40))}, which modelvet cannot compare with SHA-256: those files were not checked`, undefined, { algorithm: algorithm.slice(0, 40), count }),
      );
    }
    for (const entry of this.byKey.values()) {
      if ('start' in entry) this.out.shards.push(entry);
      else this.out.files.push(entry);
    }
    return this.out;
  }

  ignorePaths(raw: unknown): void {
    const listed: string[] = [];
    if (raw !== undefined) {
      if (!Array.isArray(raw) || !raw.every((p) => typeof p === 'string')) this.malformed('serialization.ignore_paths is not a list of strings');
      else listed.push(...(raw as string[]));
    }
    const paths = new Set<string>();
    for (const p of [...listed, ...ALWAYS_IGNORED, this.sigName]) {
      const read = readResourceName(p);
      if (read.kind === 'ok') paths.add(read.path);
      else if (read.kind === 'escape') this.out.anomalies.push(anomaly(SIGNING_CODES.pathEscape, `the signing manifest ignores ${JSON.stringify(p.slice(0, 200))}, which ${read.reason}`, undefined, { ignorePath: p.slice(0, 200) }));
      // `.` or `` joined to the folder is the folder: everything is ignored.
      else this.malformed(`the signing manifest ignores ${JSON.stringify(p.slice(0, 200))}, the whole model folder, so it vouches for no file`, { ignorePath: p.slice(0, 200) });
    }
    this.out.ignorePaths = [...paths].sort();
  }
}

function readV1(statement: Json, r: Reading): void {
  const out = r.out;
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1 || !isObject(subjects[0]) || !isObject(subjects[0].digest) || typeof subjects[0].digest.sha256 !== 'string') {
    r.malformed('the statement must have exactly one subject with a sha256 digest; model_signing refuses the signature');
  } else {
    out.subjectSha256 = subjects[0].digest.sha256;
    if (typeof subjects[0].name === 'string') out.modelName = subjects[0].name.slice(0, 500);
  }
  const predicate = statement.predicate;
  if (!isObject(predicate) || !isObject(predicate.serialization) || !Array.isArray(predicate.resources)) {
    r.malformed('the predicate has no serialization object or resources list; model_signing refuses the signature');
    return r.ignorePaths(undefined);
  }
  const s = predicate.serialization;
  const method = s.method;
  if (method !== 'files' && method !== 'shards') {
    out.anomalies.push(anomaly(SIGNING_CODES.unsupported, `the serialization method ${JSON.stringify(String(method).slice(0, 40))} is not one modelvet (or model_signing 1.x) knows; no digest was read`, undefined, { method: String(method).slice(0, 40) }));
    return r.ignorePaths(s.ignore_paths);
  }
  out.method = method;
  if (typeof s.hash_type === 'string') out.hashType = s.hash_type.slice(0, 40);
  else r.malformed('serialization.hash_type is missing; model_signing refuses the signature');
  if (typeof s.allow_symlinks !== 'boolean') r.malformed('serialization.allow_symlinks is missing or not a boolean; model_signing refuses the signature');
  if (method === 'shards') {
    if (typeof s.shard_size === 'number' && Number.isSafeInteger(s.shard_size) && s.shard_size > 0) out.shardSize = s.shard_size;
    else r.malformed('serialization.shard_size is missing or not a positive integer; model_signing refuses the signature');
  }
  r.ignorePaths(s.ignore_paths);
  const hasher = createHash('sha256');
  let complete = true;
  predicate.resources.forEach((res: unknown, i: number) => {
    out.resources++;
    const bytes = isObject(res) ? r.resource(res.name, res.algorithm, res.digest, method, i) : undefined;
    if (!isObject(res)) r.malformed(`resource ${i} of the signing manifest is not an object`, { index: i });
    if (bytes) hasher.update(bytes);
    else complete = false;
  });
  if (out.resources === 0) r.malformed('the signing manifest lists no file, so it vouches for nothing');
  const computed = hasher.digest('hex');
  // Exact text comparison, as the verifier does: an upper-case subject digest does not match either.
  if (complete && out.subjectSha256 !== undefined && out.subjectSha256 !== computed) {
    out.anomalies.push(
      anomaly(SIGNING_CODES.subjectMismatch, 'the subject digest is not the SHA-256 of the listed resource digests: the manifest was edited after it was made, and model_signing refuses it', undefined, {
        subject: out.subjectSha256.slice(0, 128),
        computed,
      }),
    );
  }
}

function readDigestsV01(statement: Json, r: Reading): void {
  r.out.method = 'files';
  r.out.hashType = 'sha256';
  r.ignorePaths(undefined);
  if (!Array.isArray(statement.subject)) return r.malformed('the statement has no subject list; model_signing refuses the signature');
  statement.subject.forEach((subject: unknown, i: number) => {
    r.out.resources++;
    const digest = isObject(subject) && isObject(subject.digest) ? subject.digest.sha256 : undefined;
    r.resource(isObject(subject) ? subject.name : undefined, 'sha256', digest, 'files', i);
  });
  if (r.out.resources === 0) r.malformed('the signing manifest lists no file, so it vouches for nothing');
}

/**
 * Reads a DSSE payload as model_signing does after the signature check; `sigName` is the
 * signature file's name (a verifier never hashes it).
 */
export function readStatement(payload: Uint8Array, sigName: string): StatementReading {
  const r = new Reading(sigName);
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    r.malformed('the DSSE payload is not UTF-8 JSON');
    return r.finish();
  }
  if (!isObject(statement)) {
    r.malformed('the DSSE payload is not a JSON object');
    return r.finish();
  }
  const predicateType = statement.predicateType;
  r.out.modelSigning = typeof predicateType === 'string' && predicateType.startsWith(MODEL_SIGNING_PREDICATE_PREFIX);
  if (typeof predicateType === 'string') r.out.predicateType = predicateType.slice(0, 200);
  if (statement._type !== IN_TOTO_STATEMENT_V1) r.malformed(`the payload is not an in-toto Statement v1 (_type ${JSON.stringify(String(statement._type).slice(0, 80))}); model_signing refuses it`);
  if (predicateType === PREDICATE_V1) readV1(statement, r);
  else if (predicateType === PREDICATE_DIGESTS_V01) readDigestsV01(statement, r);
  else {
    r.out.anomalies.push(anomaly(SIGNING_CODES.unsupported, `the predicate type ${JSON.stringify(String(predicateType).slice(0, 120))} is not a model-signing version modelvet reads; no digest was read`, undefined, { predicateType: String(predicateType).slice(0, 120) }));
    r.ignorePaths(undefined);
  }
  return r.finish();
}
