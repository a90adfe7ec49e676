import { anomalyRule } from '../anomaly-rule.js';
import { CACHE_INCONSISTENT_CODES } from '../../integrity/codes.js';

export default anomalyRule(
  {
    id: 'integrity/cache-inconsistent',
    description: 'The Hugging Face cache layout is broken: a snapshot link to a missing blob or out of the cache, a ref that names no snapshot, a name that is not a digest.',
    severity: 'high',
    category: 'integrity',
    appliesTo: ['unknown'],
    docs: {
      description:
        'huggingface_hub keeps each file once, in blobs/ under its SHA-256 (or git blob id), and snapshots/<commit>/ links to it. A link that leads nowhere, or outside the repository\'s blobs, or a blob whose name is not a digest, means the cache was edited by hand or by something else: the file a loader opens is not one the cache can vouch for. A ref (refs/main) that is not a commit, or names a commit with no snapshot, makes `from_pretrained` resolve to something unexpected.',
      example: 'snapshots/3c5d…/model.safetensors -> ../../blobs/9f86… where blobs/9f86… does not exist',
      fix: 'Delete the repository folder from the cache (`huggingface-cli delete-cache`, or remove models--org--name) and download it again at a pinned revision.',
    },
  },
  (a) => CACHE_INCONSISTENT_CODES.has(a.code),
);
