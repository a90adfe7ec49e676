/** Constants of the OpenSSF model-signing format (see the notes at the top of payload.ts). */

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

/** model_signing ≥ 1.0: one subject (a digest over all resources) and the resources in the predicate. */
export const PREDICATE_V1 = 'https://model_signing/signature/v1.0';
/** model_signing 0.2: one subject per file, still accepted by current verifiers. */
export const PREDICATE_DIGESTS_V01 = 'https://model_signing/Digests/v0.1';
export const MODEL_SIGNING_PREDICATE_PREFIX = 'https://model_signing/';

/** Media type model_signing writes; the verifier of key- and certificate-signed bundles requires it. */
export const BUNDLE_MEDIA_TYPE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** Paths model_signing's verifier ignores whatever the manifest says (hashing.Config's git paths). */
export const ALWAYS_IGNORED = ['.git', '.gitattributes', '.github', '.gitignore'] as const;
