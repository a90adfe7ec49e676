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
}
