import { resolveSplitChain, type ChainResolution, type Resolved, type Scope } from '../scope.js';
import { field } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';
import { stringLiteral } from './strings.js';

/** Wrappers that change nothing about what an expression names (`(x)`, `x!`, `x as T`). */
const TRANSPARENT: ReadonlySet<string> = new Set(['parenthesized_expression', 'non_null_expression', 'as_expression', 'satisfies_expression']);

export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (TRANSPARENT.has(n.type) && n.namedChildCount >= 1) n = n.namedChild(0)!;
  return n;
}

/** A member chain split into its root and the property names after it (`T.AutoModel.from_pretrained`, `T["pipeline"]`). */
function chainOf(node: SyntaxNode): { root: SyntaxNode; parts: string[] } {
  const parts: string[] = [];
  let n = unwrap(node);
  for (;;) {
    if (n.type === 'member_expression') {
      const property = field(n, 'property');
      const object = field(n, 'object');
      if (!property || !object) break;
      parts.push(property.text);
      n = unwrap(object);
    } else if (n.type === 'subscript_expression') {
      const index = field(n, 'index');
      const object = field(n, 'object');
      const name = index ? stringLiteral(index) : undefined;
      if (name === undefined || !object) break;
      parts.push(name);
      n = unwrap(object);
    } else break;
  }
  return { root: n, parts: parts.reverse() };
}

export type { ChainResolution };

export function resolveChain(node: SyntaxNode, scope: Scope, at: number, depth = 0): ChainResolution {
  return resolveSplitChain(chainOf(node), scope, at, depth, aliasOf);
}

/** `const Model = T.AutoModel`: the alias reads as what it names; anything else is a local value. */
function aliasOf(value: SyntaxNode, scope: Scope, at: number, depth: number): Resolved {
  const v = unwrap(value);
  if (v.type !== 'identifier' && v.type !== 'member_expression' && v.type !== 'subscript_expression') return { kind: 'local' };
  const r = resolveChain(v, scope, at, depth);
  return r.kind === 'local' ? { kind: 'local' } : r;
}

/** The resolved callee (see `CodeCall.callee`): `?.name` for a method on a receiver of unknown origin. */
export function calleeName(fn: SyntaxNode, scope: Scope, at: number): string {
  const r = resolveChain(fn, scope, at);
  if (r.kind !== 'local') return r.name;
  return r.last ? `?.${r.last}` : '?';
}
