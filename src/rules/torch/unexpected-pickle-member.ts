import type { Rule } from '../types.js';

/** Pickles the loader itself reads, relative to the archive folder: torch.load reads data.pkl; torch.jit.load also reads TorchScript's own records. */
function isLoaderPickle(format: 'pytorch-zip' | 'torchscript', rel: string): boolean {
  if (rel === 'data.pkl') return true;
  if (format !== 'torchscript') return false;
  return ['constants.pkl', 'bytecode.pkl', 'traced_inputs.pkl'].includes(rel) || (rel.startsWith('code/') && rel.endsWith('.debug_pkl'));
}

const rule: Rule = {
  meta: {
    id: 'torch/unexpected-pickle-member',
    description: 'A checkpoint member the loader does not unpickle holds a pickle.',
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
      const archive = `${artifact.torch.archiveName}/`;
      if (member.startsWith(archive) && isLoaderPickle(artifact.format, member.slice(archive.length))) continue;
      yield { message: `member ${member} is a pickle, but the loader never unpickles a member of that name`, path: child.path, evidence: { member } };
    }
  },
};
export default rule;
