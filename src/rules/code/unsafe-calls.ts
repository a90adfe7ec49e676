/**
 * The Python loaders that deserialize with pickle (or something as strong) and how each is judged.
 * Sources: Bandit B301/B302/B506/B614, Trail of Bits semgrep rules (pickles-in-pytorch,
 * pickles-in-numpy, scikit-joblib-load, pytorch-package, pickles-in-keras), Sonar S6985.
 * `torch.jit.load` (TorchScript, not pickle) and `torch.utils.cpp_extension.load` are not here.
 */

const RUNS = 'loading untrusted data this way runs any code it carries';

/** Called with untrusted input, these run whatever the data says: what each does, as the message after its name. */
export const ALWAYS_UNSAFE: ReadonlyMap<string, string> = new Map([
  ...['pickle', '_pickle', 'cPickle', 'dill', 'cloudpickle'].flatMap((m): Array<[string, string]> => [
    [`${m}.load`, `unpickles the file it reads: ${RUNS}`],
    [`${m}.loads`, `unpickles the bytes it is given: ${RUNS}`],
    [`${m}.Unpickler`, `unpickles the stream it reads: ${RUNS}`],
  ]),
  ['shelve.open', `unpickles every value it reads from the shelf: ${RUNS}`],
  ['shelve.DbfilenameShelf', `unpickles every value it reads from the shelf: ${RUNS}`],
  ['jsonpickle.decode', `rebuilds the arbitrary Python objects the JSON names: ${RUNS}`],
  ['jsonpickle.unpickler.decode', `rebuilds the arbitrary Python objects the JSON names: ${RUNS}`],
  ['jsonpickle.unpickler.Unpickler', `rebuilds the arbitrary Python objects the JSON names: ${RUNS}`],
  ['pandas.read_pickle', `unpickles the file: ${RUNS}`],
  ['marshal.load', 'builds code objects and is not meant for data from others: malformed input can crash the interpreter'],
  ['marshal.loads', 'builds code objects and is not meant for data from others: malformed input can crash the interpreter'],
  ['torch.package.PackageImporter', `unpickles the package and imports the Python code it ships: ${RUNS}`],
  ['joblib.load', `unpickles the file: ${RUNS}`],
  ['sklearn.externals.joblib.load', `unpickles the file: ${RUNS}`],
  ['yaml.unsafe_load', `builds any Python object the YAML names: ${RUNS}`],
  ['yaml.unsafe_load_all', `builds any Python object the YAML names: ${RUNS}`],
]);

export const JOBLIB_LOADS: ReadonlySet<string> = new Set(['joblib.load', 'sklearn.externals.joblib.load']);

export const TORCH_LOADS: ReadonlySet<string> = new Set(['torch.load', 'torch.serialization.load']);

export const NUMPY_LOADS: ReadonlySet<string> = new Set(['numpy.load']);

export const KERAS_LOAD_MODELS: ReadonlySet<string> = new Set(
  ['keras', 'tensorflow.keras', 'tf.keras', 'tf_keras'].flatMap((root) => [`${root}.models.load_model`, `${root}.saving.load_model`]),
);

/** `keras.config.enable_unsafe_deserialization()` turns safe mode off for every later load in the process. */
export const KERAS_UNSAFE_SWITCHES: ReadonlySet<string> = new Set(
  ['keras', 'tensorflow.keras', 'tf.keras', 'tf_keras'].map((root) => `${root}.config.enable_unsafe_deserialization`),
);

export const YAML_LOADS: ReadonlySet<string> = new Set(['yaml.load', 'yaml.load_all']);

/** PyYAML loaders that build only plain data (the last part of the `Loader=` expression). */
export const SAFE_YAML_LOADERS: ReadonlySet<string> = new Set(['SafeLoader', 'CSafeLoader', 'BaseLoader', 'CBaseLoader']);

/** PyYAML loaders that call any constructor the YAML names. */
export const UNSAFE_YAML_LOADERS: ReadonlySet<string> = new Set(['Loader', 'UnsafeLoader', 'CLoader', 'CUnsafeLoader']);

/** FullLoader builds Python objects too; before PyYAML 5.4 it could be made to run code (CVE-2020-1747, CVE-2020-14343). */
export const FULL_YAML_LOADERS: ReadonlySet<string> = new Set(['FullLoader', 'CFullLoader']);
