import type { Artifact, ModelRef } from '../../types.js';
import { publisherOf } from '../../policy/publishers.js';

export interface PublisherRef {
  ref: ModelRef;
  publisher: string;
}

/**
 * Hub repository references that name a publisher, once per (publisher, place): a bare legacy
 * name (`gpt2`) has none, and `torch.hub.load` names a GitHub owner, not a Hub publisher.
 */
export function* publisherRefs(artifact: Artifact): Generator<PublisherRef> {
  const seen = new Set<string>();
  for (const ref of artifact.modelRefs ?? []) {
    if (ref.via.startsWith('torch.hub.')) continue;
    const publisher = publisherOf(ref.repo);
    if (!publisher) continue;
    const key = `${publisher.toLowerCase()}@${ref.location?.cell ?? ''}:${ref.location?.line ?? ''}:${ref.location?.column ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    yield { ref, publisher };
  }
}

/** Where a reference was met, for messages: "in a download" or "in a record". */
export const useText = (ref: ModelRef): string => (ref.use === 'download' ? `loads ${ref.repo}` : `records ${ref.repo}`);
