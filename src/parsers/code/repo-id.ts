/**
 * transformers.js `isValidHfModelId`: `REPO_ID_REGEX` plus no `..`/`--` and no `.git`/`.ipynb`
 * suffix. huggingface_hub's `validate_repo_id` is the same shape. The length check first keeps
 * the pattern's work bounded on any input.
 */
const REPO_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

export function isHubRepoId(value: string): boolean {
  if (value.length > 96 * 2 + 1) return false;
  return REPO_ID.test(value) && !value.includes('..') && !value.includes('--') && !value.endsWith('.git') && !value.endsWith('.ipynb');
}

/** A value a loader reads from disk: relative with `./` or `../`, absolute, home-relative, or a Windows drive or UNC path. */
export function isLocalPath(value: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/~]|[A-Za-z]:[\\/]|file:)/.test(value) || value === '.' || value === '..';
}
