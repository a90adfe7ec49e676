import { anomalyRule } from '../anomaly-rule.js';

export default anomalyRule(
  {
    id: 'source/broken-symlink',
    description: 'A symbolic link points at nothing, so the file it stands for was not checked.',
    severity: 'low',
    category: 'source',
    appliesTo: ['unknown'],
    docs: {
      description: 'A dangling link is often an incomplete download (a Hugging Face cache snapshot whose blob is missing) or a link meant to be filled in later; whatever ends up there was never scanned.',
      example: 'snapshots/abc/model.safetensors -> ../../blobs/e3b0… (missing)',
      fix: 'Download the file again, or remove the link.',
    },
  },
  (a) => a.code === 'source/broken-symlink',
);
