import { anomalyRule } from '../anomaly-rule.js';
import { INTEGRITY_CODES } from '../../integrity/codes.js';

export default anomalyRule(
  {
    id: 'integrity/cache-incomplete',
    description: 'A Hugging Face cache blob is a partial download (.incomplete).',
    severity: 'info',
    category: 'integrity',
    appliesTo: ['unknown'],
    docs: {
      description:
        'huggingface_hub downloads into blobs/<hash>.incomplete and renames the file when it is complete. One left behind is a download in progress or one that was interrupted; no snapshot links to it, so nothing loads it, but it is not verified either.',
      example: 'blobs/9f86d081….incomplete',
      fix: 'Let the download finish, or delete the .incomplete file.',
    },
  },
  (a) => a.code === INTEGRITY_CODES.cacheIncomplete,
);
