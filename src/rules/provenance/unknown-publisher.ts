import { findLookalike, knownPublishers } from '../../policy/publishers.js';
import type { Rule } from '../types.js';
import { publisherRefs, useText } from './publisher-refs.js';

const rule: Rule = {
  meta: {
    id: 'provenance/unknown-publisher',
    description: 'A Hub repository comes from a publisher that is not in the configured trustedPublishers (info while no list is configured).',
    severity: 'medium',
    category: 'provenance',
    appliesTo: ['*'],
    docs: {
      description:
        "Anyone can publish on the Hub. A team that loads models from a known set of organisations lists them as trustedPublishers in the modelvet config; every repository from another publisher is then a medium finding, to be reviewed and either trusted or replaced. Without a configured list the finding is info: modelvet cannot tell whom you trust, but it still names each publisher so the list is easy to write. Look-alikes of trusted or widely used publishers are reported by provenance/lookalike-publisher instead.",
      example: 'trustedPublishers: [meta-llama, mistralai]; code loads "someuser/llama-finetune"',
      fix: 'Review the publisher and add it to trustedPublishers in modelvet.config.yaml, or use a model from a publisher you already trust.',
    },
  },
  *check({ artifact, settings }) {
    const trusted = settings.trustedPublishers;
    const configured = trusted.length > 0;
    for (const { ref, publisher } of publisherRefs(artifact)) {
      if (trusted.some((t) => t.toLowerCase() === publisher.toLowerCase())) continue;
      // A look-alike is the stronger finding; saying "unknown" as well would only repeat it.
      if (findLookalike(publisher, [...trusted, ...knownPublishers()])) continue;
      yield configured
        ? {
            message: `${useText(ref)}, from publisher '${publisher}', who is not in trustedPublishers`,
            location: ref.location,
            evidence: { repo: ref.repo, publisher, via: ref.via },
          }
        : {
            severity: 'info' as const,
            message: `${useText(ref)}, from publisher '${publisher}'; no trustedPublishers are configured, so whether it is trusted is not known`,
            location: ref.location,
            evidence: { repo: ref.repo, publisher, via: ref.via },
          };
    }
  },
};
export default rule;
