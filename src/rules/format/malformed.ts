import { anomalyRule } from '../anomaly-rule.js';

const FORMAT_PREFIXES = ['numpy/', 'joblib/'];

export default anomalyRule(
  {
    id: 'format/malformed',
    description: 'A model file is malformed or carries data its loader reads in a way modelvet could not follow.',
    severity: 'high',
    category: 'format',
    appliesTo: ['*'],
    docs: {
      description:
        'A .npy header that numpy would read differently, array bytes that do not match the declared shape, a joblib array whose length cannot be computed statically: each leaves bytes that a loader interprets and the scan could not. Fail closed. (safetensors, GGUF, Keras, ONNX, TensorFlow and archives have their own malformed rules.)',
      example: 'a .npy whose header declares 10 float32 values but carries 400 extra bytes',
      fix: 'Re-create the file from trusted data; do not load one that does not parse cleanly.',
    },
  },
  (a) => FORMAT_PREFIXES.some((p) => a.code.startsWith(p)),
);
