import type { Artifact } from '../../types.js';
import type { Rule } from '../types.js';

function describe(artifact: Artifact): string {
  switch (artifact.format) {
    case 'pytorch-zip':
      return 'a PyTorch checkpoint, whose data.pkl is a pickle';
    case 'pytorch-legacy':
    case 'pytorch-legacy-tar':
      return 'a legacy PyTorch checkpoint (pickles)';
    case 'numpy':
      return 'a NumPy object array, whose body is a pickle';
    case 'compressed':
      return `a ${artifact.compression.kind}-compressed pickle (joblib)`;
    default:
      return 'a pickle';
  }
}

const rule: Rule = {
  meta: {
    id: 'pickle/prefer-safetensors',
    description: 'The weights are stored in a pickle-based format; safetensors holds the same tensors without code.',
    severity: 'low',
    category: 'pickle',
    appliesTo: ['pickle', 'pytorch-zip', 'pytorch-legacy', 'pytorch-legacy-tar', 'numpy', 'compressed'],
    docs: {
      description:
        'Every pickle-based checkpoint is one allowlist gap away from code execution. safetensors stores only tensors and a JSON header, so loading it cannot run code.',
      example: 'pytorch_model.bin next to no model.safetensors',
      fix: "Convert once in a sandbox (safetensors.torch.save_file(torch.load(p, weights_only=True), 'model.safetensors')) and ship that.",
      url: 'https://huggingface.co/docs/safetensors',
    },
  },
  *check({ artifact, ancestors }) {
    if (ancestors.length > 0) return;
    // A .npy or a compressed joblib file is pickle-based only when it carries a pickle.
    if ((artifact.format === 'numpy' || artifact.format === 'compressed') && !artifact.children.some((c) => 'pickle' in c)) return;
    yield { message: `stored as ${describe(artifact)}; prefer safetensors, which cannot run code when loaded` };
  },
};
export default rule;
