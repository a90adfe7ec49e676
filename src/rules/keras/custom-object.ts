import { anomalyRule } from '../anomaly-rule.js';
import { KERAS_CODES } from '../../parsers/keras/codes.js';

export default anomalyRule(
  {
    id: 'keras/custom-object',
    description: 'The Keras model names a class or function outside Keras (a custom or third-party object), so loading needs and runs code the file does not carry.',
    severity: 'high',
    category: 'keras',
    appliesTo: ['*'],
    docs: {
      description:
        "Every object in a Keras config names its class by `module`, `class_name` and `registered_name`. Keras's own namespaces (keras, keras.src.*, tf_keras, and the Keras team's keras_hub / keras_nlp / keras_cv, which keras itself imports) are rebuilt from Keras's code. Anything else is resolved from the environment: a registered name (`package>Name`) runs whatever class was registered under it, a foreign `module` is imported (keras < 3.9 imported any module a config named, even with safe_mode, CVE-2025-1550), and a legacy config's unknown class_name needs custom_objects. Such a model cannot be loaded without running code that is not in the file, and that code is unreviewed.",
      example: '{"module": null, "class_name": "Scale", "registered_name": "mypkg>Scale"} in config.json',
      fix: 'Review and pin the package that defines the custom objects before loading, or rebuild the model in code and load only its weights. Upgrade keras to >= 3.9 so configs cannot import arbitrary modules.',
    },
  },
  (a) => a.code === KERAS_CODES.customObject,
);
