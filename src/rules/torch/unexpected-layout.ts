import { anomalyRule } from '../anomaly-rule.js';
import { TORCH_LAYOUT_CODES } from '../zip/codes.js';

export default anomalyRule(
  {
    id: 'torch/unexpected-layout',
    description: 'The checkpoint has members or records torch.save never writes.',
    severity: 'medium',
    category: 'torch',
    appliesTo: ['pytorch-zip', 'torchscript', 'pytorch-legacy', 'pytorch-legacy-tar'],
    docs: {
      description:
        'A checkpoint written by torch.save holds data.pkl, data/<key> storages, version, byteorder and .data/ records under one folder. Extra members, members outside the folder, storage names that are not keys and malformed records are places to hide content that the loader skips but another tool may read; some make the loader fail.',
      example: 'archive/data/notes.txt next to the storages; a file outside archive/',
      fix: 'Re-save the checkpoint with torch.save (or as safetensors) from weights you trust.',
    },
  },
  (a) => TORCH_LAYOUT_CODES.has(a.code),
);
