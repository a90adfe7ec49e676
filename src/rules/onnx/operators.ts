import type { OnnxArtifact } from '../../parsers/onnx/types.js';
import { onnxDomains } from './domains.js';

export interface DomainUse {
  domain: string;
  /** `runtime`: built into a known runtime (onnxruntime); `custom`: needs a custom-op library. */
  kind: 'runtime' | 'custom';
  ops: Array<{ opType: string; count: number }>;
  nodes: number;
}

/**
 * Operators outside the standard ONNX domains, grouped by domain. A node that names a function
 * the model defines itself (ModelProto.functions) runs that function's body, which the same walk
 * already covers: it is not a kernel and is not listed.
 */
export function nonStandardDomains(artifact: OnnxArtifact): DomainUse[] {
  const policy = onnxDomains();
  const local = new Set(artifact.onnx.functions.map((f) => `${f.domain}\u0000${f.name}`));
  const byDomain = new Map<string, DomainUse>();
  for (const op of artifact.onnx.operators) {
    if (policy.standard.has(op.domain) || local.has(`${op.domain}\u0000${op.opType}`)) continue;
    const use = byDomain.get(op.domain) ?? { domain: op.domain, kind: policy.runtime.has(op.domain) ? 'runtime' : 'custom', ops: [], nodes: 0 };
    use.ops.push({ opType: op.opType, count: op.count });
    use.nodes += op.count;
    byDomain.set(op.domain, use);
  }
  return [...byDomain.values()];
}

const SHOWN = 8;

export function opList(use: DomainUse): string {
  const names = use.ops.slice(0, SHOWN).map((o) => o.opType);
  return use.ops.length > SHOWN ? `${names.join(', ')} and ${use.ops.length - SHOWN} more` : names.join(', ');
}
