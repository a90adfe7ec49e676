/**
 * What Keras's own deserializer resolves without custom code, and the Keras APIs it refuses.
 * Source: keras 3.15.1 `keras/src/saving/serialization_lib.py` (`_retrieve_class_or_fn`,
 * `NON_MODELING_APIS`, `BUILTIN_MODULES`).
 */
import { KERAS2_CLASSES, KERAS3_CLASSES } from './known-classes.js';

/**
 * Top-level packages whose classes Keras resolves by itself. keras 3.15 imports a config's
 * `module` only when its package is keras, keras_hub, keras_cv or keras_nlp (and keeps only
 * KerasSaveable subclasses); those three are the Keras team's own model libraries and their
 * presets on the Hub name them, so treating them as custom would flag every KerasHub model.
 * tf_keras is Keras 2 itself. Anything else needs custom code, and keras < 3.9 imported any
 * module a config named (CVE-2025-1550).
 */
export const KERAS_PACKAGES: ReadonlySet<string> = new Set(['keras', 'tf_keras', 'keras_hub', 'keras_nlp', 'keras_cv']);

export const packageOf = (module: string): string => module.split('.', 1)[0];
export const isKerasModule = (module: string): boolean => KERAS_PACKAGES.has(packageOf(module));

/**
 * Keras APIs a config can name but that are not modeling code: they download, read or write
 * files, load other models or switch safe_mode off. keras >= 3.11 refuses them by name; older
 * keras 3 (CVE-2025-8747, CVE-2025-9906) called them. The value says what calling one does.
 */
export const NON_MODELING_APIS: ReadonlyMap<string, string> = new Map([
  ['keras.backend.clear_session', 'resets the global Keras state'],
  ['keras.config.enable_unsafe_deserialization', 'turns safe_mode off for the rest of the load'],
  ['keras.models.load_model', 'loads another model file'],
  ['keras.models.model_from_json', 'builds another model from JSON'],
  ['keras.models.save_model', 'writes a model file'],
  ['keras.preprocessing.image_dataset_from_directory', 'reads files from a directory'],
  ['keras.preprocessing.image.load_img', 'reads a file'],
  ['keras.preprocessing.image.save_img', 'writes a file'],
  ['keras.preprocessing.text_dataset_from_directory', 'reads files from a directory'],
  ['keras.saving.deserialize_keras_object', 'deserializes a further object outside safe_mode checks'],
  ['keras.saving.load_model', 'loads another model file'],
  ['keras.saving.load_weights', 'reads a weights file'],
  ['keras.saving.register_keras_serializable', 'registers objects under attacker-chosen names'],
  ['keras.saving.save_model', 'writes a model file'],
  ['keras.saving.save_weights', 'writes a weights file'],
  ['keras.saving.serialize_keras_object', 'serializes objects'],
  ['keras.utils.audio_dataset_from_directory', 'reads files from a directory'],
  ['keras.utils.clear_session', 'resets the global Keras state'],
  ['keras.utils.deserialize_keras_object', 'deserializes a further object outside safe_mode checks'],
  ['keras.utils.get_file', 'downloads a file from a URL and can extract it'],
  ['keras.utils.image_dataset_from_directory', 'reads files from a directory'],
  ['keras.utils.load_img', 'reads a file'],
  ['keras.utils.register_keras_serializable', 'registers objects under attacker-chosen names'],
  ['keras.utils.save_img', 'writes a file'],
  ['keras.utils.serialize_keras_object', 'serializes objects'],
  ['keras.utils.text_dataset_from_directory', 'reads files from a directory'],
]);

/** Short names of the APIs above: a config may reach them under keras.src.* paths too. */
export const NON_MODELING_NAMES: ReadonlyMap<string, string> = new Map(
  [...NON_MODELING_APIS].map(([api, what]) => [api.slice(api.lastIndexOf('.') + 1), what]),
);

/**
 * Python's builtins (3.11, exceptions left out). A `function` object with module `builtins`
 * is how Keras writes its own activations and losses ("relu", "mse"), and none of those names is
 * a Python builtin; keras < 3.9 fell back to importing `builtins` and returned e.g. print or exec.
 */
export const PYTHON_BUILTINS: ReadonlySet<string> = new Set([
  '__import__', 'abs', 'aiter', 'all', 'anext', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes',
  'callable', 'chr', 'classmethod', 'compile', 'complex', 'copyright', 'credits', 'delattr', 'dict', 'dir', 'divmod',
  'enumerate', 'eval', 'exec', 'exit', 'filter', 'float', 'format', 'frozenset', 'getattr', 'globals', 'hasattr',
  'hash', 'help', 'hex', 'id', 'input', 'int', 'isinstance', 'issubclass', 'iter', 'len', 'license', 'list', 'locals',
  'map', 'max', 'memoryview', 'min', 'next', 'object', 'oct', 'open', 'ord', 'pow', 'print', 'property', 'quit',
  'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'staticmethod', 'str', 'sum', 'super',
  'tuple', 'type', 'vars', 'zip', 'execfile', 'reload', 'raw_input', 'file', 'apply',
]);

/** Class names Keras resolves without a module (legacy configs). */
export const KNOWN_CLASSES: ReadonlySet<string> = new Set([...KERAS3_CLASSES, ...KERAS2_CLASSES]);

/**
 * Serialization markers Keras handles itself (serialization_lib special cases); `__lambda__` and
 * `__typespec__` are judged separately.
 */
export const SPECIAL_CLASSES: ReadonlySet<string> = new Set([
  '__keras_tensor__', '__tensor__', '__numpy__', '__bytes__', '__ellipsis__', '__slice__',
]);

/**
 * Config keys that name a file a layer reads when it is built: IndexLookup's (StringLookup,
 * IntegerLookup, TextVectorization) `vocabulary`, KerasHub tokenizers' `vocabulary`, `merges`
 * and `proto`. Keras saves vocabularies inline or as archive assets, so a string here is a path
 * that a loader opens (tf.io.gfile: local paths and gs://, s3://, http(s) where supported).
 */
export const FILE_PATH_KEYS: ReadonlySet<string> = new Set(['vocabulary', 'merges', 'proto']);

/**
 * tf.keras op layers (TFOpLambda names a TF API, TensorFlowOpLayer carries a NodeDef) rebuild
 * whatever TF function or op they name. These reach files, processes or Python.
 */
export const RISKY_TF_API_PREFIXES: readonly string[] = [
  'io.', 'raw_ops.', 'compat.v1.io.', 'compat.v1.py_func', 'py_function', 'numpy_function', 'compat.v1.gfile.',
  'saved_model.', 'data.experimental.', 'summary.', 'debugging.experimental.', 'load_op_library', 'load_library.',
];
export const RISKY_TF_OPS: ReadonlySet<string> = new Set([
  'ReadFile', 'WriteFile', 'MatchingFiles', 'PyFunc', 'PyFuncStateless', 'EagerPyFunc', 'Save', 'SaveV2', 'SaveSlices',
  'Restore', 'RestoreV2', 'RestoreSlice', 'MergeV2Checkpoints', 'ImmutableConst', 'PrintV2', 'WriteAudioSummary',
  'DebugIdentityV2', 'DatasetToTFRecord', 'TFRecordDataset', 'FixedLengthRecordDataset', 'TextLineDataset',
]);
