import { isUnreadableSigning } from '../../integrity/model-signing/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'integrity/signing-malformed',
    description: 'An OpenSSF model-signing signature cannot be read faithfully: not a model-signing bundle, a field model_signing requires is missing, an unsupported digest algorithm or predicate, or over the size limit.',
    severity: 'high',
    category: 'integrity',
    appliesTo: ['model-signature'],
    docs: {
      description:
        'A signature that cannot be read vouches for nothing, and the files it was meant to cover go unchecked. modelvet reads model.sig as model_signing (sigstore model-transparency) does and reports what it could not read instead of passing it (fail closed). Digests in an algorithm other than SHA-256 (blake2b, blake3) are reported here too: those files are not compared.',
      example: 'a model.sig that is not JSON; a statement with no serialization.allow_symlinks; resources hashed with blake3',
      fix: 'Ask the publisher for a signature made by model_signing ≥ 1.0 with the default SHA-256 hashing, and verify it with `modelvet verify`.',
      url: 'https://github.com/sigstore/model-transparency',
    },
  },
  (a) => isUnreadableSigning(a.code),
);
