import { ADVICE_CODES } from '../../parsers/safetensors/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'safetensors/prototype-tensor-name',
    description: 'A tensor is named "__proto__": valid safetensors, but JavaScript readers may mishandle it.',
    severity: 'low',
    category: 'safetensors',
    appliesTo: ['safetensors'],
    docs: {
      description:
        'The safetensors crate treats every tensor name alike, so a tensor named "__proto__" loads normally in Python. JavaScript tools that copy the header into plain objects (obj[name] = …) set the object’s prototype instead of adding a tensor: the tensor disappears from their view, or later lookups read attacker-chosen values. No framework names a tensor this way.',
      example: '{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}',
      fix: 'Rename the tensor when re-saving the file; treat a model that needs such a name with suspicion.',
    },
  },
  (a) => ADVICE_CODES.has(a.code),
);
