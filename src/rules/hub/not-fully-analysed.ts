import { anomalyRule } from '../anomaly-rule.js';
import { HUB_CODES } from './codes.js';

export default anomalyRule(
  {
    id: 'hub/not-fully-analysed',
    description: 'check stopped reading a remote file at the per-file fetch cap, so the rest of it was not analysed.',
    severity: 'high',
    category: 'hub',
    appliesTo: ['*'],
    docs: {
      description:
        'check reads remote files by ranges and caps how many bytes it fetches per file, so that judging a repo never means downloading it. When a parser needs bytes past the cap, the rest of the file is not analysed, and what was not analysed cannot be proven safe (fail closed): loading the file could do things the findings do not show.',
      example: 'a 5 GB pytorch_model.bin whose pickle continues past the fetch cap',
      fix: 'Check again with a higher per-file cap (`modelvet check --max-fetch-mb <MiB>`), or download the repo at the checked commit and run `modelvet scan` on the local copy.',
    },
  },
  (a) => a.code === HUB_CODES.notFullyAnalysed,
);
