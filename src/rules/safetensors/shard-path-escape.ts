import { ESCAPE_CODES } from '../../parsers/safetensors/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'safetensors/shard-path-escape',
    description: 'A sharded index names a shard file outside the model folder.',
    severity: 'critical',
    category: 'safetensors',
    appliesTo: ['safetensors-index'],
    docs: {
      description:
        'transformers joins each shard name in model.safetensors.index.json to the model folder. An absolute name, a ".." segment or a Windows drive letter makes loading read a file the publisher chose anywhere on the machine: another model’s weights, a file an earlier step dropped, or a device. A genuine index names plain files beside it.',
      example: '"weight_map": {"lm_head.weight": "../../other-model/model.safetensors"}',
      fix: 'Do not load the model. Get it again from its publisher; a correct index names only files in the same folder (model-00001-of-00002.safetensors).',
    },
  },
  (a) => ESCAPE_CODES.has(a.code),
);
