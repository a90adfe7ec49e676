/**
 * A typed view of the AST @huggingface/jinja's `parse` builds (its node classes are not exported).
 * Only the shapes the analysis reads are spelled out; `childNodes` walks every node generically,
 * so a node kind or field the analysis does not know is still visited, never skipped.
 */

export interface TokenLike {
  value: string;
  type: string;
}

interface NodeBase {
  type: string;
}

export interface ProgramNode extends NodeBase {
  type: 'Program';
  body: JinjaNode[];
}
export interface IfNode extends NodeBase {
  type: 'If';
  test: JinjaNode;
  body: JinjaNode[];
  alternate: JinjaNode[];
}
export interface ForNode extends NodeBase {
  type: 'For';
  loopvar: JinjaNode;
  iterable: JinjaNode;
  body: JinjaNode[];
  defaultBlock: JinjaNode[];
}
export interface SetNode extends NodeBase {
  type: 'Set';
  assignee: JinjaNode;
  value: JinjaNode | null;
  body: JinjaNode[];
}
export interface MacroNode extends NodeBase {
  type: 'Macro';
  name: IdentifierNode;
  args: JinjaNode[];
  body: JinjaNode[];
}
export interface CallStatementNode extends NodeBase {
  type: 'CallStatement';
  call: CallNode;
  callerArgs: JinjaNode[] | null;
  body: JinjaNode[];
}
export interface FilterStatementNode extends NodeBase {
  type: 'FilterStatement';
  filter: JinjaNode;
  body: JinjaNode[];
}
export interface MemberNode extends NodeBase {
  type: 'MemberExpression';
  object: JinjaNode;
  property: JinjaNode;
  computed: boolean;
}
export interface CallNode extends NodeBase {
  type: 'CallExpression';
  callee: JinjaNode;
  args: JinjaNode[];
}
export interface IdentifierNode extends NodeBase {
  type: 'Identifier';
  value: string;
}
export interface StringNode extends NodeBase {
  type: 'StringLiteral';
  value: string;
}
export interface NumberNode extends NodeBase {
  type: 'IntegerLiteral' | 'FloatLiteral';
  value: number;
}
export interface ListNode extends NodeBase {
  type: 'ArrayLiteral' | 'TupleLiteral';
  value: JinjaNode[];
}
export interface ObjectNode extends NodeBase {
  type: 'ObjectLiteral';
  value: Map<JinjaNode, JinjaNode>;
}
export interface BinaryNode extends NodeBase {
  type: 'BinaryExpression';
  operator: TokenLike;
  left: JinjaNode;
  right: JinjaNode;
}
export interface UnaryNode extends NodeBase {
  type: 'UnaryExpression';
  operator: TokenLike;
  argument: JinjaNode;
}
export interface FilterNode extends NodeBase {
  type: 'FilterExpression';
  operand: JinjaNode;
  /** An Identifier or a CallExpression of one; the parser lets other shapes through (`x|f().y`). */
  filter: JinjaNode;
}
export interface SelectNode extends NodeBase {
  type: 'SelectExpression';
  lhs: JinjaNode;
  test: JinjaNode;
}
export interface TestNode extends NodeBase {
  type: 'TestExpression';
  operand: JinjaNode;
  negate: boolean;
  test: IdentifierNode;
}
export interface SliceNode extends NodeBase {
  type: 'SliceExpression';
  start?: JinjaNode;
  stop?: JinjaNode;
  step?: JinjaNode;
}
export interface KeywordNode extends NodeBase {
  type: 'KeywordArgumentExpression';
  key: IdentifierNode;
  value: JinjaNode;
}
export interface SpreadNode extends NodeBase {
  type: 'SpreadExpression' | 'KeywordSpreadExpression';
  argument: JinjaNode;
}
export interface TernaryNode extends NodeBase {
  type: 'Ternary';
  condition: JinjaNode;
  trueExpr: JinjaNode;
  falseExpr: JinjaNode;
}
export interface OtherNode extends NodeBase {
  type: 'Comment' | 'Break' | 'Continue';
}

export type JinjaNode =
  | ProgramNode
  | IfNode
  | ForNode
  | SetNode
  | MacroNode
  | CallStatementNode
  | FilterStatementNode
  | MemberNode
  | CallNode
  | IdentifierNode
  | StringNode
  | NumberNode
  | ListNode
  | ObjectNode
  | BinaryNode
  | UnaryNode
  | FilterNode
  | SelectNode
  | TestNode
  | SliceNode
  | KeywordNode
  | SpreadNode
  | TernaryNode
  | OtherNode;

function isNode(value: unknown): value is JinjaNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Every node directly under `node`, in source order where the AST keeps it. Operator tokens are
 * not nodes (they carry a `type` too, hence the explicit skip).
 */
export function childNodes(node: JinjaNode): JinjaNode[] {
  const out: JinjaNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'operator' || key === 'type') continue;
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push(v);
    } else if (value instanceof Map) {
      for (const [k, v] of value) {
        if (isNode(k)) out.push(k);
        if (isNode(v)) out.push(v);
      }
    } else if (isNode(value)) {
      out.push(value);
    }
  }
  return out;
}

/** Statement lists: bare string literals in them are template text (output), not values. */
export function statementLists(node: JinjaNode): JinjaNode[][] {
  switch (node.type) {
    case 'Program':
      return [node.body];
    case 'If':
      return [node.body, node.alternate];
    case 'For':
      return [node.body, node.defaultBlock];
    case 'Set':
    case 'Macro':
    case 'CallStatement':
    case 'FilterStatement':
      return [node.body];
    default:
      return [];
  }
}

/**
 * The filter a FilterExpression applies: its name and the arguments of its own call. The parser
 * folds calls written after a filter into the filter node (`x|attr('a')()` gives
 * Call(Call(attr, ['a']), [])), so the name is found by going down callees and member objects.
 */
export function filterCall(filter: JinjaNode): { name: string; args: JinjaNode[] } | null {
  let node: JinjaNode = filter;
  for (;;) {
    if (node.type === 'Identifier') return { name: node.value, args: [] };
    if (node.type === 'CallExpression') {
      if (node.callee.type === 'Identifier') return { name: node.callee.value, args: node.args };
      node = node.callee;
    } else if (node.type === 'MemberExpression') node = node.object;
    else return null;
  }
}
