import { anomalyRule } from '../anomaly-rule.js';
import { ARCHIVE_RULE_CODES } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'archive/decompression-bomb',
    description: 'A compressed stream expands past the compression-ratio limit: a decompression bomb.',
    severity: 'high',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description:
        'A few hundred kilobytes of gzip, bzip2 or xz can expand to gigabytes; loading or extracting it fills memory or disk. modelvet stops at maxCompressionRatio and analyses only what came before, so the rest is unchecked as well.',
      example: 'model.pkl.gz of 200 KB that inflates to 200 MB of zeros',
      fix: 'Do not load or extract the file. If it is legitimate (a huge sparse tensor), raise maxCompressionRatio for this path and scan again.',
    },
  },
  (a) => ARCHIVE_RULE_CODES['archive/decompression-bomb'].has(a.code),
);
