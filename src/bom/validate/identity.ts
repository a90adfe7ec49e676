import { PackageURL } from 'packageurl-js';

export const COMMIT = /^[0-9a-f]{40}$/;
/** A Hub repo id: `name` (legacy, no namespace) or `namespace/name`. */
export const REPO_ID = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `namespace` and `name` of a repo id (a legacy id has no namespace). */
export function splitRepo(repo: string): { group?: string; shortName: string } {
  const slash = repo.indexOf('/');
  return slash < 0 ? { shortName: repo } : { group: repo.slice(0, slash), shortName: repo.slice(slash + 1) };
}

/** `pkg:huggingface/<namespace>/<name>[@<commit>]` (purl-spec's huggingface type), for a checked repo id. */
export function huggingfacePurl(repo: string, commit?: string): string {
  const { group, shortName } = splitRepo(repo);
  return new PackageURL('huggingface', group ?? null, shortName, commit ?? null).toString();
}
