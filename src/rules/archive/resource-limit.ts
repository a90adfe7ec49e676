import { anomalyRule } from '../anomaly-rule.js';
import { ARCHIVE_RULE_CODES } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'archive/resource-limit',
    description: 'An archive or compressed stream is over a size, member-count or nesting limit, so it was not fully analysed.',
    severity: 'high',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description:
        'modelvet bounds the work a file can cause: decompressed bytes per member (maxMemberBytes), members per archive (maxArchiveMembers) and archives within archives (maxDepth). Content past a limit was not checked, and a payload placed there would not be seen: fail closed.',
      example: 'a tar with 50 000 members; a zip inside a tar inside a gzip inside … five levels deep',
      fix: 'Raise the limit for this path if the file is legitimate and scan again; otherwise do not load it.',
    },
  },
  (a) => ARCHIVE_RULE_CODES['archive/resource-limit'].has(a.code),
);
