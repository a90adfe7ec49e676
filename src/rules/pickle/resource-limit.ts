import { anomalyRule, pickleAnomalies } from '../anomaly-rule.js';
import { BUDGET_CODES } from './anomaly-codes.js';

export default anomalyRule(
  {
    id: 'pickle/resource-limit',
    description: 'Analysis stopped at a resource limit (opcodes, memo, stack, nesting), so the rest of the pickle is unchecked.',
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'Budgets keep a hostile pickle from exhausting the scanner (memo and DUP bombs, millions of opcodes). What lies past the limit was not analysed, so the file fails closed.',
      example: 'a pickle with 20 million opcodes',
      fix: 'Do not load the file unless you can analyse it another way; real checkpoints stay far below the limits.',
    },
  },
  (a) => BUDGET_CODES.has(a.code),
  pickleAnomalies,
);
