import type { Rule } from '../types.js';

/** The records PyTorch's loaders unpickle (torch.load: data.pkl; torch.jit.load: constants.pkl and data.pkl too). */
const LOADER_PICKLES = new Set(['data.pkl', 'constants.pkl']);

const rule: Rule = {
  meta: {
    id: 'torch/unexpected-pickle-member',
    description: 'A checkpoint member other than data.pkl/constants.pkl holds a pickle.',
    severity: 'high',
    category: 'torch',
    appliesTo: ['pytorch-zip', 'torchscript'],
    docs: {
      description:
        'Scanners that only look at members named *.pkl, or only at data.pkl, miss a pickle stored as payload.txt or under data/. Other tools (or a later loader version) may unpickle it. Its content is analysed like any pickle; this finding says it is there.',
      example: 'archive/extra/payload.txt is a protocol-0 pickle',
      fix: 'Remove the member, or do not use the checkpoint: torch.save never writes one.',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'pytorch-zip' && artifact.format !== 'torchscript') return;
    const prefix = `${artifact.path}!`;
    for (const child of artifact.children) {
      if (!('pickle' in child) || !child.path.startsWith(prefix)) continue;
      const member = child.path.slice(prefix.length);
      const base = member.slice(member.lastIndexOf('/') + 1);
      const underArchive = member === `${artifact.torch.archiveName}/${base}`;
      if (underArchive && LOADER_PICKLES.has(base)) continue;
      yield { message: `member ${member} is a pickle although the loader only unpickles data.pkl and constants.pkl`, path: child.path, evidence: { member } };
    }
  },
};
export default rule;
