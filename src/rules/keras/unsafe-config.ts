import type { Rule } from '../types.js';
import { FILE_READ_CODES, UNSAFE_CONFIG_CODES } from '../../parsers/keras/codes.js';

/**
 * The known Keras deserialization gadgets. Running code, reaching the network or loading another
 * model is critical; reading a local file the config names (a vocabulary path, an HDF5 external
 * link) is high.
 */
const rule: Rule = {
  meta: {
    id: 'keras/unsafe-config',
    description: 'The Keras config uses a deserialization gadget that runs code, loads external models or reaches files or the network when the model loads.',
    severity: 'critical',
    category: 'keras',
    appliesTo: ['*'],
    docs: {
      description:
        'Patterns from Keras advisories, found wherever they sit in the config: a `function` object from a module outside Keras (os.getcwd, builtins.print, subprocess.*), which keras < 3.9 imports and the model graph calls with arguments even in safe_mode (CVE-2025-1550); keras.config.enable_unsafe_deserialization, which switches safe_mode off mid-load (CVE-2025-9906); keras.utils.get_file and other non-modeling APIs (CVE-2025-8747 download gadget, CVE-2025-12060 extraction traversal); TFSMLayer, which loads an external SavedModel (CVE-2026-1462); TorchModuleWrapper, which torch.load()s a pickled module stored in the config (CVE-2025-49655; the pickle is analysed too); tf.keras op layers naming file or Python ops. A StringLookup / IntegerLookup / TextVectorization vocabulary (or a tokenizer file) given as a path or URL reads that file at load (CVE-2025-12058), and an HDF5 external link makes h5py open another file: these are high.',
      example: '{"module": "keras.utils", "class_name": "function", "config": "get_file", …} with origin http://attacker/x in the layer list',
      fix: 'Do not load this model. Upgrade keras (>= 3.12.1 / 3.13.2) and keep safe_mode=True, which refuse most of these; get the model from a trusted publisher, or rebuild it in code and load only the weights.',
      url: 'https://github.com/keras-team/keras/security/advisories',
    },
  },
  *check({ artifact }) {
    for (const a of artifact.anomalies) {
      if (!UNSAFE_CONFIG_CODES.has(a.code)) continue;
      yield {
        message: a.message,
        ...(FILE_READ_CODES.has(a.code) ? { severity: 'high' as const } : {}),
        ...(a.offset !== undefined ? { location: { offset: a.offset } } : {}),
        evidence: { code: a.code, ...(a.detail ?? {}) },
      };
    }
  },
};
export default rule;
