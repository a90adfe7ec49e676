import { JS_PATH_CALLEES, matchesCallee } from '../call-table.js';
import { MAX_FOLD_DEPTH, MAX_STRING_CHARS } from '../limits.js';
import { field, namedChildren } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';
import type { CodeValue } from '../types.js';
import { concatenate, deeper, followName, pathValue, stringValue, unknownValue, type ValueContext } from '../values.js';
import { calleeName, resolveChain, unwrap } from './resolve.js';
import { stringLiteral } from './strings.js';

export type { ValueContext } from '../values.js';

const isImportMeta = (node: SyntaxNode): boolean => node.type === 'member_expression' && field(node, 'object')?.type === 'meta_property';

function numberValue(text: string): CodeValue {
  if (text.endsWith('n')) return unknownValue(text);
  const n = Number(text.replace(/_/g, ''));
  return Number.isFinite(n) ? { kind: 'number', value: n } : unknownValue(text);
}

/** A name or member chain of unknown value, with what it names when that is an import or a global. */
function named(node: SyntaxNode, ctx: ValueContext): CodeValue {
  const r = resolveChain(node, ctx.scope, ctx.at);
  return unknownValue(node.text, r.kind === 'local' ? undefined : r.name);
}

/** What static reading can tell of a JavaScript/TypeScript expression (see `CodeValue`). */
export function evaluate(node: SyntaxNode, ctx: ValueContext): CodeValue {
  if (ctx.depth > MAX_FOLD_DEPTH) return unknownValue(node.text);
  const n = unwrap(node);
  if ((n.type === 'string' || n.type === 'template_string') && n.endIndex - n.startIndex > MAX_STRING_CHARS * 4) return unknownValue(n.text);
  switch (n.type) {
    case 'string':
      return stringValue(stringLiteral(n) ?? '', () => n.text);
    case 'template_string': {
      const value = stringLiteral(n);
      if (value !== undefined) return stringValue(value, () => n.text);
      // `${MODELS_DIR}/bert`: a path when it starts from one.
      const first = namedChildren(n)[0];
      const inner = first?.type === 'template_substitution' ? first.namedChild(0) : null;
      return inner && evaluate(inner, deeper(ctx)).kind === 'path' ? pathValue(n.text) : unknownValue(n.text);
    }
    case 'number':
      return numberValue(n.text);
    case 'true':
      return { kind: 'bool', value: true };
    case 'false':
      return { kind: 'bool', value: false };
    case 'null':
    case 'undefined':
      return { kind: 'none' };
    case 'unary_expression': {
      const operator = n.child(0)?.type;
      const argument = field(n, 'argument');
      const v = argument ? evaluate(argument, deeper(ctx)) : undefined;
      if (v?.kind === 'number' && (operator === '-' || operator === '+')) return { kind: 'number', value: operator === '-' ? -v.value : v.value };
      return unknownValue(n.text);
    }
    case 'binary_expression': {
      const left = field(n, 'left');
      const right = field(n, 'right');
      if (!left || !right || field(n, 'operator')?.type !== '+') return unknownValue(n.text);
      return concatenate(evaluate(left, deeper(ctx)), evaluate(right, deeper(ctx)), n.text);
    }
    case 'identifier':
    case 'shorthand_property_identifier': {
      if (n.text === '__dirname' || n.text === '__filename') return pathValue(n.text);
      if (n.text === 'undefined') return { kind: 'none' };
      return followName(n, ctx, evaluate, named);
    }
    case 'member_expression': {
      // import.meta.url / .dirname / .filename, and a URL's own path (`new URL(...).pathname`).
      if (isImportMeta(n)) return pathValue(n.text);
      const object = field(n, 'object');
      const property = field(n, 'property')?.text;
      if (object && (property === 'pathname' || property === 'href') && evaluate(object, deeper(ctx)).kind === 'path') return pathValue(n.text);
      return named(n, ctx);
    }
    case 'call_expression': {
      const fn = field(n, 'function');
      return fn && matchesCallee(calleeName(fn, ctx.scope, ctx.at), JS_PATH_CALLEES) ? pathValue(n.text) : unknownValue(n.text);
    }
    case 'new_expression': {
      // new URL("./model/", import.meta.url): a file next to the module.
      const ctor = field(n, 'constructor');
      const args = field(n, 'arguments');
      const base = args && args.namedChildCount >= 2 ? args.namedChild(1) : null;
      if (ctor?.text === 'URL' && base && evaluate(base, deeper(ctx)).kind === 'path') return pathValue(n.text);
      return unknownValue(n.text);
    }
    default:
      return unknownValue(n.text);
  }
}
