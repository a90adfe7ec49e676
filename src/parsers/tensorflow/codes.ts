/** Every anomaly code the TensorFlow parser records; `tensorflow/malformed` (high) reports them all. */
export const TF_CODES = {
  truncated: 'tensorflow/truncated',
  malformed: 'tensorflow/malformed',
  depthLimit: 'tensorflow/depth-limit',
  sizeLimit: 'tensorflow/size-limit',
  noMetaGraph: 'tensorflow/no-meta-graph',
  badMetadata: 'tensorflow/bad-keras-metadata',
  textFormat: 'tensorflow/text-format',
} as const;

export const TF_MALFORMED_CODES: ReadonlySet<string> = new Set(Object.values(TF_CODES));
