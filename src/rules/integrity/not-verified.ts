import { anomalyRule } from '../anomaly-rule.js';
import { INTEGRITY_CODES } from '../../integrity/codes.js';

export default anomalyRule(
  {
    id: 'integrity/not-verified',
    description: 'A locked Hugging Face model has no copy in the local cache, so `verify` could not check it.',
    severity: 'info',
    category: 'integrity',
    appliesTo: ['unknown'],
    docs: {
      description:
        '`modelvet verify` checks Hub entries of the lockfile against the cache snapshot of the locked commit (HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub). When the commit, or some of its files, were never downloaded there is nothing local to check; that is not a failure, but it is not a pass either.',
      example: 'modelvet.lock.json locks org/model@3c5d…, and the cache has no snapshots/3c5d… folder',
      fix: 'Download the model at the locked commit (`huggingface-cli download org/model --revision <commit>`), or point --hf-cache at the cache that holds it, and verify again.',
    },
  },
  (a) => a.code === INTEGRITY_CODES.notInCache,
);
