import { anomalyRule } from '../anomaly-rule.js';
import { KERAS_CODES } from '../../parsers/keras/codes.js';

export default anomalyRule(
  {
    id: 'keras/lambda-layer',
    description: 'The Keras model carries a Lambda function as marshalled Python bytecode, which loading turns into code and runs.',
    severity: 'critical',
    category: 'keras',
    appliesTo: ['*'],
    docs: {
      description:
        'A Keras Lambda layer is saved as the marshalled bytecode of its Python function (base64 in config.json, the legacy .h5 model_config or tf.keras SavedModel metadata). Loading unmarshals it into a function that runs with the model: arbitrary code (CVE-2024-3660). keras.models.load_model refuses it only while safe_mode is on; safe_mode=False, keras.config.enable_unsafe_deserialization(), .h5 files in keras < 3.11.3 (CVE-2025-9905) and tf.keras SavedModels run it. modelvet decodes the marshal data without running it and lists the names the code uses (os, getcwd, …). Found anywhere: nested models, TimeDistributed and other wrappers, activations.',
      example: "keras.Sequential([keras.layers.Lambda(lambda x: __import__('os').system('…') or x)]).save('m.keras')",
      fix: 'Do not load this model. Ask for a version without Lambda layers (a registered custom layer whose code you review), or rebuild the architecture in code and load only the weights (model.load_weights on a .weights.h5 or safetensors).',
      url: 'https://keras.io/api/saving/model_saving_and_loading/',
    },
  },
  (a) => a.code === KERAS_CODES.lambda,
);
