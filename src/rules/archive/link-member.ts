import type { Rule } from '../types.js';
import { ARCHIVE_RULE_CODES } from '../zip/codes.js';

const CODES = ARCHIVE_RULE_CODES['archive/link-member'];

const rule: Rule = {
  meta: {
    id: 'archive/link-member',
    description: 'An archive member is a symbolic or hard link; critical when its target lies outside the extraction folder.',
    severity: 'high',
    category: 'archive',
    appliesTo: ['*'],
    docs: {
      description:
        'Extracting a link member creates a link; a later member written "through" it, or a loader reading it, reaches the target instead: `weights -> /etc/passwd` leaks a file into the model, `dir -> ~/.ssh` plus `dir/authorized_keys` writes outside. Model archives have no reason to carry links. A link whose target is absolute or climbs out with `..` is critical.',
      example: 'a tar member `link` that is a symlink to /etc/passwd',
      fix: 'Do not extract the archive; ask the publisher for one without links, or extract with tarfile `filter="data"`, which refuses them.',
    },
  },
  *check({ artifact }) {
    for (const a of artifact.anomalies) {
      if (!CODES.has(a.code)) continue;
      const escapes = a.detail?.escapes === true;
      yield {
        message: escapes ? `${a.message}, outside the extraction folder: extracting it lets later writes and reads reach that target` : `${a.message}: extracting it creates a link`,
        severity: escapes ? 'critical' : 'high',
        ...(a.offset !== undefined ? { location: { offset: a.offset } } : {}),
        evidence: { code: a.code, ...(a.detail ?? {}) },
      };
    }
  },
};
export default rule;
