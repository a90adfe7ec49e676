import { isMalformedCode } from '../../parsers/safetensors/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'safetensors/malformed',
    description: 'A safetensors header (or sharded index) that the loader refuses, reads differently from other readers, or that could not be analysed.',
    severity: 'high',
    category: 'safetensors',
    appliesTo: ['safetensors', 'safetensors-index'],
    docs: {
      description:
        'safetensors is safe because its header is plain data: a length, a JSON object of tensors (dtype, shape, data_offsets) and string metadata, with the data section fully and exactly covered. A file that breaks those rules is refused by the safetensors crate; one that bends them (duplicate keys, unused bytes, whitespace before "{", entries written as arrays, extra fields) is accepted by some readers and read differently by others, which is where a payload or a poisoned weight can hide from a scanner. A header over the size limit is not analysed (fail closed).',
      example: 'a header that lists the tensor "lm_head.weight" twice with different offsets; data_offsets that leave a gap of unused bytes; a 10 GB header length',
      fix: 'Do not load the file. Download it again from a pinned revision, or re-save the tensors with safetensors.torch.save_file from weights you trust.',
      url: 'https://github.com/huggingface/safetensors#format',
    },
  },
  (a) => isMalformedCode(a.code),
);
