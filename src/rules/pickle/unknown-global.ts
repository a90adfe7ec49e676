import type { Rule } from '../types.js';
import { classifiedGlobals, qualified } from './globals.js';

const rule: Rule = {
  meta: {
    id: 'pickle/unknown-global',
    description: 'Loading the pickle imports or calls something outside the known-safe set.',
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'modelvet allows a pickle global only when a curated allowlist says it is what real checkpoints use (tensor and storage rebuilding, OrderedDict, numpy arrays, common torch.nn and scikit-learn classes). Anything else may run arbitrary code when imported or called, so it is reported even when it is on no denylist.',
      example: "a pickle that calls builtins.print, or imports mypackage.CustomLayer",
      fix: 'If you trust the class and its module, add it to `pickle.allowGlobals` in modelvet.config.yaml; better, re-save the weights as safetensors.',
    },
  },
  *check(context) {
    for (const use of classifiedGlobals(context)) {
      if (use.verdict.verdict !== 'unknown') continue;
      const named = qualified(use.module, use.name);
      const how = use.called ? 'calls' : 'imports';
      yield {
        message: `loading ${how} ${named}, which is not on the allowlist of known-safe globals`,
        location: { offset: use.offset },
        evidence: { module: use.module, name: use.name, resolvedAs: use.verdict.resolvedAs, called: use.called, via: use.vias, count: use.count },
      };
    }
  },
};
export default rule;
