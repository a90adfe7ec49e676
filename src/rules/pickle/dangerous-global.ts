import type { Rule } from '../types.js';
import { classifiedGlobals, qualified } from './globals.js';

const rule: Rule = {
  meta: {
    id: 'pickle/dangerous-global',
    description: 'Loading the pickle imports or calls a known code-execution, file or network callable.',
    severity: 'critical',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'Unpickling looks up every global the pickle names and calls what it is told to. A name on the denylist (os.system, builtins.eval, runpy._run_code, pkgutil.resolve_name, functools.partial, …, and every submodule of a denied module) means loading the file runs code or touches files or the network. Dotted names are followed component by component, so pathlib + os.system is os.system.',
      example: "torch.load('model.pt') on a checkpoint whose data.pkl holds GLOBAL 'posix system' + REDUCE",
      fix: 'Do not load this file. Get the weights as safetensors from a trusted publisher, or load with torch.load(..., weights_only=True) after verifying the source.',
      url: 'https://docs.python.org/3/library/pickle.html#restricting-globals',
    },
  },
  *check(context) {
    for (const use of classifiedGlobals(context)) {
      if (use.verdict.verdict !== 'denied') continue;
      const named = qualified(use.module, use.name);
      const target = use.verdict.resolvedAs;
      const how = use.called ? 'calls' : 'imports';
      const through = target !== named ? ` (reached through ${named})` : '';
      yield {
        message: `loading ${how} ${target}${through}: ${use.verdict.reason}`,
        location: { offset: use.offset },
        evidence: { module: use.module, name: use.name, resolvedAs: target, called: use.called, via: use.vias, count: use.count, matched: use.verdict.matched, source: use.verdict.source },
      };
    }
  },
};
export default rule;
