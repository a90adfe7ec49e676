import { TF_MALFORMED_CODES } from '../../parsers/tensorflow/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'tensorflow/malformed',
    description: 'The SavedModel (or keras_metadata.pb) is truncated, not valid protobuf, empty, or over an analysis limit.',
    severity: 'high',
    category: 'tensorflow',
    appliesTo: ['tf-savedmodel'],
    docs: {
      description:
        "modelvet decodes saved_model.pb and keras_metadata.pb the way TensorFlow does (protobuf, tensor payloads skipped). Bytes that stop being valid protobuf, nesting past protobuf's recursion limit, a SavedModel without a meta graph, layer configs that are not JSON or could not be inspected, or a graph over the analysis budget leave part of the model unread: what cannot be read cannot be proven safe (fail closed).",
      example: 'a saved_model.pb cut off in the middle of its function library',
      fix: 'Download the model again from a pinned revision and compare its SHA-256; do not load a SavedModel that does not decode.',
    },
  },
  (a) => TF_MALFORMED_CODES.has(a.code),
);
