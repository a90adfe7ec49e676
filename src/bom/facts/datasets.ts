import type { BomDataset, BomMetric } from '../types.js';
import { isCardRepoId } from './hub-ids.js';
import { byKeys } from './values.js';

/** Builds Hub dataset page URLs (`<endpoint>/datasets/<id>`). */
export type DatasetUrl = (hubId: string) => string;

function dataset(name: string, role: BomDataset['role'], datasetUrl: DatasetUrl): BomDataset {
  if (!isCardRepoId(name)) return { name, role };
  return { name, hubId: name, url: datasetUrl(name), role };
}

/** The card's `datasets`: what the model was trained on. */
export function trainingDatasets(names: readonly string[], datasetUrl: DatasetUrl): BomDataset[] {
  return [...new Set(names)].map((n) => dataset(n, 'training', datasetUrl));
}

/**
 * The datasets `model-index` results were measured on, one per dataset (configs and splits stay
 * on the metrics). Never merged with the training datasets, even when a name is in both.
 */
export function evaluationDatasets(metrics: readonly BomMetric[], datasetUrl: DatasetUrl): BomDataset[] {
  const seen = new Map<string, BomDataset>();
  for (const m of metrics) {
    if (!m.dataset) continue;
    const { name, hubId } = m.dataset;
    const key = `${hubId ?? ''}\u0000${name}`;
    if (!seen.has(key)) seen.set(key, { name, ...(hubId !== undefined ? { hubId, url: datasetUrl(hubId) } : {}), role: 'evaluation' });
  }
  return [...seen.values()];
}

export const compareDatasets = byKeys<BomDataset>((d) => d.role, (d) => d.name, (d) => d.hubId);
