import type { ModelRef } from '../../types.js';
import { downloadSpecs, PACKAGED_DATASET_BUILDERS, type DownloadSpec } from './call-table.js';
import { isHubRepoId, isLocalPath } from './repo-id.js';
import type { CodeCall, CodeLanguage, CodeValue } from './types.js';

type RepoType = ModelRef['repoType'];
const REPO_TYPES: ReadonlySet<string> = new Set(['model', 'dataset', 'space']);

function argument(call: CodeCall, spec: DownloadSpec['repo']): CodeValue | undefined {
  for (const k of spec.keywords) {
    const v = call.kwargs.get(k);
    if (v) return v;
  }
  return spec.positional !== undefined ? call.args[spec.positional] : undefined;
}

const stringOf = (v: CodeValue | undefined): string | undefined => (v?.kind === 'string' ? v.value : undefined);

interface RepoReading {
  repo: string;
  repoType: RepoType;
  /** A revision the repo string itself carries (`owner/repo:ref`, `hf-hub:org/name@rev`); null when the syntax has a place for one and it is empty. */
  embedded?: string | null;
}

/** The repository a call names, undone from the syntax its API uses; undefined when it names none statically. */
function readRepo(call: CodeCall, spec: DownloadSpec): RepoReading | undefined {
  const value = argument(call, spec.repo);
  let repoType: RepoType = spec.repoType;
  const typed = stringOf(spec.repoTypeKeyword ? call.kwargs.get(spec.repoTypeKeyword) : undefined);
  if (typed && REPO_TYPES.has(typed)) repoType = typed as RepoType;
  switch (spec.syntax) {
    case 'torch-hub': {
      const text = stringOf(value);
      if (text === undefined) return undefined;
      const colon = text.indexOf(':');
      const repo = colon < 0 ? text : text.slice(0, colon);
      // torch.hub reads `owner/repo` from GitHub; anything else is a local directory or an error.
      if (repo.split('/').length !== 2) return undefined;
      return { repo, repoType, embedded: colon < 0 ? null : text.slice(colon + 1) };
    }
    case 'timm-hf-hub': {
      const text = stringOf(value);
      const m = text === undefined ? null : /^hf[-_]hub:(.*)$/s.exec(text);
      if (!m) return undefined;
      const at = m[1]!.indexOf('@');
      return at < 0 ? { repo: m[1]!, repoType, embedded: null } : { repo: m[1]!.slice(0, at), repoType, embedded: m[1]!.slice(at + 1) };
    }
    case 'hub-js': {
      // `repo: "datasets/org/name"`, or `repo: { type: "dataset", name: "org/name" }` (nested keys flattened).
      const objectName = stringOf(call.kwargs.get('repo.name'));
      if (objectName !== undefined) {
        const type = stringOf(call.kwargs.get('repo.type'));
        return { repo: objectName, repoType: type && REPO_TYPES.has(type) ? (type as RepoType) : 'model' };
      }
      const text = stringOf(value);
      if (text === undefined) return undefined;
      const m = /^(models|datasets|spaces)\/(.*)$/s.exec(text);
      if (!m) return { repo: text, repoType };
      return { repo: m[2]!, repoType: m[1] === 'models' ? 'model' : m[1] === 'datasets' ? 'dataset' : 'space' };
    }
    default: {
      const text = stringOf(value);
      return text === undefined ? undefined : { repo: text, repoType };
    }
  }
}

function revisionOf(call: CodeCall, spec: DownloadSpec, embedded: string | null | undefined): ModelRef['revision'] {
  if (embedded !== undefined) return embedded ? { kind: 'literal', value: embedded } : { kind: 'absent' };
  for (const k of spec.revision) {
    const v = call.kwargs.get(k);
    if (!v) continue;
    switch (v.kind) {
      case 'string':
        return { kind: 'literal', value: v.value };
      case 'none':
        return { kind: 'absent' };
      case 'unknown':
      case 'path':
        return { kind: 'unknown', text: v.text };
      default:
        return { kind: 'unknown', text: String(v.value) };
    }
  }
  return call.hasUnknownKwargs ? { kind: 'unknown', text: '**kwargs' } : { kind: 'absent' };
}

function refFor(call: CodeCall, spec: DownloadSpec): ModelRef | undefined {
  const localOnly = call.kwargs.get('local_files_only');
  if (localOnly?.kind === 'bool' && localOnly.value) return undefined;
  if (spec.localWhen && stringOf(call.kwargs.get(spec.localWhen.keyword)) === spec.localWhen.value) return undefined;
  const reading = readRepo(call, spec);
  if (!reading) return undefined;
  const { repo, repoType, embedded } = reading;
  if (isLocalPath(repo) || !isHubRepoId(repo)) return undefined;
  if (repoType === 'dataset' && PACKAGED_DATASET_BUILDERS.has(repo.toLowerCase())) return undefined;
  return { repo, repoType, revision: revisionOf(call, spec, embedded), use: 'download', via: call.callee, location: { ...call.location } };
}

/** The Hub (or, for torch.hub, GitHub) repositories the calls download, in source order. */
export function modelRefsOf(calls: readonly CodeCall[], language: CodeLanguage): ModelRef[] {
  const refs: ModelRef[] = [];
  for (const call of calls) {
    for (const spec of downloadSpecs(call.callee, language)) {
      const ref = refFor(call, spec);
      if (ref) refs.push(ref);
    }
  }
  return refs;
}
