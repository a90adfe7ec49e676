import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'format/unrecognized',
    description: 'No parser recognised this file, so it was listed but not analysed.',
    severity: 'info',
    category: 'format',
    appliesTo: ['unknown'],
    docs: {
      description: 'Detection looks at content, never at the extension. A file (or a member of a generic archive) whose bytes match no known model format is listed so that nothing is skipped silently.',
      example: 'notes.txt, tokenizer.json',
      fix: 'Nothing to do if the file is not meant to be loaded as a model.',
    },
  },
  *check({ artifact }) {
    // Files on disk and members of generic archives alike: the engine keeps an unknown member in the
    // tree only where it is worth listing (not the storages and version records of a torch zip).
    if (artifact.anomalies.length === 0) yield { message: 'not a recognised model format; listed, not analysed' };
  },
};
export default rule;
