import { anomalyRule } from '../anomaly-rule.js';
import { ARCHIVE_RULE_CODES } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'archive/special-member',
    description: 'An archive member is a device node or a FIFO.',
    severity: 'high',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description: 'Extracting as root creates the device (raw access to a disk or memory); a FIFO makes a reader of that path block forever. A model archive has no use for either.',
      example: 'a tar member `data/0` that is a character device (major 1, minor 1: /dev/mem)',
      fix: 'Do not extract the archive; obtain it again from its publisher, or extract with tarfile `filter="data"`.',
    },
  },
  (a) => ARCHIVE_RULE_CODES['archive/special-member'].has(a.code),
);
