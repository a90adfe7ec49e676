/**
 * Anomaly codes the joblib parsers emit, with their one-line meaning. Codes are stable: rules
 * and users' suppressions refer to them. Decompressing a joblib file emits the `archive/` codes
 * of src/parsers/archive/anomalies.ts.
 */
export const JOBLIB_ANOMALY_CODES: Readonly<Record<string, string>> = Object.freeze({
  'joblib/array-unmeasured': "An inline numpy array's size could not be established from its NumpyArrayWrapper state (or its reading is ambiguous): its bytes are read as pickle opcodes.",
  'joblib/unexpected-padding': 'Alignment padding before an inline array that joblib never writes (another length, or not 0xff): joblib.load skips it unread.',
});
