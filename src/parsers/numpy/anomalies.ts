/**
 * Every anomaly code the NumPy parsers emit, with its one-line meaning. Codes are stable:
 * rules and users' suppressions refer to them.
 */
export const NUMPY_ANOMALY_CODES: Readonly<Record<string, string>> = Object.freeze({
  'numpy/bad-header': "The .npy header is not what numpy's read_array accepts (magic, dict literal, keys, value types); numpy.load raises.",
  'numpy/truncated': 'The file ends inside the magic, the header length or the header.',
  'numpy/unsupported-version': 'A .npy format version other than 1.0, 2.0 or 3.0; numpy.load raises.',
  'numpy/size-mismatch': 'For a plain dtype, shape × itemsize differs from the bytes after the header: trailing bytes numpy.load never reads (a hiding place), or too few (numpy.load raises).',
  'numpy/unknown-descr': "A descr this parser cannot size; it is treated as holding objects (the body is analysed as a pickle), failing closed.",
  'numpy/duplicate-key': 'A header key appears twice: numpy uses the last value, a reader that takes the first sees another dtype or shape.',
  'numpy/nonstandard-header': 'A header numpy accepts but never writes (not padded to 16/64 bytes with spaces and one newline, comments, other text after the dict).',
  'numpy/large-header': 'A header over 10000 characters: numpy.load refuses it unless allow_pickle=True.',
});

export type NumpyAnomalyCode = keyof typeof NUMPY_ANOMALY_CODES;
