/**
 * Every anomaly code the Keras family records, grouped by the rule that reports it
 * (src/rules/keras/*). Other families (the TensorFlow SavedModel's keras_metadata.pb) put these
 * codes on their own artifacts through inspectKerasConfig, and the same rules report them there.
 */
export const KERAS_CODES = {
  // keras/lambda-layer: marshalled Python bytecode that loading turns into a function.
  lambda: 'keras/lambda',

  // keras/unsafe-config: config patterns whose loading runs code or touches files/network.
  /** A `function` object (or class) from a module outside Keras (CVE-2025-1550). */
  foreignFunction: 'keras/foreign-function',
  /** keras.config.enable_unsafe_deserialization named in the config (CVE-2025-9906). */
  unsafeDeserialization: 'keras/enable-unsafe-deserialization',
  /** keras.utils.get_file and other non-modeling Keras APIs (CVE-2025-8747, CVE-2025-12060). */
  nonModelingApi: 'keras/non-modeling-api',
  /** TFSMLayer loads an external SavedModel (CVE-2026-1462). */
  tfsmLayer: 'keras/tfsm-layer',
  /** TorchModuleWrapper torch.load()s a pickled module from the config (CVE-2025-49655). */
  torchModule: 'keras/torch-module',
  /** tf.keras TFOpLambda / TensorFlowOpLayer naming a file, process or Python-calling TF op. */
  tfOp: 'keras/tf-op',
  /** A lookup/tokenizer layer whose vocabulary is a file path (CVE-2025-12058). */
  externalFile: 'keras/external-file',
  /** An HDF5 external link: h5py opens another file when the loader follows it. */
  h5ExternalLink: 'keras/h5-external-link',

  // keras/custom-object: objects that need code the file does not carry.
  customObject: 'keras/custom-object',

  // keras/malformed: what could not be read, or was not read in full.
  badConfig: 'keras/bad-config',
  badMetadata: 'keras/bad-metadata',
  configLimit: 'keras/config-limit',
  missingConfig: 'keras/missing-config',
  h5Unreadable: 'keras/h5-unreadable',
  h5NotOpened: 'keras/h5-not-opened',
  h5Limit: 'keras/h5-limit',
} as const;

export type KerasCode = (typeof KERAS_CODES)[keyof typeof KERAS_CODES];

/** Codes `keras/unsafe-config` reports; the file-reading ones are high, the rest critical. */
export const UNSAFE_CONFIG_CODES: ReadonlySet<string> = new Set([
  KERAS_CODES.foreignFunction,
  KERAS_CODES.unsafeDeserialization,
  KERAS_CODES.nonModelingApi,
  KERAS_CODES.tfsmLayer,
  KERAS_CODES.torchModule,
  KERAS_CODES.tfOp,
  KERAS_CODES.externalFile,
  KERAS_CODES.h5ExternalLink,
]);

/** Of those, the ones that read a local file rather than run code or reach the network. */
export const FILE_READ_CODES: ReadonlySet<string> = new Set([KERAS_CODES.externalFile, KERAS_CODES.h5ExternalLink]);

export const MALFORMED_CODES: ReadonlySet<string> = new Set([
  KERAS_CODES.badConfig,
  KERAS_CODES.badMetadata,
  KERAS_CODES.configLimit,
  KERAS_CODES.missingConfig,
  KERAS_CODES.h5Unreadable,
  KERAS_CODES.h5NotOpened,
  KERAS_CODES.h5Limit,
]);
