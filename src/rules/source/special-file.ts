import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'source/special-file',
    description: 'A named pipe, socket or device sits among the files; it was not read.',
    severity: 'low',
    category: 'source',
    appliesTo: ['unknown'],
    docs: {
      description: 'Reading a pipe or device can block forever or return different bytes each time, so modelvet does not open one. A model folder has no reason to hold one.',
      example: 'model/weights.bin is a named pipe (mkfifo)',
      fix: 'Remove it from the model folder.',
    },
  },
  (a) => a.code === 'source/special-file',
);
