import type { AnalyseOptions } from '../../engine/format-handler.js';

/**
 * Parsing time is bounded by wall clock: tree-sitter's work grows with hostile input (deep nesting,
 * long error-recovery chains) faster than with size, so a size cap alone does not bound it.
 * This default (of `limits.codeParseTimeMs`) is generous for real sources (a 2 MB Python file
 * parses in well under a second).
 */
export const PARSE_BUDGET_MS = 15_000;

/** The parse budget for one analysis; options built by hand without the field keep the default. */
export const parseBudgetMs = (options: Pick<AnalyseOptions, 'codeParseTimeMs'>): number => options.codeParseTimeMs ?? PARSE_BUDGET_MS;

/** Longest source text kept in a `CodeValue`'s `text` or a call's `written`, so artifacts stay small. */
export const MAX_TEXT_CHARS = 200;

/** How many names or expressions a value may be followed through (`a = b; b = "x"`), so cycles end. */
export const MAX_FOLD_DEPTH = 16;

/** Longer attribute chains (`a.b.c…`) are not resolved: no real import path is this long, and the callee string stays small. */
export const MAX_CHAIN_PARTS = 32;

/** A longer string literal is not a repository id, revision or file name: its value is not kept (`unknown`), so folding stays cheap. */
export const MAX_STRING_CHARS = 4096;

/** Deeper binding patterns (`((((a))))`, nested destructuring) and option objects are not read further: no real code nests this deep, and recursion stays bounded. */
export const MAX_PATTERN_DEPTH = 64;
