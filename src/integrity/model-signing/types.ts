import type { ModelSignatureArtifact } from '../../parsers/model-signature/types.js';
import type { Anomaly } from '../../types.js';

/** What `modelvet verify` may be told about who is trusted to have signed the model. */
export interface SigningOptions {
  /** PEM (or DER) public key of a key-signed bundle (`--public-key`). */
  publicKeyPath?: string;
  /** Sigstore `trusted_root.json`, or a PEM bundle of CA certificates for a private PKI (`--trusted-root`). */
  trustedRootPath?: string;
  /** Exact certificate identity (SAN: an e-mail or URI) the signer must have (`--identity`). */
  identity?: string;
  /** Exact OIDC issuer recorded in the signing certificate (`--issuer`). */
  issuer?: string;
}

export type SignatureCheck = ModelSignatureArtifact['signature'];

/** A file the signature covers whole (serialization method `files`). */
export interface SignedFile {
  /** Posix, relative to the model root. */
  path: string;
  sha256: string;
}

/** A byte range `[start, end)` of a file the signature covers (serialization method `shards`). */
export interface SignedShard {
  path: string;
  start: number;
  end: number;
  sha256: string;
}

export interface SigningManifest {
  /** The signature file read. */
  path: string;
  /** Absolute folder the resource names are relative to (the signature file's folder). */
  modelRoot: string;
  files: SignedFile[];
  shards: SignedShard[];
  /** Paths (posix, relative to the root) the signer excluded; a folder excludes everything under it. */
  ignorePaths: string[];
  signature: SignatureCheck;
  anomalies: Anomaly[];
}

/** One range of one file compared with the signed digest (`expected` null: bytes no shard covers). */
export interface ShardCheck {
  path: string;
  start: number;
  end: number;
  ok: boolean;
  expected: string | null;
  /** SHA-256 of the bytes found; null when they could not be read. */
  actual: string | null;
  problem?: 'missing' | 'not-a-file' | 'outside-root' | 'short' | 'uncovered';
}
