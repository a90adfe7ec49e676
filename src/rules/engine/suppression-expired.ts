import type { Rule } from '../types.js';

// Emitted by the engine when a suppression's `until` date has passed.
const rule: Rule = {
  meta: {
    id: 'config/suppression-expired',
    description: 'A suppression in the config has passed its `until` date and no longer applies.',
    severity: 'low',
    category: 'config',
    appliesTo: ['*'],
    docs: {
      description: 'Suppressions carry a reason and may carry an expiry date. After that day the findings they covered are reported again, and this finding says which suppression lapsed.',
      example: 'suppressions: [{ rule: pickle/unknown-global, path: legacy/*.pkl, reason: "vendor model, review pending", until: 2026-01-31 }]',
      fix: 'Re-check the findings it covered, then remove the suppression or renew its date.',
    },
  },
  *check() {},
};
export default rule;
