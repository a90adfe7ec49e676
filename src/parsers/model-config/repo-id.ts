/** A Hub repository named in a config value, with the revision the value itself carries (mergekit's `@rev`). */
export interface RepoInValue {
  repo: string;
  /** mergekit's `org/name@rev`; undefined when the value carries none. */
  revision?: string;
}

const PART = /^[A-Za-z0-9_][\w.-]*$/;
const WORD_END = /\w$/;

/**
 * A value ending like a file is a local path (`data/train.jsonl`, `ckpt/model.safetensors`), even
 * though the Hub's id syntax would allow it.
 */
const FILE_SUFFIX = /\.(?:jsonl?|csv|tsv|parquet|arrow|txt|bin|pt|pth|ckpt|safetensors|gguf|onnx|h5|hdf5|keras|pkl|pickle|ya?ml|zip|gz|tar|npz|npy|model|git|ipynb)$/i;

/**
 * `org/name` exactly, in the Hub's id syntax (huggingface_hub's validate_repo_id and
 * transformers.js' REPO_ID_REGEX: word characters, `.` and `-`, starting and ending with a word
 * character, no `..` or `--`, at most 96 characters a part). Local paths (`./x`, `/x`, `~/x`,
 * `C:\x`), URLs and bare names are not.
 */
export function isHubRepoId(value: string): boolean {
  if (value.length > 200) return false;
  const slash = value.indexOf('/');
  if (slash < 0 || value.indexOf('/', slash + 1) >= 0) return false;
  const org = value.slice(0, slash);
  const name = value.slice(slash + 1);
  for (const part of [org, name]) {
    if (part.length === 0 || part.length > 96 || !PART.test(part) || !WORD_END.test(part)) return false;
    if (part.includes('..') || part.includes('--')) return false;
  }
  return !FILE_SUFFIX.test(name);
}

/**
 * The repositories a value names. mergekit reads `org/model@rev+org/lora@rev` (a model and a LoRA
 * adapter, each optionally at a revision); any other value is one id or none.
 */
export function reposInValue(value: string): RepoInValue[] {
  const chunks = value.split('+');
  // mergekit refuses more than one `+`, and more than one `@` in a part: nothing is downloaded.
  if (chunks.length > 2) return [];
  const repos: RepoInValue[] = [];
  for (const chunk of chunks) {
    const at = chunk.split('@');
    if (at.length > 2) return [];
    if (!isHubRepoId(at[0]!)) continue;
    // An empty `@` suffix is falsy to mergekit: no revision.
    repos.push(at.length === 2 && at[1] !== '' ? { repo: at[0]!, revision: at[1] } : { repo: at[0]! });
  }
  return repos;
}
