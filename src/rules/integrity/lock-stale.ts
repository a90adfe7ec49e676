import { INTEGRITY_CODES } from '../../integrity/codes.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'integrity/lock-stale',
    description: 'The lockfile and the files disagree: a locked file is missing, or a file in a locked folder is not locked.',
    severity: 'medium',
    category: 'integrity',
    appliesTo: ['*'],
    docs: {
      description:
        'A lockfile pins a model folder file by file. A file added later was never reviewed when the lock was made, yet a loader picks it up (a new pickle, a changed config, custom code); a locked file that is gone means the model on disk is not the one that was locked. Reported by `modelvet scan` for the scanned folders and by `modelvet verify`.',
      example: 'modelvet.lock.json locks models/bert/ with 4 files; models/bert/extra.pkl is not among them',
      fix: 'Review the difference; if it is intended run `modelvet lock` to refresh the lockfile, otherwise restore the locked files and remove the others.',
    },
  },
  *check({ artifact, root }) {
    for (const a of artifact.anomalies) {
      if (a.code !== INTEGRITY_CODES.lockedFileMissing && a.code !== INTEGRITY_CODES.fileNotLocked) continue;
      yield { message: a.message, evidence: { code: a.code, ...(a.detail ?? {}) } };
    }
    if (artifact !== root) return;
    for (const r of artifact.integrity?.notRecorded ?? []) {
      if (r.by !== 'lockfile') continue;
      yield {
        message: `${r.where} locks this folder but not this file: it was added or renamed after the lock and was never pinned`,
        evidence: { code: INTEGRITY_CODES.fileNotLocked, lockfile: r.where },
      };
    }
  },
};

export default rule;
