/** joblib files: compressed containers and numpy arrays written inline in the pickle stream. */
export { detectCompression, decompressToReader, chunkedReader, type JoblibCompression, type DecompressionCaps, type DecompressResult } from './compressed.js';
export { JOBLIB_INLINE_DATA, JOBLIB_ARRAY_WRAPPER_CLASSES, joblibInlineData, describeJoblibArray, type JoblibArrayLayout, type JoblibInlineHook } from './inline-arrays.js';
export { JOBLIB_ANOMALY_CODES } from './anomalies.js';
