import type { Artifact } from '../../types.js';
import { VERSION } from '../../util/version.js';
import type { BomFacts, BomHyperparameter, FactSource } from '../types.js';
import { adapterAncestors, cardAncestors, ggufAncestors, mergeAncestors } from './ancestors.js';
import { readCard } from './card.js';
import { chatTemplates } from './chat-templates.js';
import { compareDatasets, evaluationDatasets, trainingDatasets } from './datasets.js';
import { bomFile, compareFiles } from './files.js';
import { agreedGgufArchitecture, agreedGgufValues, ggufModels } from './gguf-models.js';
import { configHyperparameters, ggufHyperparameters, mergeHyperparameters } from './hyperparameters.js';
import { DEFAULT_ENDPOINT, modelIdentity } from './identity.js';
import { cardLicenses } from './license.js';
import { FACT_LIMITS } from './limits.js';
import { compareMetrics, modelIndexMetrics } from './model-index.js';
import { parameterCount } from './parameters.js';
import { remoteCodeFiles } from './remote-code.js';
import { compareVerdicts } from './verdicts.js';
import { field, isTree, sortedUnique, text } from './values.js';

export interface ExtractOptions {
  /** ISO 8601, only when the user asked for one (`--timestamp`). */
  timestamp?: string;
}

/** A JSON document from the source, or undefined when it is absent, too big, or not a JSON object. */
async function readJson(source: FactSource, path: string): Promise<unknown> {
  if (!source.files.some((f) => f.path === path)) return undefined;
  const body = await source.readText(path, FACT_LIMITS.maxConfigBytes);
  if (body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return isTree(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

function dedupe<T>(list: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of list) seen.set(JSON.stringify(item), item);
  return [...seen.values()];
}

/**
 * Everything the BOM states about a model, read from its files through a FactSource only (a local
 * folder, an HF cache snapshot or a Hub repo look the same here). A field without a source stays
 * absent; every list is sorted, so the same files give the same facts.
 */
export async function extractFacts(source: FactSource, options: ExtractOptions = {}): Promise<BomFacts> {
  const model = modelIdentity(source);
  const endpoint = model.endpoint ?? DEFAULT_ENDPOINT;
  const repoFileUrl = (path: string): string | undefined => (model.repo !== undefined && model.commit !== undefined ? `${endpoint}/${model.repo}/blob/${model.commit}/${encodePath(path)}` : undefined);
  const datasetUrl = (id: string): string => `${endpoint}/datasets/${id}`;

  const listed = [...source.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const analysed: Array<{ path: string; artifact: Artifact }> = [];
  for (const f of listed) {
    const artifact = await source.analyse(f.path);
    if (artifact) analysed.push({ path: f.path, artifact });
  }
  const artifactOf = new Map(analysed.map((a) => [a.path, a.artifact]));
  const artifacts = analysed.map((a) => a.artifact);

  const readme = listed.some((f) => f.path === 'README.md') ? await source.readText('README.md', FACT_LIMITS.maxCardBytes) : undefined;
  const card = readme !== undefined ? readCard(readme) : undefined;
  const config = await readJson(source, 'config.json');
  const adapterConfig = await readJson(source, 'adapter_config.json');
  const preprocessorConfig = await readJson(source, 'preprocessor_config.json');
  const gguf = ggufModels(artifacts);

  const hyperparameters: BomHyperparameter[][] = [];
  if (config !== undefined) hyperparameters.push(configHyperparameters(config, 'config.json'));
  const tokenizerConfig = artifactOf.get('tokenizer_config.json');
  const tokenizerClass = tokenizerConfig?.format === 'tokenizer-config' ? tokenizerConfig.tokenizerConfig.tokenizerClass : undefined;
  if (tokenizerClass !== undefined) hyperparameters.push([{ key: 'tokenizer_class', value: tokenizerClass, source: 'tokenizer_config.json' }]);
  hyperparameters.push(agreedGgufValues(gguf.map(ggufHyperparameters)));

  const metrics = dedupe(card?.modelIndex !== undefined ? modelIndexMetrics(card.modelIndex) : []).sort(compareMetrics);
  const datasets = [...trainingDatasets(card?.datasets ?? [], datasetUrl), ...evaluationDatasets(metrics, datasetUrl)].sort(compareDatasets);
  const ancestors = mergeAncestors([...cardAncestors(card?.baseModels ?? [], card?.baseModelRelation), ...adapterAncestors(adapterConfig), ...gguf.flatMap(ggufAncestors)]);

  const configs = [
    ...(config !== undefined ? [{ path: 'config.json', config }] : []),
    ...(preprocessorConfig !== undefined ? [{ path: 'preprocessor_config.json', config: preprocessorConfig }] : []),
  ];
  const remoteCode = await remoteCodeFiles({ configs, artifacts: analysed, paths: new Set(listed.map((f) => f.path)), readText: (p, max) => source.readText(p, max) });
  const files = listed.map((f) => bomFile(f, artifactOf.get(f.path), remoteCode.has(f.path))).sort(compareFiles);

  const architectures = field(config, 'architectures');
  const architecture = Array.isArray(architectures) ? text(architectures[0], 200) : undefined;
  const architectureFamily = text(field(config, 'model_type'), 200) ?? agreedGgufArchitecture(gguf);
  const params = parameterCount(artifacts);
  const verdicts = [...(await source.verdicts())].sort(compareVerdicts);

  return {
    model,
    licenses: card ? cardLicenses(card.license, repoFileUrl) : [],
    ...(card?.pipelineTag !== undefined ? { task: card.pipelineTag } : {}),
    ...(architecture !== undefined ? { architecture } : {}),
    ...(architectureFamily !== undefined ? { architectureFamily } : {}),
    ...(card?.libraryName !== undefined ? { libraryName: card.libraryName } : {}),
    languages: sortedUnique(card?.languages ?? []),
    tags: sortedUnique(card?.tags ?? []),
    ...(params !== undefined ? { parameterCount: params } : {}),
    hyperparameters: mergeHyperparameters(hyperparameters),
    datasets,
    metrics,
    ancestors,
    chatTemplates: chatTemplates(analysed),
    files,
    verdicts,
    tool: { name: 'modelvet', version: VERSION },
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  };
}
