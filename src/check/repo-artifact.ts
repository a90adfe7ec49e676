import type { HubRepoDetails, ResolvedHubRepo } from '../sources/hub/types.js';
import type { Anomaly, ModelRef } from '../types.js';
import { baseModelsOf, licenseOf } from './card.js';
import type { HubAutoMap, HubRepoArtifact, HubRepoFile, HubRepoScan } from './types.js';

export interface RepoFacts {
  resolved: ResolvedHubRepo;
  endpoint: string;
  root: string;
  details?: HubRepoDetails;
  /** Front matter of README.md, when the Hub's cardData was absent. */
  cardFromReadme?: Record<string, unknown>;
  hubScan?: HubRepoScan;
  autoMap: HubAutoMap[];
  files: HubRepoFile[];
  anomalies: Anomaly[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The repository as one artifact, for repo-level rules and the publisher rules (through modelRefs). */
export function repoArtifact(facts: RepoFacts): HubRepoArtifact {
  const { resolved, details } = facts;
  const { ref } = resolved;
  const card = isRecord(details?.cardData) ? details.cardData : facts.cardFromReadme;
  const tags = details?.tags ?? [];
  const license = licenseOf(card, tags);
  const baseModels = baseModelsOf(card);
  const modelRefs: ModelRef[] = [
    // What the check read: the commit, so the repo's own reference is pinned by construction.
    { repo: ref.repo, repoType: ref.repoType, revision: { kind: 'literal', value: resolved.commit }, use: 'download', via: 'modelvet check' },
    ...baseModels.map((repo): ModelRef => ({ repo, repoType: 'model', revision: { kind: 'absent' }, use: 'record', via: 'README.md base_model' })),
  ];
  const gated = details?.gated ?? resolved.gated;
  const priv = details?.private ?? resolved.private;
  return {
    path: facts.root,
    format: 'hub-repo',
    size: facts.files.reduce((n, f) => n + f.size, 0),
    anomalies: facts.anomalies,
    children: [],
    modelRefs,
    hub: {
      repo: ref.repo,
      repoType: ref.repoType,
      ...(ref.revision !== undefined ? { requestedRevision: ref.revision } : {}),
      commit: resolved.commit,
      endpoint: facts.endpoint,
      ...(priv !== undefined ? { private: priv } : {}),
      ...(gated !== undefined ? { gated } : {}),
      ...(details?.disabled !== undefined ? { disabled: details.disabled } : {}),
      ...(details?.author !== undefined ? { author: details.author } : {}),
      ...(details?.pipelineTag !== undefined ? { pipelineTag: details.pipelineTag } : {}),
      ...(details?.libraryName !== undefined ? { libraryName: details.libraryName } : {}),
      tags,
      ...(license ? { license } : {}),
      baseModels,
      pythonFiles: facts.files.filter((f) => f.path.endsWith('.py')).map((f) => f.path),
      autoMap: facts.autoMap,
      ...(facts.hubScan ? { hubScan: facts.hubScan } : {}),
      files: facts.files,
    },
  };
}
