/**
 * Anomaly codes of the source-code parsers. Each means part of the code was not read, so what it
 * loads is not known; a syntax error is not among them (tree-sitter recovers, and a half-edited
 * file is common in a repository: those are counted in `code.syntaxErrors`).
 */
export const CODE_CODES = {
  /** The file is over the size read whole (`maxJsonBytes`); nothing in it was read. */
  tooLarge: 'code/too-large',
  /** Not text in its declared encoding, or a notebook that is not nbformat JSON. */
  malformed: 'code/malformed',
  /** Parsing ran past its time budget and was abandoned; nothing in the file was extracted. */
  parseTimeout: 'code/parse-timeout',
  /** The parser itself failed (its WebAssembly could not load, or ran out of memory). */
  parseError: 'code/parse-error',
} as const;

export type CodeAnomalyCode = (typeof CODE_CODES)[keyof typeof CODE_CODES];
