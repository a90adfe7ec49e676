import type { Artifact } from '../../types.js';
import type { PickleAnalysis, PickleImport } from '../../parsers/pickle/types.js';
import { classifyGlobal, type GlobalVerdict } from '../../policy/index.js';
import type { RuleContext } from '../types.js';

/** Artifacts that carry a pickle analysis: plain pickles and legacy torch files. */
export function pickleOf(artifact: Artifact): PickleAnalysis | undefined {
  return 'pickle' in artifact ? artifact.pickle : undefined;
}

export interface GlobalUse {
  module: string;
  name: string;
  verdict: GlobalVerdict;
  /** First place it was named. */
  offset: number;
  count: number;
  vias: string[];
  /** Whether the pickle also invokes it (REDUCE, OBJ, …), not only names it. */
  called: boolean;
}

/** TorchScript's own unpickler resolves `__torch__.*` in the archive's compilation unit, not by import. */
function policyContext(context: RuleContext): 'pickle' | 'torchscript' {
  return [...context.ancestors, context.artifact].some((a) => a.format === 'torchscript') ? 'torchscript' : 'pickle';
}

// dangerous-global and unknown-global both read the same classification: compute it once per artifact.
const cache = new WeakMap<Artifact, { settings: RuleContext['settings']; uses: GlobalUse[] }>();

/** Every distinct global a pickle names, classified once, in order of first appearance. */
export function classifiedGlobals(context: RuleContext): GlobalUse[] {
  const cached = cache.get(context.artifact);
  if (cached && cached.settings === context.settings) return cached.uses;
  const uses = classify(context);
  cache.set(context.artifact, { settings: context.settings, uses });
  return uses;
}

function classify(context: RuleContext): GlobalUse[] {
  const analysis = pickleOf(context.artifact);
  if (!analysis) return [];
  const opts = { extraAllowed: context.settings.allowedGlobals, context: policyContext(context) };
  const called = new Set(analysis.calls.flatMap((c) => (c.target.kind === 'global' ? [`${c.target.module}\u0000${c.target.name}`] : [])));
  const uses = new Map<string, GlobalUse>();
  for (const imp of analysis.imports as PickleImport[]) {
    const key = `${imp.module}\u0000${imp.name}`;
    const seen = uses.get(key);
    if (seen) {
      seen.count++;
      if (!seen.vias.includes(imp.via)) seen.vias.push(imp.via);
      continue;
    }
    uses.set(key, { module: imp.module, name: imp.name, verdict: classifyGlobal(imp.module, imp.name, opts), offset: imp.offset, count: 1, vias: [imp.via], called: called.has(key) });
  }
  return [...uses.values()];
}

export const qualified = (module: string, name: string): string => `${module}.${name}`;
