import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'source/unreadable',
    description: 'A file could not be read, so it was not checked.',
    severity: 'high',
    category: 'source',
    appliesTo: ['unknown'],
    docs: {
      description: 'What cannot be read cannot be proven safe: modelvet fails closed and reports it.',
      example: 'model.bin: EACCES',
      fix: 'Give the scanning user read access, or exclude the file with `ignore` in the config if it is not part of the model.',
    },
  },
  (a) => a.code === 'source/unreadable',
);
