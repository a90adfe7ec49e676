import { onceBoundValue, type Scope } from './scope.js';
import type { SyntaxNode } from './tree-sitter.js';
import type { CodeValue } from './types.js';
import { MAX_STRING_CHARS, MAX_TEXT_CHARS } from './limits.js';

/** Source text as shown in a value or a callee: whitespace runs (line breaks in a call) folded, length capped. */
export function shownText(text: string): string {
  // Cut first: an argument may be most of a file, and this runs for every value shown.
  const head = text.length > MAX_TEXT_CHARS * 4 ? text.slice(0, MAX_TEXT_CHARS * 4) : text;
  const folded = head.replace(/\s+/g, ' ');
  return folded.length > MAX_TEXT_CHARS ? `${folded.slice(0, MAX_TEXT_CHARS - 1)}…` : folded;
}

export const unknownValue = (text: string, resolved?: string): CodeValue => ({ kind: 'unknown', text: shownText(text), ...(resolved !== undefined ? { resolved } : {}) });
export const pathValue = (text: string): CodeValue => ({ kind: 'path', text: shownText(text) });

/** A string value, unless it is too long to be a name, id or revision worth keeping. */
export const stringValue = (value: string, text: () => string): CodeValue => (value.length > MAX_STRING_CHARS ? unknownValue(text()) : { kind: 'string', value });

/** `a + b` where both sides are known: strings join, a path absorbs what is appended to it. */
export function concatenate(left: CodeValue, right: CodeValue, text: string): CodeValue {
  if (left.kind === 'string' && right.kind === 'string') return stringValue(left.value + right.value, () => text);
  if (left.kind === 'path' && (right.kind === 'string' || right.kind === 'path')) return pathValue(text);
  return unknownValue(text);
}

/** A dictionary of keyword arguments whose keys cannot be polluted from source text (`__proto__`). */
export const newKwargs = (): Map<string, CodeValue> => new Map();

/** Where an expression is read: the scope and offset of the call it belongs to, and how far names have been followed. */
export interface ValueContext {
  scope: Scope;
  at: number;
  depth: number;
  /** Values of bound expressions already read, by node id: a constant used by many calls is read once. */
  cache?: Map<number, CodeValue>;
}

export const deeper = (ctx: ValueContext): ValueContext => ({ ...ctx, depth: ctx.depth + 1 });

/**
 * A name's value when it is bound once to an expression (Python and JavaScript alike): that
 * expression evaluated where it was bound, cached by node; otherwise what `named` says of it.
 */
export function followName(
  node: SyntaxNode,
  ctx: ValueContext,
  evaluate: (node: SyntaxNode, ctx: ValueContext) => CodeValue,
  named: (node: SyntaxNode, ctx: ValueContext) => CodeValue,
): CodeValue {
  const bound = onceBoundValue(ctx.scope, node.text, ctx.at);
  if (!bound) return named(node, ctx);
  const cached = ctx.cache?.get(bound.value.id);
  if (cached) return cached;
  const followed = evaluate(bound.value, { scope: bound.scope, at: bound.at, depth: ctx.depth + 1, ...(ctx.cache ? { cache: ctx.cache } : {}) });
  // Not known either way: the name as written at the use reads better than what it holds.
  const value = followed.kind === 'unknown' ? unknownValue(node.text) : followed;
  ctx.cache?.set(bound.value.id, value);
  return value;
}
