import type { ModelRef } from '../../types.js';

/**
 * Keys whose string value names a Hub repository a training, serving or merge tool downloads:
 * transformers' ModelArguments, TRL, axolotl, PEFT's adapter_config.json, mergekit.
 */
const MODEL_KEYS: ReadonlyMap<string, ModelRef['repoType']> = new Map([
  ['model', 'model'],
  ['model_name', 'model'],
  ['model_id', 'model'],
  ['model_name_or_path', 'model'],
  ['pretrained_model_name_or_path', 'model'],
  ['base_model', 'model'],
  ['base_model_name_or_path', 'model'],
  ['tokenizer', 'model'],
  ['tokenizer_name', 'model'],
  ['tokenizer_name_or_path', 'model'],
  ['repo_id', 'model'],
  ['teacher_model', 'model'],
  ['reward_model', 'model'],
  ['ref_model', 'model'],
  ['draft_model', 'model'],
  ['dataset_name', 'dataset'],
  ['dataset', 'dataset'],
]);

/** axolotl lists datasets as `datasets: [{path: org/name, revision: …}]`: there `path` is a Hub dataset id. */
const DATASET_LISTS = new Set(['datasets', 'test_datasets', 'pretraining_dataset']);

/**
 * The repository type a key names, or undefined when the key does not name one. `parentKey` is the
 * key of the list or map that holds the mapping the key sits in.
 */
export function repoTypeOfKey(key: string, parentKey: string | undefined): ModelRef['repoType'] | undefined {
  const type = MODEL_KEYS.get(key);
  if (type) return type;
  if (key === 'path' && parentKey !== undefined && DATASET_LISTS.has(parentKey)) return 'dataset';
  return undefined;
}

const SUFFIXES = ['_name_or_path', '_name', '_id', '_path'];

/**
 * Sibling keys that hold a key's revision, most specific first: `base_model_revision`,
 * `model_revision` for `model_name_or_path` (transformers' ModelArguments), axolotl's
 * `revision_of_model`, then a plain `revision` or `commit`.
 */
export function revisionKeysFor(key: string): string[] {
  const keys = [`${key}_revision`];
  for (const suffix of SUFFIXES) {
    if (key.endsWith(suffix) && key.length > suffix.length) keys.push(`${key.slice(0, -suffix.length)}_revision`);
  }
  if (key === 'base_model') keys.push('revision_of_model');
  keys.push('revision', 'commit');
  return [...new Set(keys)];
}

/** `repo_type: dataset` beside a `repo_id` (huggingface_hub's own argument names). */
export const REPO_TYPE_KEY = 'repo_type';

/** A truthy `trust_remote_code` in a config makes the tool load the repository's Python code. */
export const TRUST_REMOTE_CODE_KEY = 'trust_remote_code';
