import type { BomView } from '../validate/view.js';
import { parameterCountLabel, sortedProperties } from './properties.js';
import { datasetRef } from './refs.js';
import type { CdxModelCard, CdxProperty } from './types.js';

export const HYPERPARAMETER_PREFIX = 'cdx:ai-ml:model:hyperparameter:';

/**
 * The model card from sourced facts only: no task, architecture or approach unless a source named
 * it. `modelParameters.datasets` lists training datasets only; evaluation datasets appear through
 * the metrics' slices and as their own components.
 */
export function modelCard(view: BomView): CdxModelCard | undefined {
  const { facts } = view;
  const training = view.datasets.filter((d) => d.roles.includes('training'));
  const modelParameters: NonNullable<CdxModelCard['modelParameters']> = {
    ...(facts.task ? { task: facts.task } : {}),
    ...(facts.architectureFamily ? { architectureFamily: facts.architectureFamily } : {}),
    ...(facts.architecture ? { modelArchitecture: facts.architecture } : {}),
    ...(training.length ? { datasets: training.map((d) => ({ ref: datasetRef(d) })) } : {}),
  };
  const properties: CdxProperty[] = view.hyperparameters.map((h) => ({ name: `${HYPERPARAMETER_PREFIX}${h.key}`, value: h.value }));
  if (facts.parameterCount) {
    properties.push({ name: 'cdx:ai-ml:model:parameter:count', value: parameterCountLabel(facts.parameterCount.value) });
    properties.push({ name: 'modelvet:parameter-count', value: String(facts.parameterCount.value) });
  }
  if (view.languages.length) properties.push({ name: 'cdx:ai-ml:model:languages', value: view.languages.join(',') });
  for (const t of view.chatTemplates) properties.push({ name: 'cdx:ai-ml:model:template:chat', value: `${t.file}#${t.name} sha256:${t.sha256}` });

  const card: CdxModelCard = {
    ...(Object.keys(modelParameters).length ? { modelParameters } : {}),
    ...(view.metrics.length
      ? { quantitativeAnalysis: { performanceMetrics: view.metrics.map((m) => ({ type: m.type, value: m.value, ...(m.slice ? { slice: m.slice } : {}) })) } }
      : {}),
    ...(properties.length ? { properties: sortedProperties(properties) } : {}),
  };
  return Object.keys(card).length ? card : undefined;
}
