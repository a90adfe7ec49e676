import { isMutated, onceBoundValue } from '../scope.js';
import { field, namedChildren } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';
import type { CodeCall, CodeValue } from '../types.js';
import { newKwargs, unknownValue } from '../values.js';
import { calleeName } from './resolve.js';
import { evaluate, type ValueContext } from './values.js';

export type CallArguments = Pick<CodeCall, 'args' | 'kwargs' | 'hasUnknownKwargs' | 'hasStarArgs'>;

/**
 * Keys a `**expr` adds, when they are certain: a dict display of string keys, `dict(k=v)`, or a
 * name bound once (in the call's scope, before it, never changed in place) to one of those.
 * Undefined when any key may be hidden.
 */
function splatKeys(node: SyntaxNode, ctx: ValueContext): Map<string, CodeValue> | undefined {
  if (ctx.depth > 4) return undefined;
  switch (node.type) {
    case 'parenthesized_expression':
      return node.namedChildCount === 1 ? splatKeys(node.namedChild(0)!, { ...ctx, depth: ctx.depth + 1 }) : undefined;
    case 'dictionary': {
      const keys = newKwargs();
      for (const item of namedChildren(node)) {
        if (item.type === 'comment') continue;
        const key = item.type === 'pair' ? field(item, 'key') : undefined;
        const value = item.type === 'pair' ? field(item, 'value') : undefined;
        const k = key ? evaluate(key, ctx) : undefined;
        if (!value || k?.kind !== 'string') return undefined;
        keys.set(k.value, evaluate(value, ctx));
      }
      return keys;
    }
    case 'call': {
      const fn = field(node, 'function');
      const args = field(node, 'arguments');
      // The builtin `dict`, not a name that shadows it.
      if (!fn || !args || calleeName(fn, ctx.scope, ctx.at) !== 'dict') return undefined;
      const keys = newKwargs();
      for (const item of namedChildren(args)) {
        if (item.type === 'comment') continue;
        const name = item.type === 'keyword_argument' ? field(item, 'name') : undefined;
        const value = item.type === 'keyword_argument' ? field(item, 'value') : undefined;
        if (!name || !value) return undefined;
        keys.set(name.text, evaluate(value, ctx));
      }
      return keys;
    }
    case 'identifier': {
      const bound = onceBoundValue(ctx.scope, node.text, ctx.at);
      if (!bound || isMutated(ctx.scope, node.text)) return undefined;
      return splatKeys(bound.value, { ...ctx, scope: bound.scope, at: bound.at, depth: ctx.depth + 1 });
    }
    default:
      return undefined;
  }
}

/** A call's arguments as far as they are known (see `CodeCall`). */
export function readArguments(argumentList: SyntaxNode | undefined, ctx: ValueContext): CallArguments {
  const result: CallArguments = { args: [], kwargs: newKwargs(), hasUnknownKwargs: false, hasStarArgs: false };
  if (!argumentList) return result;
  // `f(x for x in y)`: a lone generator argument without its own parentheses.
  if (argumentList.type !== 'argument_list') {
    result.args.push(unknownValue(argumentList.text));
    return result;
  }
  for (const item of namedChildren(argumentList)) {
    switch (item.type) {
      case 'comment':
        break;
      case 'keyword_argument': {
        const name = field(item, 'name');
        const value = field(item, 'value');
        if (name && value) result.kwargs.set(name.text, evaluate(value, ctx));
        break;
      }
      case 'list_splat':
        result.hasStarArgs = true;
        break;
      case 'dictionary_splat': {
        const expression = item.namedChild(0);
        const keys = expression ? splatKeys(expression, ctx) : undefined;
        if (keys) for (const [k, v] of keys) result.kwargs.set(k, v);
        else result.hasUnknownKwargs = true;
        break;
      }
      default:
        // Positions after a `*args` splat are not known.
        if (!result.hasStarArgs) result.args.push(evaluate(item, ctx));
    }
  }
  return result;
}

/** Whether a call passes `trust_remote_code` visibly, so it is kept whatever its callee. */
export function mentionsTrustRemoteCode(argumentList: SyntaxNode | undefined): boolean {
  if (argumentList?.type !== 'argument_list') return false;
  for (const item of namedChildren(argumentList)) {
    if (item.type === 'keyword_argument' && field(item, 'name')?.text === 'trust_remote_code') return true;
    if (item.type === 'dictionary_splat') return true;
  }
  return false;
}
