import type { OnnxArtifact } from '../../parsers/onnx/types.js';
import type { Rule } from '../types.js';
import { nonStandardDomains, opList } from './operators.js';

const rule: Rule = {
  meta: {
    id: 'onnx/custom-operator',
    description: 'The model uses operators from a custom domain, so loading it needs a custom-op library.',
    severity: 'medium',
    category: 'onnx',
    appliesTo: ['onnx'],
    docs: {
      description:
        'An ONNX runtime only runs operators it has kernels for. Operators from a domain that is neither standard ONNX nor built into a known runtime (policy/onnx-domains.json) need a native custom-op library registered before the session starts (SessionOptions.register_custom_ops_library): the model tells you to go and find one, and that library runs with the process\'s rights. Functions the model defines itself (ModelProto.functions) are not custom kernels and are not reported.',
      example: "a node Exfiltrate in domain 'com.modelvet.test'",
      fix: 'Find out which library implements the domain and who publishes it; load the model only with a reviewed, pinned build of that library, or re-export the model with standard operators.',
      url: 'https://onnxruntime.ai/docs/reference/operators/add-custom-op.html',
    },
  },
  *check({ artifact }) {
    for (const use of nonStandardDomains(artifact as OnnxArtifact)) {
      if (use.kind !== 'custom') continue;
      yield {
        message: `loading needs a custom-op library for domain '${use.domain}' (${opList(use)}), whose native code runs in the loading process`,
        evidence: { domain: use.domain, ops: use.ops, nodes: use.nodes },
      };
    }
  },
};
export default rule;
