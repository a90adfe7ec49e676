/**
 * Every anomaly code the GGUF parser records, grouped by the rule that reports it. The message of
 * each anomaly names the field and the value; the code says which check failed.
 */
export const GGUF_MALFORMED = {
  /** A field, string or array runs past the end of the file (or the file stops inside the header). */
  truncated: 'gguf/truncated',
  /** Version other than 1–3, or a byte order that makes the version unreadable. */
  version: 'gguf/bad-version',
  /** A tensor or key-value count that cannot fit in the file. */
  count: 'gguf/bad-count',
  /** A metadata value type outside the 13 GGUF types, or an array of arrays (gguf.cpp reads neither). */
  valueType: 'gguf/bad-value-type',
  emptyKey: 'gguf/empty-key',
  duplicateKey: 'gguf/duplicate-key',
  /** `general.alignment` that is not a u32 power of two. */
  alignment: 'gguf/bad-alignment',
  duplicateTensor: 'gguf/duplicate-tensor',
  /** A tensor name of GGML_MAX_NAME (64) bytes or more. */
  tensorName: 'gguf/tensor-name-too-long',
  /** n_dims above GGML_MAX_DIMS (4). */
  nDims: 'gguf/bad-n-dims',
  /** A dimension that gguf.cpp reads as negative (≥ 2^63). */
  dimension: 'gguf/bad-dimension',
  /** Element count or byte size past INT64_MAX. */
  overflow: 'gguf/size-overflow',
  /** A ggml type no ggml build defines, or one whose support was removed. */
  tensorType: 'gguf/unknown-tensor-type',
  /** First dimension not a multiple of the type's block size. */
  blockSize: 'gguf/block-size-mismatch',
  misaligned: 'gguf/misaligned-offset',
  /** Tensor data not packed in header order, the layout gguf.cpp requires. */
  offsetOrder: 'gguf/offset-order',
  overlap: 'gguf/overlapping-tensors',
  /** Tensor data past the end of the file. */
  dataPastEnd: 'gguf/data-past-eof',
  /** A chat template key whose value is not a string. */
  templateType: 'gguf/template-not-string',
  /** The reader failed, or the parser met something it did not expect. */
  readError: 'gguf/read-error',
} as const;

/** Caps modelvet imposes; hitting one means the file was not fully analysed. */
export const GGUF_LIMIT = {
  header: 'gguf/header-limit',
  count: 'gguf/count-limit',
  string: 'gguf/string-limit',
} as const;

/** Where llama.cpp and the Hugging Face JavaScript reader (@huggingface/gguf) see different content. */
export const GGUF_DIVERGENCE = {
  /** Both read the header, with different keys, values or tensors. */
  content: 'gguf/hub-divergence',
  /** llama.cpp's rules accept the header; the JavaScript reader rejects it. */
  unreadable: 'gguf/hub-unreadable',
} as const;

type Values<T> = T[keyof T];
export type GgufMalformedCode = Values<typeof GGUF_MALFORMED>;
export type GgufLimitCode = Values<typeof GGUF_LIMIT>;
export type GgufDivergenceCode = Values<typeof GGUF_DIVERGENCE>;

const malformed = new Set<string>(Object.values(GGUF_MALFORMED));
const limit = new Set<string>(Object.values(GGUF_LIMIT));

export const isMalformedCode = (code: string): code is GgufMalformedCode => malformed.has(code);
export const isLimitCode = (code: string): code is GgufLimitCode => limit.has(code);
