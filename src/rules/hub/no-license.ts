import type { HubRepoArtifact } from '../../check/types.js';
import type { Rule } from '../types.js';

/** Hub licence ids that declare no licence at all (`unknown` is an option of the Hub's licence picker). */
const NO_LICENSE_IDS = new Set(['unknown', 'none', 'noassertion']);

const rule: Rule = {
  meta: {
    id: 'hub/no-license',
    description: 'The repo declares no licence, in its card metadata or a license: tag.',
    severity: 'low',
    category: 'hub',
    appliesTo: ['hub-repo'],
    docs: {
      description:
        'Weights without a licence come with no stated right to use, modify or redistribute them, and a BOM cannot record one. modelvet reads the `license:` of the model card metadata and, without one, a `license:` tag. A custom licence (`license: other` with license_name / license_link, or a model-specific id such as llama3) is a declared licence and not a finding; `license: unknown` is treated as none.',
      example: 'hf:someuser/finetune whose README.md has no front matter and whose tags carry no license:',
      fix: "Ask the publisher to add `license:` to the card's metadata, or use a model whose licence allows your use; record the licence you rely on.",
      url: 'https://huggingface.co/docs/hub/repositories-licenses',
    },
  },
  *check({ artifact }) {
    if (artifact.format !== 'hub-repo') return;
    const { license } = (artifact as HubRepoArtifact).hub;
    const id = license?.id?.trim() ?? '';
    if (license?.name?.trim() || license?.link?.trim()) return;
    if (id !== '' && !NO_LICENSE_IDS.has(id.toLowerCase())) return;
    yield id === ''
      ? { message: 'the repo declares no licence in its card metadata or tags, so the terms under which its weights may be used are unknown', evidence: {} }
      : {
          message: `the repo declares the licence "${id.slice(0, 80)}" in its ${license!.source === 'card' ? 'card metadata' : 'tags'}, which states no terms, so the terms under which its weights may be used are unknown`,
          evidence: { license: id, source: license!.source },
        };
  },
};
export default rule;
