/**
 * Every anomaly code the safetensors family records, and which rule reports it. Header and index
 * violations a loader rejects or reads differently from other readers are "malformed"; the index
 * codes compare an index with its shards.
 */
export const CODES = {
  // The 8-byte prefix and the header bytes.
  fileTooSmall: 'safetensors/file-too-small',
  headerLength: 'safetensors/header-length',
  headerTooLarge: 'safetensors/header-too-large',
  headerOverLimit: 'safetensors/header-over-limit',
  invalidUtf8: 'safetensors/invalid-utf8',
  invalidJson: 'safetensors/invalid-json',
  headerStart: 'safetensors/header-start',
  headerPadding: 'safetensors/header-padding',
  headerNotObject: 'safetensors/header-not-object',
  duplicateKey: 'safetensors/duplicate-key',
  // One tensor entry.
  badEntry: 'safetensors/bad-entry',
  positionalEntry: 'safetensors/positional-entry',
  unexpectedField: 'safetensors/unexpected-field',
  badDtype: 'safetensors/bad-dtype',
  unknownDtype: 'safetensors/unknown-dtype',
  badShape: 'safetensors/bad-shape',
  badOffsets: 'safetensors/bad-offsets',
  shapeOverflow: 'safetensors/shape-overflow',
  subByteMisaligned: 'safetensors/sub-byte-misaligned',
  sizeMismatch: 'safetensors/size-mismatch',
  // The data section as a whole.
  offsetsReversed: 'safetensors/offsets-reversed',
  offsetsGap: 'safetensors/offsets-gap',
  offsetsOverlap: 'safetensors/offsets-overlap',
  offsetsOutOfBounds: 'safetensors/offsets-out-of-bounds',
  trailingData: 'safetensors/trailing-data',
  badMetadata: 'safetensors/bad-metadata',
  anomalyLimit: 'safetensors/anomaly-limit',
  // Valid, but a name some readers mishandle.
  prototypeName: 'safetensors/prototype-name',
  // model.safetensors.index.json
  indexOverLimit: 'safetensors/index-over-limit',
  indexInvalid: 'safetensors/index-invalid',
  shardLimit: 'safetensors/shard-limit',
  shardPathEscape: 'safetensors/shard-path-escape',
  shardPathUnusual: 'safetensors/shard-path-unusual',
  shardMissing: 'safetensors/shard-missing',
  shardInvalid: 'safetensors/shard-invalid',
  tensorNotInShard: 'safetensors/tensor-not-in-shard',
  tensorInTwoShards: 'safetensors/tensor-in-two-shards',
  unmappedTensor: 'safetensors/unmapped-tensor',
  totalSizeMismatch: 'safetensors/total-size-mismatch',
} as const;

export type SafetensorsCode = (typeof CODES)[keyof typeof CODES];

/** A shard path that leaves the model folder: the `shard-path-escape` rule (critical). */
export const ESCAPE_CODES: ReadonlySet<string> = new Set([CODES.shardPathEscape]);

/** The index and its shards disagree on what loading reads: `index-mismatch`, high. */
export const INDEX_MISMATCH_CODES: ReadonlySet<string> = new Set([CODES.shardPathUnusual, CODES.shardMissing, CODES.shardInvalid, CODES.tensorNotInShard, CODES.tensorInTwoShards]);

/** Bookkeeping an attacker can exploit but that loads the same tensors: `index-mismatch`, medium. */
export const INDEX_HYGIENE_CODES: ReadonlySet<string> = new Set([CODES.unmappedTensor, CODES.totalSizeMismatch]);

/** Advice only: `prototype-tensor-name`, low. */
export const ADVICE_CODES: ReadonlySet<string> = new Set([CODES.prototypeName]);

/** Everything else of this family: the file cannot be loaded, or not read faithfully. */
export const isMalformedCode = (code: string): boolean =>
  code.startsWith('safetensors/') && !ESCAPE_CODES.has(code) && !INDEX_MISMATCH_CODES.has(code) && !INDEX_HYGIENE_CODES.has(code) && !ADVICE_CODES.has(code);
