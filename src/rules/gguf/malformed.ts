import { isMalformedCode } from '../../parsers/gguf/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'gguf/malformed',
    description: 'A GGUF header or tensor layout that llama.cpp refuses, or that a loader trusting it would read out of bounds.',
    severity: 'high',
    category: 'gguf',
    appliesTo: ['gguf'],
    docs: {
      description:
        "llama.cpp's gguf.cpp trusts nothing in a GGUF header: counts must fit the file, strings and arrays must end inside it, keys and tensor names must be unique, n_dims at most 4, dimensions non-negative without overflow, types known, general.alignment a u32 power of two, and each tensor's data aligned, in order and inside the file. Builds before the 2024 fixes (CVE-2024-21825, -21836, -23496, -23605, -21802) overflowed the heap on hostile counts and lengths, and other readers still trust them. A file that breaks a rule is either damaged or built to exploit a reader; a chat template whose value is not a string cannot be analysed either.",
      example: 'a header declaring 2^40 key-value pairs in a 3 KB file; general.name with a 2 GiB length; a tensor with n_dims 9; two tensors named blk.0.attn_q.weight; a tensor offset 1 TiB past the end',
      fix: 'Do not load the file. Download it again from a pinned revision and check its SHA-256, or convert the model again with llama.cpp\'s convert_hf_to_gguf.py from weights you trust.',
      url: 'https://github.com/ggml-org/ggml/blob/master/docs/gguf.md',
    },
  },
  (a) => isMalformedCode(a.code),
);
