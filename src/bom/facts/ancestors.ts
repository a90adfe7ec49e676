import type { BomAncestor } from '../types.js';
import type { GgufArtifact } from '../../parsers/gguf/types.js';
import { parseHubRef } from '../../sources/hub/ref.js';
import { commitOf, isCardRepoId } from './hub-ids.js';
import { byKeys, field, text } from './values.js';

const RELATIONS: ReadonlySet<string> = new Set(['adapter', 'merge', 'quantized', 'finetune']);

/** `base_model` (+ `base_model_relation`, one of the Hub's four, applying to each). */
export function cardAncestors(baseModels: readonly string[], relation: string | undefined): BomAncestor[] {
  const rel = relation !== undefined && RELATIONS.has(relation) ? (relation as BomAncestor['relation']) : undefined;
  return baseModels.filter(isCardRepoId).map((repo) => ({ repo, ...(rel ? { relation: rel } : {}), source: 'card' as const }));
}

/**
 * PEFT's adapter_config.json: the adapter is applied to `base_model_name_or_path` (at `revision`
 * when it pins one). A local path there names no Hub repo.
 */
export function adapterAncestors(config: unknown): BomAncestor[] {
  const repo = text(field(config, 'base_model_name_or_path'), 300);
  if (repo === undefined || !isCardRepoId(repo)) return [];
  const commit = commitOf(field(config, 'revision'));
  return [{ repo, relation: 'adapter', ...(commit ? { commit } : {}), source: 'adapter_config' }];
}

/** GGUF `general.base_model.<i>.repo_url` naming a Hub model (llama.cpp's convert script writes it). */
export function ggufAncestors(artifact: GgufArtifact): BomAncestor[] {
  const meta = artifact.gguf.metadata;
  const count = field(meta, 'general.base_model.count');
  const n = typeof count === 'number' && Number.isSafeInteger(count) ? Math.min(count, 100) : 0;
  const out: BomAncestor[] = [];
  for (let i = 0; i < n; i++) {
    const url = text(field(meta, `general.base_model.${i}.repo_url`), 2000);
    const ref = url !== undefined ? parseHubRef(url) : undefined;
    if (!ref || ref.repoType !== 'model' || ref.path !== undefined) continue;
    const commit = commitOf(ref.revision);
    out.push({ repo: ref.repo, ...(commit ? { commit } : {}), source: 'gguf' });
  }
  return out;
}

const SOURCE_ORDER: Record<BomAncestor['source'], number> = { card: 0, adapter_config: 1, gguf: 2 };

/**
 * One ancestor per repo: the card's entry first, a relation or a pinned commit filled in from the
 * others (an adapter_config names the same base model the card does, and pins it more often).
 */
export function mergeAncestors(all: readonly BomAncestor[]): BomAncestor[] {
  const byRepo = new Map<string, BomAncestor>();
  for (const a of [...all].sort((x, y) => SOURCE_ORDER[x.source] - SOURCE_ORDER[y.source])) {
    const seen = byRepo.get(a.repo);
    if (!seen) {
      byRepo.set(a.repo, { ...a });
      continue;
    }
    if (seen.relation === undefined && a.relation !== undefined) seen.relation = a.relation;
    if (seen.commit === undefined && a.commit !== undefined) seen.commit = a.commit;
  }
  return [...byRepo.values()].sort(byKeys((a) => a.repo, (a) => a.source));
}
