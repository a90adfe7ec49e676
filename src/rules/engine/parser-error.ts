import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'engine/parser-error',
    description: 'A parser failed on the file, so it was not analysed.',
    severity: 'high',
    category: 'engine',
    appliesTo: ['unknown'],
    docs: {
      description: 'Parsers turn hostile bytes into anomalies; an exception that escapes one is a modelvet bug. The file is reported as unchecked (fail closed) and the scan goes on.',
      example: 'model.pt: the parser failed: offset out of range',
      fix: 'Report the bug with the file (or a description of it); until it is fixed, treat the file as unchecked.',
    },
  },
  (a) => a.code === 'engine/parser-error',
);
