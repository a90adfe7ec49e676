import type { Rule } from '../types.js';
import { pickleOf } from './globals.js';

const rule: Rule = {
  meta: {
    id: 'pickle/unresolved-callable',
    description: 'The pickle names or calls something whose identity cannot be established without running it.',
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'A callable built at load time (STACK_GLOBAL fed by a memo slot that was never stored, by the result of another call, by a non-string; an EXT code nobody registered; a call on a computed object) hides what will run. Scanners that skip such operands have been bypassed repeatedly; modelvet reports them.',
      example: 'BINGET 7 (never stored) + SHORT_BINUNICODE "system" + STACK_GLOBAL',
      fix: 'Do not load the file. A benign checkpoint never needs computed callables.',
    },
  },
  *check({ artifact }) {
    const analysis = pickleOf(artifact);
    if (!analysis) return;
    const seen = new Set<number>();
    for (const u of analysis.unresolved) {
      if (seen.has(u.offset)) continue;
      seen.add(u.offset);
      yield { message: `loading reaches a callable that cannot be resolved statically (${u.via}): ${u.reason}`, location: { offset: u.offset }, evidence: { via: u.via, reason: u.reason } };
    }
    for (const call of analysis.calls) {
      // Persistent ids go to the loader's own persistent_load (torch's storage rebuilding), not to an import.
      if (call.target.kind !== 'unresolved' || call.via === 'PERSID' || call.via === 'BINPERSID' || seen.has(call.offset)) continue;
      seen.add(call.offset);
      yield {
        message: `loading calls a target that cannot be resolved statically (${call.via}): ${call.target.reason}`,
        location: { offset: call.offset },
        evidence: { via: call.via, reason: call.target.reason, ...(call.argsPreview ? { args: call.argsPreview } : {}) },
      };
    }
  },
};
export default rule;
