import { anomalyRule } from '../anomaly-rule.js';
import { ARCHIVE_RULE_CODES } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'archive/path-traversal',
    description: 'An archive member is named so that extracting it writes outside the target folder.',
    severity: 'critical',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description:
        'Model hubs and loaders extract archives: keras.utils.get_file (CVE-2025-12060), onnx.hub (CVE-2024-5187), plain tarfile.extractall and unzip. A member named `../x`, `/etc/x`, `C:\\x` or with `..\\` climbs out of the extraction folder and overwrites files such as ~/.bashrc or a Python module that runs on next start. No legitimate model archive needs such a name.',
      example: 'model.tar.gz containing ../../.bashrc; a zip member named /tmp/evil.txt',
      fix: 'Do not extract the archive. Obtain the model from its publisher again; if you must extract, use a filter that refuses escaping names (tarfile `filter="data"`).',
    },
  },
  (a) => ARCHIVE_RULE_CODES['archive/path-traversal'].has(a.code),
);
