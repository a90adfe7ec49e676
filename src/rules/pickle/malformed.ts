import { anomalyRule, pickleAnomalies } from '../anomaly-rule.js';
import { BUDGET_CODES, GLOBAL_MUTATION_CODES } from './anomaly-codes.js';

export default anomalyRule(
  {
    id: 'pickle/malformed',
    description: 'The pickle stream is truncated, broken, framed ambiguously or carries extra bytes, so loaders and scanners may read it differently.',
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'The unpickler executes opcodes as it reads them: a payload before a parse error runs before the error is raised ("nullifAI" broken pickles). Bytes after STOP, several pickles in one file, FRAME lengths that a buffered and a linear reader interpret differently, and invalid opcodes are all ways to make a scanner stop early. modelvet keeps every finding made before the break, searches the rest for callables, and reports the break itself.',
      example: 'GLOBAL os getcwd, EMPTY_TUPLE, REDUCE, then 300 bytes of junk with no STOP',
      fix: 'Do not load the file; a healthy checkpoint parses cleanly from PROTO to STOP.',
    },
  },
  (a) => !BUDGET_CODES.has(a.code) && !GLOBAL_MUTATION_CODES.has(a.code),
  pickleAnomalies,
);
