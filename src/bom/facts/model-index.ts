import type { BomMetric } from '../types.js';
import { isCardRepoId } from './hub-ids.js';
import { FACT_LIMITS } from './limits.js';
import { byKeys, field, items, scalarText, text } from './values.js';

type MetricDataset = NonNullable<BomMetric['dataset']>;

/**
 * `dataset:` of a result. Its `type` is the Hub dataset id (the Hub's model-index spec), its
 * `name` a display name; the BOM names the dataset by its display name when there is one.
 */
function datasetOf(raw: unknown): MetricDataset | undefined {
  const type = text(field(raw, 'type'), 200);
  const name = text(field(raw, 'name'), 200) ?? type;
  if (name === undefined) return undefined;
  const config = text(field(raw, 'config'), 200);
  const split = text(field(raw, 'split'), 200);
  return {
    name,
    ...(type !== undefined && isCardRepoId(type) ? { hubId: type } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(split !== undefined ? { split } : {}),
  };
}

/** Every metric of every result of every entry in `model-index`, as written. */
export function modelIndexMetrics(modelIndex: unknown): BomMetric[] {
  const out: BomMetric[] = [];
  for (const entry of items(modelIndex, FACT_LIMITS.maxListItems)) {
    for (const result of items(field(entry, 'results'), FACT_LIMITS.maxListItems)) {
      const task = text(field(field(result, 'task'), 'type'), 200);
      const dataset = datasetOf(field(result, 'dataset'));
      for (const metric of items(field(result, 'metrics'), FACT_LIMITS.maxListItems)) {
        if (out.length >= FACT_LIMITS.maxMetrics) return out;
        const type = text(field(metric, 'type'), 200);
        const value = scalarText(field(metric, 'value'));
        // A metric without its type or value says nothing a BOM can carry.
        if (type === undefined || value === undefined) continue;
        const name = text(field(metric, 'name'), 200);
        out.push({ type, value, ...(name !== undefined ? { name } : {}), ...(task !== undefined ? { task } : {}), ...(dataset ? { dataset } : {}) });
      }
    }
  }
  return out;
}

export const compareMetrics = byKeys<BomMetric>(
  (m) => m.dataset?.hubId,
  (m) => m.dataset?.name,
  (m) => m.dataset?.config,
  (m) => m.dataset?.split,
  (m) => m.task,
  (m) => m.type,
  (m) => m.name,
  (m) => m.value,
);
