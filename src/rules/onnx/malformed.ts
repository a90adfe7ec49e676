import { MALFORMED_CODES } from '../../parsers/onnx/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'onnx/malformed',
    description: 'The ONNX model is truncated, not valid protobuf, holds no graph, or is over an analysis limit.',
    severity: 'high',
    category: 'onnx',
    appliesTo: ['onnx'],
    docs: {
      description:
        'modelvet decodes the ModelProto the way onnx.load does (protobuf, weights skipped). Bytes that stop being valid protobuf, nesting past protobuf\'s recursion limit, a .onnx file with no graph, or a graph over the analysis budget leave part of the model unread: what cannot be read cannot be proven safe (fail closed).',
      example: 'model.onnx cut off in the middle of its graph by an interrupted download',
      fix: 'Download the model again from a pinned revision and compare its SHA-256; do not load a model that does not decode.',
    },
  },
  (a) => MALFORMED_CODES.has(a.code),
);
