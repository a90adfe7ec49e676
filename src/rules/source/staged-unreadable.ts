import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'source/staged-unreadable',
    description: 'A staged entry could not be read from the git index (a conflict, or git failed), so it was not checked.',
    severity: 'high',
    category: 'source',
    appliesTo: ['unknown'],
    docs: {
      description: '`scan --staged` checks what the commit will contain. An index entry it cannot read (an unresolved merge conflict, a blob git cannot produce) is unchecked content, reported instead of passed (fail closed).',
      example: 'model.pt: the index holds conflicting stages 2 and 3',
      fix: 'Resolve the conflict (git add the resolved file) and run the hook again.',
    },
  },
  (a) => a.code === 'source/staged-unreadable',
);
