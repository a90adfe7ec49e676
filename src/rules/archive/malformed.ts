import { anomalyRule } from '../anomaly-rule.js';
import { isMalformedArchive } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'archive/malformed',
    description: 'A tar archive or compressed stream is truncated, corrupt, or carries data no reader shows.',
    severity: 'high',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description:
        'A corrupt or cut-short stream still feeds the loader what decompressed before the error, and bytes after the end of a stream or archive are invisible to loaders but not to other tools. What cannot be read faithfully cannot be proven safe: fail closed.',
      example: 'a .joblib whose bz2 stream fails its CRC; a tar with data after its end-of-archive marker',
      fix: 'Download the file again from a pinned revision and check its SHA-256; do not load a damaged file.',
    },
  },
  (a) => isMalformedArchive(a.code),
);
