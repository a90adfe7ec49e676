import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'source/symlink-escape',
    description: 'A symbolic link leads out of the folder being scanned.',
    severity: 'critical',
    category: 'source',
    appliesTo: ['unknown'],
    docs: {
      description:
        'A loader that opens the model folder follows links, so a link to a file outside it makes the loader read (or a later save overwrite) whatever the link names. modelvet never follows such a link; it reports it. Hugging Face cache links from snapshots/ to blobs/ inside one models--org--name folder are the normal layout and are followed.',
      example: 'model/config.json -> /home/user/.ssh/id_rsa',
      fix: 'Replace the link with the file it should be, inside the model folder, or remove it.',
    },
  },
  (a) => a.code === 'source/symlink-escape',
);
