import { INTEGRITY_CODES } from '../../integrity/codes.js';
import type { Rule } from '../types.js';
import { recordName } from './describe.js';

const rule: Rule = {
  meta: {
    id: 'integrity/unverifiable',
    description: 'A file with a recorded digest could not be read to the end, so it was not checked.',
    severity: 'high',
    category: 'integrity',
    appliesTo: ['*'],
    docs: {
      description:
        'A record expects a digest of the file, but hashing failed: permission denied, the path is a pipe or a device, the file changed size while it was read, or the recorded path is a link out of its model folder (never followed: a planted link must not make modelvet read files elsewhere). What cannot be checked is not passed (fail closed).',
      example: 'model.safetensors is locked, but reading it fails with EACCES',
      fix: 'Make the file readable (and stop whatever is writing to it), then run `modelvet verify` again.',
    },
  },
  *check({ artifact, root }) {
    for (const a of artifact.anomalies) {
      if (a.code === INTEGRITY_CODES.linkEscape) yield { message: a.message, evidence: { code: a.code, ...(a.detail ?? {}) } };
    }
    const s = artifact.integrity;
    if (artifact !== root || !s?.error) return;
    const records = [...s.expected.map(recordName), ...(s.gitBlob ? [`its Hugging Face cache blob name (${s.gitBlob.where})`] : [])];
    yield {
      message: `could not be read to check it against ${records.length ? records.join(' and ') : 'its records'}: ${s.error}`,
      evidence: { error: s.error },
    };
  },
};

export default rule;
