import { isLimitCode } from '../../parsers/gguf/codes.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'gguf/resource-limit',
    description: 'A GGUF header past modelvet\'s limits (header size, tensor or key-value count, key length), so part of it was not analysed.',
    severity: 'high',
    category: 'gguf',
    appliesTo: ['gguf'],
    docs: {
      description:
        'modelvet walks a GGUF header up to the same size it allows a safetensors JSON header (maxJsonBytes), reads at most as many tensors and key-value pairs as it opens archive members (maxArchiveMembers), and no key longer than 64 KiB. Real models stay far below: a large vocabulary makes a header of a few MB and a few thousand tensors. What lies past a limit was not checked, so the file fails closed.',
      example: 'a header declaring 50,000 tensors; a 200 MB header; a 1 MB key',
      fix: 'Do not load the file unless you can check it another way; a genuine model this large is worth a manual look at its header (gguf-py\'s gguf_dump.py).',
    },
  },
  (a) => isLimitCode(a.code),
);
