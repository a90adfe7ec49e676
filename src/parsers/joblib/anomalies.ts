/**
 * Anomaly codes the joblib parsers emit, with their one-line meaning. Codes are stable: rules
 * and users' suppressions refer to them.
 */
export const JOBLIB_ANOMALY_CODES: Readonly<Record<string, string>> = Object.freeze({
  'joblib/array-unmeasured': "An inline numpy array's size could not be established from its NumpyArrayWrapper state (or its reading is ambiguous): its bytes are read as pickle opcodes.",
  'joblib/unexpected-padding': 'Alignment padding before an inline array that joblib never writes (another length, or not 0xff): joblib.load skips it unread.',
  'archive/unsupported-compression': 'The file is compressed with a method that cannot be decompressed here (bz2, lzma, xz, lz4): its content is not analysed.',
  'archive/decompression-limit': 'Decompression stopped at the size or ratio limit: only the bytes inflated before it are analysed.',
  'archive/corrupt-compression': 'The compressed stream is corrupt or cut short (detail.reason): the bytes inflated before the error are analysed.',
  'archive/trailing-data': 'Bytes after the end of the compressed stream, which the loader never reads.',
});
