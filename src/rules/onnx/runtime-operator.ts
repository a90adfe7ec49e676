import type { OnnxArtifact } from '../../parsers/onnx/types.js';
import type { Rule } from '../types.js';
import { onnxDomains } from './domains.js';
import { nonStandardDomains, opList } from './operators.js';

const rule: Rule = {
  meta: {
    id: 'onnx/runtime-operator',
    description: 'The model uses operators built into one runtime (onnxruntime contrib ops), not standard ONNX.',
    severity: 'info',
    category: 'onnx',
    appliesTo: ['onnx'],
    docs: {
      description:
        "Domains like com.microsoft hold operators compiled into onnxruntime itself (fused attention, quantised MatMul, layout ops its optimiser writes). They run no code from outside the runtime, so they are not custom code, but the model only loads in that runtime (and version). The list of such domains is data: policy/onnx-domains.json.",
      example: "a FusedMatMul node in domain 'com.microsoft', written by onnxruntime's graph optimiser",
      fix: 'Nothing to fix if you deploy on that runtime; re-export with standard operators for portability.',
    },
  },
  *check({ artifact }) {
    const policy = onnxDomains();
    for (const use of nonStandardDomains(artifact as OnnxArtifact)) {
      if (use.kind !== 'runtime') continue;
      const runtime = policy.runtime.get(use.domain)!.runtime;
      yield {
        message: `the model needs ${runtime} for its '${use.domain}' operators (${opList(use)}); other runtimes refuse to load it`,
        evidence: { domain: use.domain, runtime, ops: use.ops, nodes: use.nodes },
      };
    }
  },
};
export default rule;
