import type { SyntaxNode } from './tree-sitter.js';

/** Named children without the runtime's null holes. */
export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.childForFieldName(name) ?? undefined;
}

export function fields(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.childrenForFieldName(name).filter((c): c is SyntaxNode => c !== null);
}

/** 1-based line and column (UTF-16 code units, as editors and SARIF count) of a node's start. */
export function locationOf(node: SyntaxNode): { line: number; column: number } {
  const { row, column } = node.startPosition;
  return { line: row + 1, column: column + 1 };
}

/** Recovered syntax errors in a tree: ERROR nodes and tokens the parser had to invent. */
export function countSyntaxErrors(root: SyntaxNode): number {
  if (!root.hasError) return 0;
  let count = 0;
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.isError || node.isMissing) count++;
    if (!node.hasError) continue;
    for (const child of node.children) if (child && (child.hasError || child.isMissing)) stack.push(child);
  }
  return Math.max(count, 1);
}
