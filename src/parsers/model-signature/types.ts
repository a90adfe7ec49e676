import type { ArtifactBase } from '../../types.js';

/** An OpenSSF model-signing bundle (sigstore model-transparency `model.sig`) met in a scan. */
export interface ModelSignatureArtifact extends ArtifactBase {
  format: 'model-signature';
  signature: {
    status: 'verified' | 'unverified' | 'invalid';
    method: 'public-key' | 'certificate' | 'unknown';
    /** Why it has that status, one sentence. */
    detail: string;
    /** Certificate identity (SAN) and issuer, when the bundle carries a certificate. */
    signer?: string;
    issuer?: string;
    /** Files the manifest covers (posix, relative to the model folder). */
    files: number;
  };
  /** What the signed statement lists; absent when the bundle could not be read that far. */
  manifest?: {
    predicateType?: string;
    /** The subject name: the signed folder's name, informative only. */
    modelName?: string;
    method?: 'files' | 'shards';
    hashType?: string;
    shardSize?: number;
    /** SHA-256 over the listed resource digests: names the whole signed model. */
    subjectSha256?: string;
    /** Files signed whole with SHA-256 (method `files`). */
    files: Array<{ path: string; sha256: string }>;
    /** Signed byte ranges (method `shards`). */
    shards: number;
    /** Paths the signer excluded (with the ones every verifier ignores). */
    ignorePaths: string[];
  };
}
