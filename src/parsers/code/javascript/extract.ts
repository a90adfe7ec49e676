import { jsOptionsIndex, isInterestingJsCallee } from '../call-table.js';
import { MAX_PATTERN_DEPTH } from '../limits.js';
import { isMutated, onceBoundValue } from '../scope.js';
import { field, locationOf, namedChildren } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';
import type { CodeCall, CodeValue } from '../types.js';
import { newKwargs, shownText } from '../values.js';
import { calleeName, unwrap } from './resolve.js';
import { stringLiteral } from './strings.js';
import { evaluate, type ValueContext } from './values.js';
import { walkJs } from './walk.js';

export interface JsExtraction {
  calls: CodeCall[];
  imports: string[];
}

/** The object literal an options argument is, directly or through a `const` bound once to one. */
function objectLiteral(node: SyntaxNode, ctx: ValueContext): { node: SyntaxNode; ctx: ValueContext } | undefined {
  const n = unwrap(node);
  if (n.type === 'object') return { node: n, ctx };
  if (n.type !== 'identifier' || ctx.depth > 4) return undefined;
  const bound = onceBoundValue(ctx.scope, n.text, ctx.at);
  if (!bound || isMutated(ctx.scope, n.text)) return undefined;
  return objectLiteral(bound.value, { ...ctx, scope: bound.scope, at: bound.at, depth: ctx.depth + 1 });
}

function propertyKey(key: SyntaxNode): string | undefined {
  if (key.type === 'property_identifier' || key.type === 'number') return key.text;
  return stringLiteral(key);
}

/**
 * An options object's properties as keyword arguments: `{ revision }` and `{ revision: x }`
 * alike; one level of nesting flattened (`repo: { type, name }` → `repo.type`, `repo.name`).
 * False when a spread or computed key may hide any option.
 */
function readOptions(object: SyntaxNode, ctx: ValueContext, into: Map<string, CodeValue>, prefix = '', depth = 0): boolean {
  if (depth > MAX_PATTERN_DEPTH) return false;
  let known = true;
  for (const item of namedChildren(object)) {
    switch (item.type) {
      case 'comment':
      case 'method_definition':
        break;
      case 'shorthand_property_identifier':
        into.set(prefix + item.text, evaluate(item, ctx));
        break;
      case 'pair': {
        const key = field(item, 'key');
        const value = field(item, 'value');
        const name = key ? propertyKey(key) : undefined;
        if (name === undefined || !value) {
          known = false;
          break;
        }
        const nested = prefix === '' ? objectLiteral(value, ctx) : undefined;
        if (nested) known = readOptions(nested.node, nested.ctx, into, `${name}.`, depth + 1) && known;
        else into.set(prefix + name, evaluate(value, ctx));
        break;
      }
      case 'spread_element': {
        const inner = item.namedChild(0);
        const spread = inner ? objectLiteral(inner, ctx) : undefined;
        if (spread) known = readOptions(spread.node, spread.ctx, into, prefix, depth + 1) && known;
        else known = false;
        break;
      }
      default:
        known = false;
    }
  }
  return known;
}

function readCall(node: SyntaxNode, callee: string, ctx: ValueContext): Omit<CodeCall, 'callee' | 'written' | 'location'> {
  const result = { args: [] as CodeValue[], kwargs: newKwargs(), hasUnknownKwargs: false, hasStarArgs: false };
  const list = field(node, 'arguments');
  const items = list ? namedChildren(list).filter((c) => c.type !== 'comment') : [];
  const optionsAt = jsOptionsIndex(callee);
  for (const [i, item] of items.entries()) {
    if (item.type === 'spread_element') {
      result.hasStarArgs = true;
      // A spread may supply the options too.
      if (optionsAt !== undefined && i <= optionsAt) result.hasUnknownKwargs = true;
      break;
    }
    if (i === optionsAt) {
      const object = objectLiteral(item, ctx);
      if (object) result.hasUnknownKwargs = !readOptions(object.node, object.ctx, result.kwargs);
      else {
        const value = evaluate(item, ctx);
        result.args.push(value);
        // Options whose object is not known statically: any option may be set.
        if (value.kind !== 'none') result.hasUnknownKwargs = true;
      }
      continue;
    }
    result.args.push(evaluate(item, ctx));
  }
  return result;
}

/**
 * transformers.js and @huggingface/hub calls, with callees resolved through imports and requires
 * and values folded. Undefined when the time budget runs out.
 */
export function extractJs(root: SyntaxNode, deadline: number): JsExtraction | undefined {
  const walk = walkJs(root, deadline);
  if (!walk) return undefined;
  const calls: CodeCall[] = [];
  const cache = new Map<number, CodeValue>();
  for (const { node, scope } of walk.calls) {
    const fn = field(node, 'function');
    if (!fn || fn.type === 'import') continue;
    const at = node.startIndex;
    const callee = calleeName(fn, scope, at);
    if (!isInterestingJsCallee(callee)) continue;
    calls.push({ callee, written: shownText(fn.text), ...readCall(node, callee, { scope, at, depth: 0, cache }), location: locationOf(node) });
  }
  return { calls, imports: walk.imports };
}
