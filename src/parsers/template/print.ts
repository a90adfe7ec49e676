import type { JinjaNode } from './ast.js';

const MAX_DEPTH = 40;

function quote(s: string): string {
  const body = s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `'${body}'`;
}

const COMPOUND = new Set(['FilterExpression', 'BinaryExpression', 'UnaryExpression', 'Ternary', 'SelectExpression', 'TestExpression']);

function print(node: JinjaNode, depth: number): string {
  if (depth > MAX_DEPTH) return '…';
  const p = (n: JinjaNode | undefined): string => (n ? print(n, depth + 1) : '');
  // An operand of a lookup, call or filter is parenthesised when it is itself an operation.
  const atom = (n: JinjaNode): string => (COMPOUND.has(n.type) ? `(${p(n)})` : p(n));
  switch (node.type) {
    case 'Identifier':
      return node.value;
    case 'StringLiteral':
      return quote(node.value);
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return String(node.value);
    case 'ArrayLiteral':
      return `[${node.value.map(p).join(', ')}]`;
    case 'TupleLiteral':
      return `(${node.value.map(p).join(', ')}${node.value.length === 1 ? ',' : ''})`;
    case 'ObjectLiteral':
      return `{${[...node.value].map(([k, v]) => `${p(k)}: ${p(v)}`).join(', ')}}`;
    case 'MemberExpression':
      return node.computed ? `${atom(node.object)}[${p(node.property)}]` : `${atom(node.object)}.${p(node.property)}`;
    case 'CallExpression':
      return `${atom(node.callee)}(${node.args.map(p).join(', ')})`;
    case 'FilterExpression':
      return `${node.operand.type === 'FilterExpression' ? p(node.operand) : atom(node.operand)}|${p(node.filter)}`;
    case 'BinaryExpression':
      return `${p(node.left)} ${node.operator.value} ${p(node.right)}`;
    case 'UnaryExpression':
      return node.operator.value === 'not' ? `not ${p(node.argument)}` : `${node.operator.value}${p(node.argument)}`;
    case 'TestExpression':
      return `${p(node.operand)} is ${node.negate ? 'not ' : ''}${p(node.test)}`;
    case 'SelectExpression':
      return `${p(node.lhs)} if ${p(node.test)}`;
    case 'Ternary':
      return `${p(node.trueExpr)} if ${p(node.condition)} else ${p(node.falseExpr)}`;
    case 'SliceExpression':
      return `${p(node.start)}:${p(node.stop)}${node.step ? `:${p(node.step)}` : ''}`;
    case 'KeywordArgumentExpression':
      return `${p(node.key)}=${p(node.value)}`;
    case 'SpreadExpression':
      return `*${p(node.argument)}`;
    case 'KeywordSpreadExpression':
      return `**${p(node.argument)}`;
    case 'Set':
      return `{% set ${p(node.assignee)}${node.value ? ` = ${p(node.value)}` : ''} %}`;
    case 'For':
      return `{% for ${p(node.loopvar)} in ${p(node.iterable)} %}`;
    case 'FilterStatement':
      return `{% filter ${p(node.filter)} %}`;
    case 'CallStatement':
      return `{% call ${p(node.call)} %}`;
    default:
      return `<${node.type}>`;
  }
}

/** Jinja-like source for an expression, cut to `max` characters, for messages. */
export function printExpression(node: JinjaNode, max = 160): string {
  const text = print(node, 0);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
