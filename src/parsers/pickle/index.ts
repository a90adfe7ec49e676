/**
 * The pickle engine: a table-driven disassembler and symbolic stack machine that reports every
 * callable a real unpickler would import or call, without executing anything.
 */
export { analysePickle, type AnalysePickleOptions } from './analyse.js';
export { sniffPickle } from './sniff.js';
export { PICKLE_ANOMALY_CODES } from './anomalies.js';
export { DEFAULT_PICKLE_BUDGETS } from './budgets.js';
export type { InlineDataHook, InlineDataRequest, InlineDataAnswer, PlainValue } from './inline.js';
export type * from './types.js';
