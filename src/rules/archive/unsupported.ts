import { anomalyRule } from '../anomaly-rule.js';
import { ARCHIVE_RULE_CODES } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'archive/unsupported',
    description: 'An archive or compression format (or feature) modelvet cannot open, so its content was not checked.',
    severity: 'high',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description:
        'A container nobody checked is where a payload hides: the nullifAI models put a pickle in a 7z archive that scanners skipped. modelvet reports what it cannot open (encrypted 7z archives and 7z coder chains such as BCJ or PPMd, exotic xz filters, LZ4 dictionaries, sparse tar members, zip methods other than stored and deflate) instead of passing it.',
      example: 'a password-protected model.7z; an xz stream using the BCJ filter',
      fix: 'Re-pack the model as a plain tar, zip or gzip file (better: safetensors) and scan again.',
    },
  },
  (a) => ARCHIVE_RULE_CODES['archive/unsupported'].has(a.code),
);
