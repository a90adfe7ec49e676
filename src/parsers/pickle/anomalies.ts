/**
 * Every anomaly code the pickle engine emits, with its one-line meaning. Codes are stable:
 * rules and users' suppressions refer to them.
 */
export const PICKLE_ANOMALY_CODES: Readonly<Record<string, string>> = Object.freeze({
  'pickle/truncated': 'The data ends before STOP or in the middle of an opcode argument; what was read before still counts.',
  'pickle/invalid-opcode': 'A byte that is not a pickle opcode where an opcode was expected; the unpickler raises here.',
  'pickle/stack-underflow': 'An opcode needs more stack items (above the innermost MARK) than there are; the unpickler raises here.',
  'pickle/missing-mark': 'An opcode that collects items up to a MARK found no MARK; the unpickler raises here.',
  'pickle/bad-argument': 'An opcode argument the unpickler rejects or decodes differently (negative length, unquoted STRING, non-numeric INT, bad UTF-8, EXT code <= 0).',
  'pickle/bad-protocol': 'PROTO names a protocol above 5; the unpickler raises here.',
  'pickle/malformed': 'A structural error the unpickler raises on (odd item count for DICT/SETITEMS); the stream stops here.',
  'pickle/memo-missing': 'GET of a memo key that was never stored: the unpickler raises, scanners that abort here drop what they found; analysis continues.',
  'pickle/type-confusion': 'An operand of the wrong type where the unpickler needs a specific one (STACK_GLOBAL operands that are not str, REDUCE arguments that are not a tuple).',
  'pickle/frame-divergence': "FRAME boundaries that CPython's C unpickler and its pure-Python _Unframer read differently (argument crossing a frame end, a new frame before the current one is consumed, a frame past the end of the data or past STOP).",
  'pickle/multiple-streams': 'More than one pickle in the file: a loader that calls load() again runs the next one.',
  'pickle/trailing-data': 'Bytes after STOP that are not another pickle.',
  'pickle/resync': 'After a break, the rest of the data was searched for opcode patterns that name callables, and some were found.',
  'pickle/budget-exceeded': 'A resource limit (detail.budget) was reached; the rest of the data was not analysed.',
  'pickle/build-on-global': 'BUILD applied directly to a global (function, class or module): it sets attributes on a shared object.',
  'pickle/mutates-global': 'APPEND(S), SETITEM(S) or ADDITEMS applied directly to a global object (e.g. os.environ), which calls its methods.',
  'pickle/ext-registered': 'The pickle registers a copyreg extension code at load time, so a later EXT opcode resolves to a callable.',
  'pickle/nested-unanalysed': 'Literal bytes handed to a deserializer were not analysed (not a pickle, a marshal code object, or beyond the nesting budget).',
  'pickle/records-truncated': 'More imports/calls than the record budget; further repeats of already-recorded callables were counted, not listed.',
  'pickle/internal-error': 'The engine failed on this input; the analysis is incomplete and fails closed.',
});

export type PickleAnomalyCode = keyof typeof PICKLE_ANOMALY_CODES;

export { anomaly } from '../anomaly.js';
