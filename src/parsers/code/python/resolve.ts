import { MAX_CHAIN_PARTS, MAX_FOLD_DEPTH } from '../limits.js';
import { resolveName, type Resolved, type Scope } from '../scope.js';
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

/** What an expression names: an import-resolved dotted name, a dotted name bound nowhere, or something local. */
export type ChainResolution = { kind: 'qualified' | 'free'; name: string } | { kind: 'local'; last?: string };

export function resolveChain(node: SyntaxNode, scope: Scope, at: number, depth = 0): ChainResolution {
  const { root, parts } = chainOf(node);
  const last = parts.length > 0 ? parts[parts.length - 1] : undefined;
  if (root.type !== 'identifier' || depth > MAX_FOLD_DEPTH || parts.length > MAX_CHAIN_PARTS) return { kind: 'local', ...(last ? { last } : {}) };
  const resolved = resolveName(scope, root.text, at, aliasOf, depth);
  if (resolved.kind === 'local') return { kind: 'local', ...(last ? { last } : {}) };
  return { kind: resolved.kind, name: [resolved.name, ...parts].join('.') };
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
