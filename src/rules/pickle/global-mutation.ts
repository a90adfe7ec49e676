import { anomalyRule, pickleAnomalies } from '../anomaly-rule.js';
import { GLOBAL_MUTATION_CODES } from './anomaly-codes.js';

export default anomalyRule(
  {
    id: 'pickle/global-mutation',
    description: 'The pickle sets state on a global object (a function, class or module) instead of on an instance it built.',
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'BUILD applied to a global sets attributes on a shared object for the rest of the process, e.g. numpy.prod.a = "os", which later opcodes read back to assemble a callable name no scanner saw as a literal.',
      example: "GLOBAL numpy prod, {'a': 'os'}, BUILD",
      fix: 'Do not load the file. Benign checkpoints only BUILD objects they created.',
    },
  },
  (a) => GLOBAL_MUTATION_CODES.has(a.code),
  pickleAnomalies,
);
