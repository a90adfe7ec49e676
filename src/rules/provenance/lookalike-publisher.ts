import { findLookalike, knownPublishers } from '../../policy/publishers.js';
import type { Rule } from '../types.js';
import { publisherRefs, useText } from './publisher-refs.js';

const KIND_TEXT = {
  confusable: 'only characters that read alike differ',
  'one-edit': 'one edit away',
  'brand-suffix': 'the name plus a suffix',
} as const;

const rule: Rule = {
  meta: {
    id: 'provenance/lookalike-publisher',
    description: 'A Hub publisher name imitates a trusted or widely used one (one edit, a confusable character, or a brand plus suffix).',
    severity: 'high',
    category: 'provenance',
    appliesTo: ['*'],
    docs: {
      description:
        'Typosquatting on the Hub: an attacker registers `meta-1lama`, `mistrai`, `facebook-ai` or `Qwen_` and uploads a poisoned copy of a popular model, waiting for a typo or a copied snippet. The name is compared with your trustedPublishers and with a shipped list of widely used publishers (policy/hub-publishers.json): after folding characters that read alike (`0`/`o`, `1`/`l`/`I`, `5`/`s`, `rn`/`m`, `vv`/`w`, `-`/`_`/`.`), one edit (insert, delete, substitute, swap; names of four or more letters), or the brand followed by a suffix such as `-official`, `-ai`, `-hf` (medium: some are real sister organisations). A name on either list is never a look-alike of another.',
      example: 'AutoModel.from_pretrained("meta-1lama/Llama-3.1-8B")',
      fix: 'Check the publisher on the Hub; use the genuine organisation (`meta-llama`), or add the name to trustedPublishers if it is a publisher you do trust.',
      url: 'https://huggingface.co/docs/hub/security',
    },
  },
  *check({ artifact, settings }) {
    const protectedNames = [...settings.trustedPublishers, ...knownPublishers()];
    for (const { ref, publisher } of publisherRefs(artifact)) {
      const hit = findLookalike(publisher, protectedNames);
      if (!hit) continue;
      yield {
        ...(hit.kind === 'brand-suffix' ? { severity: 'medium' as const } : {}),
        message: `${useText(ref)}, whose publisher '${publisher}' imitates '${hit.publisher}' (${KIND_TEXT[hit.kind]})`,
        location: ref.location,
        evidence: { repo: ref.repo, publisher, resembles: hit.publisher, kind: hit.kind, via: ref.via },
      };
    }
  },
};
export default rule;
