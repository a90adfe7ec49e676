import { SIGNING_CODES } from '../../integrity/model-signing/codes.js';
import type { ModelSignatureArtifact } from '../../parsers/model-signature/types.js';
import type { Rule } from '../types.js';

function howToVerify(signature: ModelSignatureArtifact['signature']): string {
  if (signature.method === 'public-key') return "Run `modelvet verify <model folder> --public-key <the signer's public key PEM>`.";
  const who = signature.signer ? `--identity ${signature.signer}` : '--identity <signer>';
  const issuer = signature.issuer ? `--issuer ${signature.issuer}` : '--issuer <OIDC issuer>';
  return `Run \`modelvet verify <model folder> --trusted-root <trusted_root.json> ${who} ${issuer}\` after checking that this is the signer you expect.`;
}

const rule: Rule = {
  meta: {
    id: 'integrity/signature-unverified',
    description: 'An OpenSSF model-signing signature was read and its digests are usable, but the signature itself was not verified.',
    severity: 'info',
    category: 'integrity',
    appliesTo: ['model-signature'],
    docs: {
      description:
        "A scan has no key and no trusted root, so it reads the signed per-file digests and checks the manifest against itself, but cannot tell who signed it: anyone can write a model.sig. `modelvet verify` checks the signature with the signer's public key, or against a sigstore trusted root with the expected identity and OIDC issuer.",
      example: 'model.sig signed with a private key, scanned without --public-key',
      fix: 'Run `modelvet verify <model folder> --public-key KEY.pem`, or `--trusted-root trusted_root.json --identity SIGNER --issuer ISSUER` for certificate and keyless signatures.',
      url: 'https://github.com/sigstore/model-transparency',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'model-signature' || artifact.signature.status !== 'unverified') return;
    // A signature that could not be read is the malformed rule's; it has no usable digests.
    if (artifact.anomalies.some((a) => a.code === SIGNING_CODES.malformed || a.code === SIGNING_CODES.limit)) return;
    const { signature } = artifact;
    yield {
      message: `the signature over ${signature.files} file(s) was not verified: ${signature.detail}`,
      evidence: { method: signature.method, files: signature.files, ...(signature.signer ? { signer: signature.signer } : {}), ...(signature.issuer ? { issuer: signature.issuer } : {}) },
      fix: howToVerify(signature),
    };
  },
};
export default rule;
