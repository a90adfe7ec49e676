/** NumPy formats: `.npy` headers (object arrays carry a pickle) and dtype sizing shared with joblib. */
export { isNpy, parseNpyHeader, NPY_MAGIC, NUMPY_MAX_HEADER_SIZE, type NpyHeader } from './npy.js';
export { parseDtypeString, applyDtypeState, type DtypeInfo } from './dtype.js';
export { parseLiteral, LiteralError, type PyValue } from './literal.js';
export { NUMPY_ANOMALY_CODES, type NumpyAnomalyCode } from './anomalies.js';
