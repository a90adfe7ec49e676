import type { BomView } from '../validate/view.js';
import { HYPERPARAMETER_PREFIX } from './model-card.js';
import { fileRef } from './refs.js';
import type { CdxCitation, CdxComponent } from './types.js';

/** RFC 6901: `~` and `/` in a token are escaped. */
const pointerToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * CycloneDX 1.7 `citations`: which file each model-card value was read from. Only values whose
 * source is a listed file are cited (a citation names a component), and only with a timestamp: the
 * schema requires one, and modelvet never invents one.
 */
export function citations(view: BomView, model: CdxComponent): CdxCitation[] {
  if (!view.timestamp) return [];
  const files = new Set(view.files.map((f) => f.path));
  const sourceOf = new Map<string, string>(view.hyperparameters.map((h) => [`${HYPERPARAMETER_PREFIX}${h.key}`, h.source]));
  if (view.facts.parameterCount) {
    sourceOf.set('cdx:ai-ml:model:parameter:count', view.facts.parameterCount.source);
    sourceOf.set('modelvet:parameter-count', view.facts.parameterCount.source);
  }
  const bySource = new Map<string, string[]>();
  for (const [i, property] of (model.modelCard?.properties ?? []).entries()) {
    const source = sourceOf.get(property.name);
    if (source === undefined || !files.has(source)) continue;
    const pointer = ['', 'metadata', 'component', 'modelCard', 'properties', String(i)].map(pointerToken).join('/');
    bySource.set(source, [...(bySource.get(source) ?? []), pointer]);
  }
  return [...bySource.keys()].sort().map((source) => ({
    pointers: bySource.get(source)!,
    timestamp: view.timestamp!,
    attributedTo: fileRef(source),
    note: `read by modelvet from ${source}`,
  }));
}
