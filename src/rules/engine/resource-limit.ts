import { FILE_BYTE_LIMIT_CODE } from '../../engine/limits.js';
import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'engine/resource-limit',
    description: 'modelvet stopped reading a file at the per-file byte limit (limits.maxFileBytes), so it was not fully analysed.',
    severity: 'high',
    category: 'engine',
    appliesTo: ['*'],
    docs: {
      description:
        'Each file may cost a bounded amount of reading: all parsers together read at most limits.maxFileBytes bytes of it (4 GiB by default; re-reads count again, bytes decompressed from it do not). Past that point reads return nothing, so parsers stop as if the file ended there, and may report it as truncated. A payload placed past the point would not be seen, so the file fails closed. Format-specific limits (archive members, pickle budgets, JSON header size) have their own rules.',
      example: 'a 6 GB pickle whose parser has read 4 GiB when the budget runs out',
      fix: 'If the file is legitimate, raise limits.maxFileBytes in the modelvet config (or scan that file with a config that does) and scan again; otherwise do not load it.',
    },
  },
  (a) => a.code === FILE_BYTE_LIMIT_CODE,
);
