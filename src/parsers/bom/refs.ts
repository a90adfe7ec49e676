import type { ModelRef } from '../../types.js';
import type { BomComponent } from './types.js';

/**
 * The Hub repositories a BOM records, as model references (`use: 'record'`): the provenance rules
 * judge their publishers like any other. `via` is the JSON pointer to the purl or URL that names
 * the repository; the location is its line.
 *
 * Supplier names are not made into references: CycloneDX `supplier.name` and SPDX `suppliedBy` are
 * organisation names in free text ("Meta Platforms, Inc."), not Hub namespaces, and nothing offline
 * can tell when one happens to be spelt like one; comparing them with Hub publishers would flag
 * honest names and miss nothing the purl does not already show, since the namespace the BOM vouches
 * for is the one in its `pkg:huggingface` purl or huggingface.co URL.
 */
export function modelRefsOf(components: readonly BomComponent[]): ModelRef[] {
  const refs: ModelRef[] = [];
  for (const c of components) {
    if (!c.hub) continue;
    refs.push({
      repo: c.hub.repo,
      repoType: c.hub.repoType,
      revision: c.hub.revision !== undefined ? { kind: 'literal', value: c.hub.revision } : { kind: 'absent' },
      use: 'record',
      via: c.hub.pointer,
      ...(c.hub.location ? { location: c.hub.location } : {}),
    });
  }
  return refs;
}
