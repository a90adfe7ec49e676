import { anomalyRule } from '../anomaly-rule.js';
import { isMalformedContainer } from './codes.js';

export default anomalyRule(
  {
    id: 'zip/malformed',
    description: 'The archive is truncated, malformed, encrypted, over a limit or uses a feature that cannot be analysed faithfully.',
    severity: 'high',
    category: 'zip',
    appliesTo: ['*'],
    docs: {
      description: 'What cannot be read faithfully cannot be proven safe. modelvet reports the archive instead of skipping the parts it could not open (fail closed).',
      example: 'a checkpoint cut off in the middle of its central directory; a member compressed with an unsupported method',
      fix: 'Download the file again from a pinned revision and check its SHA-256; do not load a damaged checkpoint.',
    },
  },
  (a) => isMalformedContainer(a.code),
);
