import type { Rule } from '../types.js';

// Emitted by the engine, not by check(): registered so it has documentation and SARIF metadata.
const rule: Rule = {
  meta: {
    id: 'engine/rule-error',
    description: 'A rule failed on an artifact, so that artifact was not fully checked.',
    severity: 'high',
    category: 'engine',
    appliesTo: ['*'],
    docs: {
      description: 'A rule threw an error. The scan goes on, but the artifact is reported because a check did not complete (fail closed).',
      example: 'rule my-plugin/foo failed on model.pt: cannot read properties of undefined',
      fix: 'Report the bug to the rule author; meanwhile treat the artifact as unchecked.',
    },
  },
  *check() {},
};
export default rule;
