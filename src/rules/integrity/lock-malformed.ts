import { anomalyRule } from '../anomaly-rule.js';
import { INTEGRITY_CODES } from '../../integrity/codes.js';

export default anomalyRule(
  {
    id: 'integrity/lock-malformed',
    description: 'modelvet.lock.json is not a valid lockfile, so nothing it records can be checked.',
    severity: 'high',
    category: 'integrity',
    appliesTo: ['modelvet-lock'],
    docs: {
      description:
        "The lockfile is the record every copy is checked against. One that is not JSON, does not match schemas/lockfile.schema.json (a digest that is not 64 hex digits, a path that climbs out with `..`, a file listed twice) or is too large pins nothing, and every file it was meant to protect goes unchecked (fail closed). An entry for a folder outside both the lockfile's folder and the working directory is not followed either: a lockfile that came with a repository must not send modelvet to hash and list files elsewhere on the machine.",
      example: 'a merge conflict left `<<<<<<<` markers in modelvet.lock.json',
      fix: 'Restore the lockfile from version control, or re-create it with `modelvet lock`.',
    },
  },
  (a) => a.code === INTEGRITY_CODES.lockMalformed || a.code === INTEGRITY_CODES.lockPathEscape,
);
