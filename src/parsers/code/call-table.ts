/**
 * The callees the code parsers extract, as data. Names are resolved callees: the module a name
 * was imported from, then the attribute chain (`import tensorflow as tf` makes
 * `tf.keras.models.load_model` read `tensorflow.keras.models.load_model`). Rules match these same
 * strings, so they are exported. Sources: /work/shared/reference/code-rules.md §A and §B
 * (Bandit B301/B302/B506/B614/B615, Trail of Bits semgrep rules, huggingface_hub and
 * transformers.js APIs).
 */

const cross = (modules: readonly string[], names: readonly string[]): string[] => modules.flatMap((m) => names.map((n) => `${m}.${n}`));

/** Calls that deserialize with pickle or run code while loading (code-rules.md §A). */
export const UNSAFE_LOAD_CALLEES: readonly string[] = [
  'torch.load',
  'torch.serialization.load',
  ...cross(['pickle', '_pickle', 'cPickle', 'dill', 'cloudpickle'], ['load', 'loads', 'Unpickler']),
  'shelve.open',
  'shelve.DbfilenameShelf',
  'jsonpickle.decode',
  'jsonpickle.unpickler.decode',
  'jsonpickle.unpickler.Unpickler',
  'pandas.read_pickle',
  'marshal.load',
  'marshal.loads',
  'joblib.load',
  'sklearn.externals.joblib.load',
  'numpy.load',
  ...cross(['keras.models', 'keras.saving', 'tensorflow.keras.models', 'tensorflow.keras.saving', 'tf_keras.models', 'tf_keras.saving'], ['load_model']),
  'keras.config.enable_unsafe_deserialization',
  'tensorflow.keras.config.enable_unsafe_deserialization',
  'keras.models.model_from_yaml',
  'tensorflow.keras.models.model_from_yaml',
  'yaml.load',
  'yaml.load_all',
  'yaml.unsafe_load',
  'yaml.unsafe_load_all',
  'torch.package.PackageImporter',
];

/** The transformers.js packages: current and legacy. */
export const TRANSFORMERS_JS_PACKAGES: readonly string[] = ['@huggingface/transformers', '@xenova/transformers'];
export const HUB_JS_PACKAGE = '@huggingface/hub';

/** Functions that download from the Hub (or GitHub, for torch.hub) by their full resolved name. */
export const DOWNLOAD_CALLEES: readonly string[] = [
  'transformers.pipeline',
  'transformers.pipelines.pipeline',
  'huggingface_hub.hf_hub_download',
  'huggingface_hub.file_download.hf_hub_download',
  'huggingface_hub.snapshot_download',
  'huggingface_hub._snapshot_download.snapshot_download',
  'datasets.load_dataset',
  'torch.hub.load',
  ...cross(['sentence_transformers'], ['SentenceTransformer', 'CrossEncoder', 'SparseEncoder']),
  'sentence_transformers.cross_encoder.CrossEncoder',
  'timm.create_model',
  'timm.models.create_model',
  'vllm.LLM',
  'vllm.entrypoints.llm.LLM',
  ...cross(TRANSFORMERS_JS_PACKAGES, ['pipeline']),
  ...cross([HUB_JS_PACKAGE], ['downloadFile', 'downloadFileToCacheDir', 'snapshotDownload']),
];

/**
 * Methods extracted whatever their receiver (`?.from_pretrained` when the receiver's origin is
 * unknown): every Hub-loading class has them, and `from_config` takes `trust_remote_code`.
 */
export const INTERESTING_METHODS: ReadonlySet<string> = new Set(['from_pretrained', 'from_config', 'hf_hub_download', 'snapshot_download']);

const EXACT: ReadonlySet<string> = new Set([...UNSAFE_LOAD_CALLEES, ...DOWNLOAD_CALLEES]);

const lastPart = (callee: string): string => callee.slice(callee.lastIndexOf('.') + 1);

/** Whether a call to this resolved callee is kept (calls with a `trust_remote_code` keyword are kept whatever their callee). */
export function isInterestingCallee(callee: string): boolean {
  return EXACT.has(callee) || INTERESTING_METHODS.has(lastPart(callee));
}

/** JavaScript keeps transformers.js and @huggingface/hub loaders: it has no pickle loaders and no `trust_remote_code`. */
export function isInterestingJsCallee(callee: string): boolean {
  return lastPart(callee) === 'from_pretrained' || JS_DOWNLOADS.has(callee);
}

/** Which argument of a JavaScript loader is its options object (`pipeline(task, model, options)`). */
export function jsOptionsIndex(callee: string): number | undefined {
  if (lastPart(callee) === 'from_pretrained') return 1;
  if (TRANSFORMERS_JS_PACKAGES.some((p) => callee === `${p}.pipeline`)) return 2;
  return callee.startsWith(`${HUB_JS_PACKAGE}.`) ? 0 : undefined;
}

/** Libraries whose public classes load from the Hub: after `from X import *`, a capitalised name is `X.Name`. */
const HUB_CLASS_MODULES: ReadonlySet<string> = new Set(['transformers', 'diffusers', 'sentence_transformers', 'peft', 'optimum', 'timm', 'vllm', 'open_clip', 'setfit', 'span_marker', 'gliner']);

/** What a bare name means after `from module import *`, when the tables know it. */
export function starImportedName(module: string, name: string): string | undefined {
  const full = `${module}.${name}`;
  if (EXACT.has(full)) return full;
  const root = module.split('.', 1)[0]!;
  return HUB_CLASS_MODULES.has(root) && /^[A-Z]/.test(name) ? full : undefined;
}

// --- Where a download call names its repository -----------------------------------------------

export interface RepoArgument {
  /** Index among positional arguments (JS: among the arguments before the options object). */
  positional?: number;
  /** Keyword (Python) or option property (JS) names, first found wins. */
  keywords: readonly string[];
}

export interface DownloadSpec {
  repo: RepoArgument;
  repoType: 'model' | 'dataset';
  /** A keyword whose literal value sets the repo type (`hf_hub_download(repo_type="dataset")`). */
  repoTypeKeyword?: string;
  /** Keywords holding the revision, first found wins (`code_revision` is not a download's revision). */
  revision: readonly string[];
  /**
   * How the repo string encodes more than an id: `torch-hub` `owner/repo[:ref]` (a GitHub repo),
   * `timm-hf-hub` `hf-hub:org/name[@rev]` (other names are not Hub downloads),
   * `hub-js` `@huggingface/hub`'s `repo` (`"datasets/org/name"` or `{ type, name }`).
   */
  syntax?: 'torch-hub' | 'timm-hf-hub' | 'hub-js';
  /** A keyword that, when literally this value, makes the call read local files (`torch.hub.load(source="local")`). */
  localWhen?: { keyword: string; value: string };
}

const REVISION = ['revision', 'commit_id'] as const;
const FROM_PRETRAINED: DownloadSpec = { repo: { positional: 0, keywords: ['pretrained_model_name_or_path'] }, repoType: 'model', revision: REVISION };
// PeftModel.from_pretrained(model, model_id): the adapter's id comes second.
const PEFT_FROM_PRETRAINED: DownloadSpec = { repo: { positional: 1, keywords: ['model_id'] }, repoType: 'model', revision: REVISION };
const PIPELINE: DownloadSpec = { repo: { positional: 1, keywords: ['model'] }, repoType: 'model', revision: REVISION };
const HUB_FILE: DownloadSpec = { repo: { positional: 0, keywords: ['repo_id'] }, repoType: 'model', repoTypeKeyword: 'repo_type', revision: REVISION };
const LOAD_DATASET: DownloadSpec = { repo: { positional: 0, keywords: ['path'] }, repoType: 'dataset', revision: REVISION };
const TORCH_HUB: DownloadSpec = { repo: { positional: 0, keywords: ['repo_or_dir'] }, repoType: 'model', revision: [], syntax: 'torch-hub', localWhen: { keyword: 'source', value: 'local' } };
const SENTENCE_TRANSFORMER: DownloadSpec = { repo: { positional: 0, keywords: ['model_name_or_path'] }, repoType: 'model', revision: REVISION };
const CROSS_ENCODER: DownloadSpec = { repo: { positional: 0, keywords: ['model_name_or_path', 'model_name'] }, repoType: 'model', revision: REVISION };
const TIMM: DownloadSpec = { repo: { positional: 0, keywords: ['model_name'] }, repoType: 'model', revision: [], syntax: 'timm-hf-hub' };
const VLLM: DownloadSpec = { repo: { positional: 0, keywords: ['model'] }, repoType: 'model', revision: ['revision'] };
const VLLM_TOKENIZER: DownloadSpec = { repo: { keywords: ['tokenizer'] }, repoType: 'model', revision: ['tokenizer_revision'] };
const JS_PIPELINE: DownloadSpec = { repo: { positional: 1, keywords: [] }, repoType: 'model', revision: ['revision'] };
const JS_FROM_PRETRAINED: DownloadSpec = { repo: { positional: 0, keywords: [] }, repoType: 'model', revision: ['revision'] };
const JS_HUB: DownloadSpec = { repo: { keywords: ['repo'] }, repoType: 'model', revision: ['revision'], syntax: 'hub-js' };

const PYTHON_DOWNLOADS = new Map<string, readonly DownloadSpec[]>([
  ['transformers.pipeline', [PIPELINE]],
  ['transformers.pipelines.pipeline', [PIPELINE]],
  ['datasets.load_dataset', [LOAD_DATASET]],
  ['torch.hub.load', [TORCH_HUB]],
  ['sentence_transformers.SentenceTransformer', [SENTENCE_TRANSFORMER]],
  ['sentence_transformers.SparseEncoder', [SENTENCE_TRANSFORMER]],
  ['sentence_transformers.CrossEncoder', [CROSS_ENCODER]],
  ['sentence_transformers.cross_encoder.CrossEncoder', [CROSS_ENCODER]],
  ['timm.create_model', [TIMM]],
  ['timm.models.create_model', [TIMM]],
  ['vllm.LLM', [VLLM, VLLM_TOKENIZER]],
  ['vllm.entrypoints.llm.LLM', [VLLM, VLLM_TOKENIZER]],
]);

const JS_DOWNLOADS = new Map<string, readonly DownloadSpec[]>([
  ...TRANSFORMERS_JS_PACKAGES.map((p): [string, readonly DownloadSpec[]] => [`${p}.pipeline`, [JS_PIPELINE]]),
  ...['downloadFile', 'downloadFileToCacheDir', 'snapshotDownload'].map((f): [string, readonly DownloadSpec[]] => [`${HUB_JS_PACKAGE}.${f}`, [JS_HUB]]),
]);

/** Where the repository and revision sit in a call to this callee; empty when the call downloads nothing. */
export function downloadSpecs(callee: string, language: 'python' | 'javascript' | 'typescript'): readonly DownloadSpec[] {
  const last = lastPart(callee);
  if (language !== 'python') {
    if (last === 'from_pretrained') return [JS_FROM_PRETRAINED];
    return JS_DOWNLOADS.get(callee) ?? [];
  }
  if (last === 'from_pretrained') return /^peft\.(?:[\w.]*\.)?PeftModel\w*\.from_pretrained$/.test(callee) ? [PEFT_FROM_PRETRAINED] : [FROM_PRETRAINED];
  // HfApi().hf_hub_download and friends have the same signature as the module functions.
  if (last === 'hf_hub_download' || last === 'snapshot_download') return callee.startsWith('huggingface_hub.') || callee.startsWith('?.') ? [HUB_FILE] : [];
  return PYTHON_DOWNLOADS.get(callee) ?? [];
}

/**
 * `datasets` builders that read local or given files rather than a Hub repository
 * (`load_dataset("csv", data_files=...)`): their names are not repo ids.
 */
export const PACKAGED_DATASET_BUILDERS: ReadonlySet<string> = new Set(['csv', 'json', 'jsonl', 'parquet', 'text', 'arrow', 'pandas', 'sql', 'xml', 'webdataset', 'imagefolder', 'audiofolder', 'videofolder', 'pdffolder', 'niftifolder', 'cache', 'generator', 'spark', 'hdf5', 'lance']);

// --- Expressions that are filesystem paths -------------------------------------------------------

/** Python callees whose result is a filesystem path (prefixes end with a dot). */
export const PYTHON_PATH_CALLEES: readonly string[] = ['os.path.', 'posixpath.', 'ntpath.', 'pathlib.', 'os.getcwd', 'os.getcwdb', 'os.fspath', 'os.path', 'Path', 'PurePath', 'tempfile.mkdtemp', 'tempfile.gettempdir'];
/** Methods and attributes of a path that give a path. */
export const PATH_METHODS: ReadonlySet<string> = new Set(['joinpath', 'resolve', 'absolute', 'expanduser', 'with_name', 'with_suffix', 'with_stem', 'relative_to', 'parent', 'as_posix', '__str__', '__fspath__']);
/** JS callees whose result is a filesystem path. */
export const JS_PATH_CALLEES: readonly string[] = ['path.', 'node:path.', 'path/posix.', 'node:path/posix.', 'path/win32.', 'url.fileURLToPath', 'node:url.fileURLToPath', 'fileURLToPath', 'process.cwd', 'os.homedir', 'node:os.homedir', 'os.tmpdir', 'node:os.tmpdir'];

export function matchesCallee(callee: string, table: readonly string[]): boolean {
  return table.some((entry) => (entry.endsWith('.') ? callee.startsWith(entry) : callee === entry));
}
