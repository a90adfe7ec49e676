import { INDEX_HYGIENE_CODES, INDEX_MISMATCH_CODES } from '../../parsers/safetensors/codes.js';
import type { Rule } from '../types.js';

const rule: Rule = {
  meta: {
    id: 'safetensors/index-mismatch',
    description: 'A sharded index and the shard files beside it disagree.',
    severity: 'high',
    category: 'safetensors',
    appliesTo: ['safetensors-index'],
    docs: {
      description:
        'A sharded model is loaded through model.safetensors.index.json: each tensor is looked up in the shard the index names. A shard that is missing or invalid, a tensor its shard does not hold, or a tensor held by two shards means the loaded weights are not the ones the index describes (high). Tensors a shard holds that the index does not list, or a total_size that does not match the shards, are medium: the same weights load, but the index no longer describes the files, so a swapped shard goes unnoticed. Checked only for local files (inside an archive there is no folder to compare).',
      example: 'model-00002-of-00002.safetensors is missing; the index maps "lm_head.weight" to a shard whose header does not list it',
      fix: 'Download the whole snapshot again from one pinned revision; do not mix shards from different revisions.',
    },
  },
  *check({ artifact }) {
    for (const a of artifact.anomalies) {
      const hygiene = INDEX_HYGIENE_CODES.has(a.code);
      if (!hygiene && !INDEX_MISMATCH_CODES.has(a.code)) continue;
      yield {
        message: a.message,
        ...(hygiene ? { severity: 'medium' as const } : {}),
        ...(a.offset !== undefined ? { location: { offset: a.offset } } : {}),
        evidence: { code: a.code, ...(a.detail ?? {}) },
      };
    }
  },
};
export default rule;
