import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'torch/legacy-magic-mismatch',
    description: "A legacy torch file's first pickle is not the magic number, so torch.load runs it and then fails.",
    severity: 'high',
    category: 'torch',
    appliesTo: ['pytorch-legacy'],
    docs: {
      description:
        'A pre-1.6 torch.save file starts with five pickles: the magic number, the protocol version, sys_info, the object and the storage keys. torch.load unpickles the first one before it checks the magic, so a first pickle that computes its value has already run. Scanners that bail out when the magic is wrong miss it.',
      example: "first pickle: builtins.eval('0x1950a86a20f9469cfc6c')",
      fix: 'Do not load the file.',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'pytorch-legacy' || artifact.legacy.magicOk) return;
    yield { message: 'the first pickle does not hold the legacy magic number: torch.load runs it, then rejects the file' };
  },
};
export default rule;
