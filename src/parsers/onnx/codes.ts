/** Every anomaly code the ONNX parser records, and which rule reports it. */
export const ONNX_CODES = {
  // onnx/malformed (high): the model cannot be read as its loader reads it.
  truncated: 'onnx/truncated',
  malformed: 'onnx/malformed',
  noGraph: 'onnx/no-graph',
  noOpset: 'onnx/no-opset',
  depthLimit: 'onnx/depth-limit',
  sizeLimit: 'onnx/size-limit',
  // onnx/external-data-escape (critical): loading reads a file outside the model's folder.
  externalAbsolute: 'onnx/external-absolute',
  externalEscape: 'onnx/external-escape',
  externalSymlink: 'onnx/external-symlink',
  // onnx/external-data-invalid (high): loading fails or reads the wrong bytes.
  externalNoLocation: 'onnx/external-no-location',
  externalMissing: 'onnx/external-missing',
  externalNotFile: 'onnx/external-not-file',
  externalOutOfRange: 'onnx/external-out-of-range',
  externalBadNumber: 'onnx/external-bad-number',
  externalHardlink: 'onnx/external-hardlink',
  // onnx/external-data-unknown-key (medium): keys an older onnx sets as attributes.
  externalUnknownKey: 'onnx/external-unknown-key',
} as const;

export type OnnxCode = (typeof ONNX_CODES)[keyof typeof ONNX_CODES];

const group = (...codes: OnnxCode[]): ReadonlySet<string> => new Set(codes);

export const MALFORMED_CODES = group(ONNX_CODES.truncated, ONNX_CODES.malformed, ONNX_CODES.noGraph, ONNX_CODES.noOpset, ONNX_CODES.depthLimit, ONNX_CODES.sizeLimit);
export const ESCAPE_CODES = group(ONNX_CODES.externalAbsolute, ONNX_CODES.externalEscape, ONNX_CODES.externalSymlink);
export const INVALID_EXTERNAL_CODES = group(
  ONNX_CODES.externalNoLocation,
  ONNX_CODES.externalMissing,
  ONNX_CODES.externalNotFile,
  ONNX_CODES.externalOutOfRange,
  ONNX_CODES.externalBadNumber,
  ONNX_CODES.externalHardlink,
);
