import { matchesCallee, PATH_METHODS, PYTHON_PATH_CALLEES } from '../call-table.js';
import { MAX_FOLD_DEPTH, MAX_STRING_CHARS } from '../limits.js';
import { field, namedChildren } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';
import type { CodeValue } from '../types.js';
import { concatenate, deeper, followName, pathValue, stringValue, unknownValue, type ValueContext } from '../values.js';
import { calleeName, resolveChain } from './resolve.js';

export type { ValueContext } from '../values.js';

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Python's escape sequences in a non-raw literal, in one linear pass (`\N{...}` kept as written). */
function unescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    const simple = SIMPLE_ESCAPES[next];
    if (Object.hasOwn(SIMPLE_ESCAPES, next) && simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = text.slice(i + 2, i + 2 + hexLength);
    if (hexLength > 0 && hex.length === hexLength && /^[0-9a-fA-F]+$/.test(hex)) {
      const code = Number.parseInt(hex, 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : `\\${next}${hex}`;
      i += 1 + hexLength;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      out += String.fromCharCode(Number.parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * One string literal: its value, or how it is not a constant. An f-string with no
 * interpolation is a constant; one whose first part is a path expression (`f"{ROOT}/model"`) is a path.
 */
function stringPiece(node: SyntaxNode, ctx: ValueContext): CodeValue {
  if (node.endIndex - node.startIndex > MAX_STRING_CHARS * 4) return unknownValue(node.text);
  const children = namedChildren(node);
  const start = children[0];
  // The lookbehind starts a match only where the trailing run begins: linear, where the plain `x+$` is quadratic on a long run that is not trailing.
  const prefix = (start?.type === 'string_start' ? start.text : '').replace(/(?<!['"])['"]+$/, '').toLowerCase();
  if (prefix.includes('b')) return unknownValue(node.text);
  const formatted = prefix.includes('f') || prefix.includes('t');
  const raw = prefix.includes('r');
  let value = '';
  for (const child of children) {
    if (child.type === 'string_content') {
      const text = raw ? child.text : unescape(child.text);
      value += formatted ? text.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : text;
    } else if (child.type === 'interpolation') {
      const first = children.find((c) => c.type !== 'string_start');
      const expression = field(child, 'expression');
      if (first?.id === child.id && expression && evaluate(expression, deeper(ctx)).kind === 'path') return pathValue(node.text);
      return unknownValue(node.text);
    }
  }
  return stringValue(value, () => node.text);
}

function numberValue(text: string): CodeValue {
  const cleaned = text.replace(/_/g, '');
  if (/[jJlL]$/.test(cleaned)) return unknownValue(text);
  const n = Number(cleaned);
  return Number.isFinite(n) ? { kind: 'number', value: n } : unknownValue(text);
}

function callValue(node: SyntaxNode, ctx: ValueContext): CodeValue {
  const fn = field(node, 'function');
  if (!fn) return unknownValue(node.text);
  const callee = calleeName(fn, ctx.scope, ctx.at);
  if (matchesCallee(callee, PYTHON_PATH_CALLEES)) return pathValue(node.text);
  // `Path(x).resolve()`, `str(path)`: still a path.
  if (fn.type === 'attribute') {
    const attr = field(fn, 'attribute');
    const object = field(fn, 'object');
    if (attr && object && PATH_METHODS.has(attr.text) && evaluate(object, deeper(ctx)).kind === 'path') return pathValue(node.text);
  }
  if (callee === 'str' || callee === 'os.fspath') {
    const args = field(node, 'arguments');
    const only = args && args.namedChildCount === 1 ? args.namedChild(0) : null;
    if (only && evaluate(only, deeper(ctx)).kind === 'path') return pathValue(node.text);
  }
  return unknownValue(node.text);
}

/** A name or attribute chain of unknown value, with what it names when that is an import or a global. */
function named(node: SyntaxNode, ctx: ValueContext): CodeValue {
  const r = resolveChain(node, ctx.scope, ctx.at);
  return unknownValue(node.text, r.kind === 'local' ? undefined : r.name);
}

/** What static reading can tell of a Python expression (see `CodeValue`). */
export function evaluate(node: SyntaxNode, ctx: ValueContext): CodeValue {
  if (ctx.depth > MAX_FOLD_DEPTH) return unknownValue(node.text);
  switch (node.type) {
    case 'string':
      return stringPiece(node, ctx);
    case 'concatenated_string': {
      let value = '';
      for (const [i, part] of namedChildren(node).entries()) {
        const v = part.type === 'string' ? stringPiece(part, ctx) : unknownValue(part.text);
        if (v.kind === 'path' && i === 0) return pathValue(node.text);
        if (v.kind !== 'string') return unknownValue(node.text);
        value += v.value;
      }
      return stringValue(value, () => node.text);
    }
    case 'true':
      return { kind: 'bool', value: true };
    case 'false':
      return { kind: 'bool', value: false };
    case 'none':
      return { kind: 'none' };
    case 'integer':
    case 'float':
      return numberValue(node.text);
    case 'unary_operator': {
      const argument = field(node, 'argument');
      const operator = field(node, 'operator')?.type;
      const v = argument ? evaluate(argument, deeper(ctx)) : undefined;
      if (v?.kind === 'number' && (operator === '-' || operator === '+')) return { kind: 'number', value: operator === '-' ? -v.value : v.value };
      return unknownValue(node.text);
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildCount === 1 ? node.namedChild(0) : null;
      return inner ? evaluate(inner, deeper(ctx)) : unknownValue(node.text);
    }
    case 'identifier': {
      if (node.text === '__file__') return pathValue(node.text);
      return followName(node, ctx, evaluate, named);
    }
    case 'binary_operator': {
      const left = field(node, 'left');
      const right = field(node, 'right');
      const operator = field(node, 'operator')?.type;
      if (!left || !right || (operator !== '+' && operator !== '/')) return unknownValue(node.text);
      const l = evaluate(left, deeper(ctx));
      const r = evaluate(right, deeper(ctx));
      if (operator === '+') return concatenate(l, r, node.text);
      return l.kind === 'path' || r.kind === 'path' ? pathValue(node.text) : unknownValue(node.text);
    }
    case 'call':
      return callValue(node, ctx);
    case 'attribute': {
      const attr = field(node, 'attribute');
      const object = field(node, 'object');
      if (attr && object && PATH_METHODS.has(attr.text) && evaluate(object, deeper(ctx)).kind === 'path') return pathValue(node.text);
      return named(node, ctx);
    }
    default:
      return unknownValue(node.text);
  }
}
