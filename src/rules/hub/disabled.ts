import type { HubRepoArtifact } from '../../check/types.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'hub/disabled',
    description: 'The Hugging Face Hub has disabled the repo.',
    severity: 'high',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        'The Hub disables repositories it has taken down, typically after an abuse report, a malware finding or a legal request. Copies of a disabled repo keep circulating in caches, mirrors and re-uploads; whatever made the Hub disable it still applies to them.',
      example: 'hf:someuser/model whose repo info says "disabled": true',
      fix: 'Do not load this repo or any copy of it; remove cached copies (huggingface-cli delete-cache) and pick a model from a publisher you trust.',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const { hub } = artifact as HubRepoArtifact;
    if (hub.disabled !== true) return;
    yield {
      message: `the Hub has disabled ${hub.repo}, usually after a report or a takedown, so loading it or any copy of it loads what the Hub took down`,
      evidence: { repo: hub.repo, disabled: true },
    };
  },
};
export default rule;
