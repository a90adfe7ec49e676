import type { Rule } from '../types.js';
import { pickleOf } from './globals.js';

const rule: Rule = {
  meta: {
    id: 'pickle/nested-payload',
    description: 'Bytes built at load time are handed to another deserializer, so what they hold cannot be analysed.',
    severity: 'high',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-legacy'],
    docs: {
      description:
        'A pickle can call pickle.loads, torch.load, marshal.loads and similar on bytes. Literal bytes are analysed as a nested artifact (path …!pickle.loads@offset). Bytes computed at load time cannot be, and are reported here.',
      example: 'pickle.loads(zlib.decompress(b"…"))',
      fix: 'Do not load the file.',
    },
  },
  *check({ artifact }) {
    const analysis = pickleOf(artifact);
    if (!analysis) return;
    for (const n of analysis.nested) {
      if (n.literal) continue;
      yield { message: `loading hands bytes computed at load time to ${n.via}, so the nested payload cannot be analysed`, location: { offset: n.offset }, evidence: { via: n.via } };
    }
  },
};
export default rule;
