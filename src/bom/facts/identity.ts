import { PackageURL } from 'packageurl-js';
import type { BomFacts, FactSource } from '../types.js';
import { commitOf, isCardRepoId } from './hub-ids.js';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** The last segment of a folder path (`models/bert/` → `bert`), for a model with no known repo. */
function folderName(root: string): string {
  const parts = root.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return parts.at(-1) ?? root;
}

/** `pkg:huggingface/org/name@<commit>` (packageurl-js lowercases the commit as the purl type requires). */
export function huggingfacePurl(repo: string, commit: string): string {
  const slash = repo.indexOf('/');
  return new PackageURL('huggingface', slash >= 0 ? repo.slice(0, slash) : undefined, slash >= 0 ? repo.slice(slash + 1) : repo, commit).toString();
}

/** Who the model is: a Hub repo at a commit when the source knows both, else just a name. */
export function modelIdentity(source: FactSource): BomFacts['model'] {
  const repo = source.identity.repo !== undefined && isCardRepoId(source.identity.repo) ? source.identity.repo : undefined;
  const commit = commitOf(source.identity.commit);
  // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
  const endpoint = source.identity.endpoint?.replace(/(?<!\/)\/+$/, '');
  const model: BomFacts['model'] = { name: repo ?? folderName(source.root), source: source.kind };
  if (repo !== undefined) model.repo = repo;
  if (commit !== undefined) model.commit = commit;
  if (repo !== undefined && commit !== undefined) model.purl = huggingfacePurl(repo, commit);
  if (endpoint) model.endpoint = endpoint;
  if (repo?.includes('/')) model.supplier = repo.slice(0, repo.indexOf('/'));
  return model;
}
