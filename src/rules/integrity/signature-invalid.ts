import { isContradictorySigning } from '../../integrity/model-signing/codes.js';
import type { Rule } from '../types.js';

const FIX = 'Do not load the model: download it and its signature again from the publisher, then run `modelvet verify` with the signer\'s public key (--public-key) or the sigstore trusted root and identity (--trusted-root, --identity, --issuer).';

const rule: Rule = {
  meta: {
    id: 'integrity/signature-invalid',
    description: 'An OpenSSF model-signing signature does not verify, its statement contradicts itself, or it names a path outside the model folder.',
    severity: 'critical',
    category: 'integrity',
    appliesTo: ['model-signature'],
    docs: {
      description:
        "The signature is the publisher's statement of which bytes make up the model. When it does not verify (another key signed it, or the payload was edited after signing), when the subject digest is not the digest of the listed files (the manifest was edited), or when a listed path is absolute or climbs out with `..` (a verifier would hash, and a loader might read, a file outside the model), the files cannot be trusted to be the ones published.",
      example: 'model.sig whose DSSE payload had a file digest replaced after signing; a resource named ../../etc/passwd',
      fix: FIX,
      url: 'https://github.com/sigstore/model-transparency',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'model-signature') return;
    const { signature } = artifact;
    if (signature.status === 'invalid') {
      yield {
        message: `the model signature is invalid: ${signature.detail}`,
        evidence: { method: signature.method, ...(signature.signer ? { signer: signature.signer } : {}), ...(signature.issuer ? { issuer: signature.issuer } : {}) },
        fix: FIX,
      };
    }
    for (const a of artifact.anomalies) {
      if (isContradictorySigning(a.code)) yield { message: a.message, evidence: { code: a.code, ...(a.detail ?? {}) }, fix: FIX };
    }
  },
};
export default rule;
