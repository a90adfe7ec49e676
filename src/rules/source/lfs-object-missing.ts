import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'source/lfs-object-missing',
    description: 'A staged Git LFS pointer names an object that is not in .git/lfs/objects, so the file it stands for was not checked.',
    severity: 'high',
    category: 'source',
    appliesTo: ['unknown'],
    docs: {
      description:
        'With Git LFS, the index holds a small pointer (oid sha256, size) and the checkpoint itself lives in .git/lfs/objects. `scan --staged` analyses that object; when it is absent (not fetched, or the pointer was written by hand) the content being committed is unknown, which modelvet reports instead of passing (fail closed).',
      example: 'model.safetensors: the staged Git LFS pointer names object 3f1c… (1.2 GB), which is not in .git/lfs/objects',
      fix: 'Run `git lfs fetch` (or `git lfs pull`) so the object is present, or scan the file in the work tree; then commit again.',
    },
  },
  (a) => a.code === 'source/lfs-object-missing',
);
