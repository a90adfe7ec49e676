import type { SavedModelArtifact } from '../../parsers/tensorflow/types.js';
import type { Rule } from '../types.js';
import { tfOpSet } from './op-set.js';

/** Ops reported one by one; past this many, the rest share one finding. */
const EACH = 20;

const rule: Rule = {
  meta: {
    id: 'tensorflow/unknown-op',
    description: 'The SavedModel uses ops TensorFlow does not register, so loading needs a custom kernel library.',
    severity: 'medium',
    category: 'tensorflow',
    appliesTo: ['tf-savedmodel'],
    docs: {
      description:
        "Every node names an op. An op that is neither registered by TensorFlow (policy/tensorflow-ops.json, generated from the real TensorFlow) nor a function of the model's own library needs a kernel from a shared library loaded with tf.load_op_library (TensorFlow Text, Addons, or someone's .so): the model sends you to get native code that runs in your process. Library function calls are not reported.",
      example: "a node with op 'ModelvetCustomOp' in the serving function",
      fix: 'Find which package provides the op and who publishes it; install a reviewed, pinned version, or re-export the model with stock ops.',
      url: 'https://www.tensorflow.org/guide/create_op',
    },
  },
  *check({ artifact }) {
    const { ops, tensorflowVersion } = tfOpSet();
    const unknown = (artifact as SavedModelArtifact).savedModel.ops.filter((o) => !ops.has(o.op));
    for (const o of unknown.slice(0, EACH)) {
      yield {
        message: `the graph uses op '${o.op}' (${o.count} node${o.count === 1 ? '' : 's'}), which TensorFlow ${tensorflowVersion} does not register: loading needs a custom kernel library whose native code runs in the process`,
        evidence: { op: o.op, count: o.count },
      };
    }
    if (unknown.length > EACH) {
      const rest = unknown.slice(EACH);
      yield {
        message: `the graph uses ${rest.length} more ops TensorFlow ${tensorflowVersion} does not register (${rest.slice(0, 5).map((o) => `'${o.op}'`).join(', ')}, …): loading needs custom kernel libraries`,
        evidence: { ops: rest.slice(0, 50).map((o) => o.op), count: rest.length },
      };
    }
  },
};
export default rule;
