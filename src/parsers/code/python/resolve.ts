import { resolveSplitChain, type ChainResolution, type Resolved, type Scope } from '../scope.js';
import { field } from '../syntax.js';
import type { SyntaxNode } from '../tree-sitter.js';

/** An attribute chain split into its root expression and the names after it (`a.b.c` → `a`, [b, c]). */
function chainOf(node: SyntaxNode): { root: SyntaxNode; parts: string[] } {
  const parts: string[] = [];
  let n = node;
  for (;;) {
    if (n.type === 'attribute') {
      const attr = field(n, 'attribute');
      const object = field(n, 'object');
      if (!attr || !object) break;
      parts.push(attr.text);
      n = object;
    } else if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) {
      n = n.namedChild(0)!;
    } else break;
  }
  return { root: n, parts: parts.reverse() };
}

export type { ChainResolution };

export function resolveChain(node: SyntaxNode, scope: Scope, at: number, depth = 0): ChainResolution {
  return resolveSplitChain(chainOf(node), scope, at, depth, aliasOf);
}

/** `model_cls = AutoModel`: the alias reads as what it names; anything else is a local value. */
function aliasOf(value: SyntaxNode, scope: Scope, at: number, depth: number): Resolved {
  if (value.type !== 'identifier' && value.type !== 'attribute') return { kind: 'local' };
  const r = resolveChain(value, scope, at, depth);
  return r.kind === 'local' ? { kind: 'local' } : r;
}

/**
 * The callee a call's function expression resolves to (see `CodeCall.callee`): `?.name` for a
 * method on a receiver of unknown origin, `?` for anything else not named.
 */
export function calleeName(fn: SyntaxNode, scope: Scope, at: number): string {
  const r = resolveChain(fn, scope, at);
  if (r.kind !== 'local') return r.name;
  return r.last ? `?.${r.last}` : '?';
}
