import { MAX_CHAIN_PARTS, MAX_FOLD_DEPTH } from './limits.js';
import { starImportedName } from './call-table.js';
import type { SyntaxNode } from './tree-sitter.js';

/** What a name is bound to at one place in the source. `at` is the binding statement's start offset. */
export type Binding =
  | { kind: 'import'; at: number; target: string }
  /** `constant`: a JavaScript `const`, which no code can rebind, so nested functions may read it too. */
  | { kind: 'assign'; at: number; value: SyntaxNode; constant?: boolean }
  | { kind: 'other'; at: number };

/**
 * A name scope: a module, a function (or lambda), a class body, or a comprehension. JavaScript
 * uses module and function scopes only: block scopes fold into their function, which can only
 * add bindings and so only make a value less known.
 */
export class Scope {
  /** A Map, so names from source (`__proto__`, `constructor`) are plain keys. */
  readonly bindings = new Map<string, Binding[]>();
  /** Names declared `global` or `nonlocal`: they belong to an enclosing scope. */
  readonly outer = new Map<string, 'global' | 'nonlocal'>();
  /**
   * Names whose object is changed in place somewhere (`kw["revision"] = x`, `opts.revision = x`):
   * their literal is not final. Kept on the module scope for the whole file, since a nested
   * function may change an enclosing object, which costs only a little precision.
   */
  readonly mutated = new Set<string>();
  /** Modules of `from x import *`, in source order. */
  readonly starImports: string[] = [];
  /** Module scope: names some function declares `global`, so a function may rebind them. */
  readonly declaredGlobal = new Set<string>();
  /**
   * Python only: a function can rebind a module name only through `global`, so a module name
   * bound once is known inside functions. (JavaScript assigns outer `let`s freely.)
   */
  moduleConstants = false;

  constructor(
    readonly kind: 'module' | 'function' | 'class' | 'comprehension',
    readonly parent?: Scope,
  ) {}

  bind(name: string, binding: Binding): void {
    const list = this.bindings.get(name);
    if (list) list.push(binding);
    else this.bindings.set(name, [binding]);
  }

  get module(): Scope {
    let s: Scope = this;
    while (s.parent) s = s.parent;
    return s;
  }
}

/**
 * A name's resolution: an imported qualified name; a name bound nowhere (a builtin, or a global
 * from elsewhere), kept as written; or a local value of unknown origin.
 */
export type Resolved = { kind: 'qualified' | 'free'; name: string } | { kind: 'local' };

interface Visible {
  scope: Scope;
  bindings: Binding[];
  binding: Binding;
}

/** In the scope of the use, the binding in force at `at` (the last before it); in enclosing scopes, the last one (functions run later). */
function choose(bindings: Binding[], at: number | undefined): Binding {
  if (at === undefined) return bindings[bindings.length - 1]!;
  let chosen: Binding | undefined;
  for (const b of bindings) if (b.at < at) chosen = b;
  return chosen ?? bindings[0]!;
}

/** Python's lookup: own scope, enclosing functions (not class bodies), module; `global`/`nonlocal` honoured. */
function visibleBinding(scope: Scope, name: string, at: number): Visible | undefined {
  for (let s: Scope | undefined = scope, own = true; s; s = s.parent, own = false) {
    if (!own && s.kind === 'class') continue;
    const declared = s.outer.get(name);
    if (declared === 'global') {
      const module = s.module;
      const bindings = module.bindings.get(name);
      return bindings ? { scope: module, bindings, binding: choose(bindings, undefined) } : undefined;
    }
    if (declared === 'nonlocal') continue;
    const bindings = s.bindings.get(name);
    if (bindings) return { scope: s, bindings, binding: choose(bindings, own ? at : undefined) };
  }
  return undefined;
}

/** Resolves an expression a name is bound to (`model = AutoModel`): the language's attribute-chain reader. */
export type AliasResolver = (value: SyntaxNode, scope: Scope, at: number, depth: number) => Resolved;

export function resolveName(scope: Scope, name: string, at: number, resolveAlias: AliasResolver, depth: number): Resolved {
  const found = visibleBinding(scope, name, at);
  if (!found) {
    const stars = scope.module.starImports;
    for (let i = stars.length - 1; i >= 0; i--) {
      const qualified = starImportedName(stars[i]!, name);
      if (qualified) return { kind: 'qualified', name: qualified };
    }
    return { kind: 'free', name };
  }
  const b = found.binding;
  if (b.kind === 'import') return { kind: 'qualified', name: b.target };
  // A plain alias (`model_cls = AutoModel`) is followed only when it is the name's one binding.
  if (b.kind === 'assign' && found.bindings.length === 1) return resolveAlias(b.value, found.scope, b.at, depth + 1);
  return { kind: 'local' };
}

/** What an expression names: an import-resolved dotted name, a dotted name bound nowhere, or something local. */
export type ChainResolution = { kind: 'qualified' | 'free'; name: string } | { kind: 'local'; last?: string };

/**
 * Resolves an attribute chain (`t.AutoModel.from_pretrained`) the language's reader split into
 * its root and parts: the root name through the scopes, the parts appended.
 */
export function resolveSplitChain(chain: { root: SyntaxNode; parts: string[] }, scope: Scope, at: number, depth: number, resolveAlias: AliasResolver): ChainResolution {
  const { root, parts } = chain;
  const last = parts.length > 0 ? parts[parts.length - 1] : undefined;
  if (root.type !== 'identifier' || depth > MAX_FOLD_DEPTH || parts.length > MAX_CHAIN_PARTS) return { kind: 'local', ...(last ? { last } : {}) };
  const resolved = resolveName(scope, root.text, at, resolveAlias, depth);
  if (resolved.kind === 'local') return { kind: 'local', ...(last ? { last } : {}) };
  return { kind: resolved.kind, name: [resolved.name, ...parts].join('.') };
}

/** Whether a name's object may have been changed in place anywhere in the file. */
export const isMutated = (scope: Scope, name: string): boolean => scope.module.mutated.has(name);

/**
 * The expression a name holds when the language makes it certain: bound exactly once, in the
 * scope of the use (comprehensions see their enclosing scope), before the use; or a JavaScript
 * `const` of an enclosing scope.
 */
export function onceBoundValue(scope: Scope, name: string, at: number): { value: SyntaxNode; at: number; scope: Scope } | undefined {
  let s: Scope | undefined = scope;
  while (s && s.kind === 'comprehension' && !s.bindings.has(name)) s = s.parent;
  if (!s || s.outer.has(name)) return undefined;
  const bindings = s.bindings.get(name);
  if (!bindings) {
    for (let p = s.parent; p; p = p.parent) {
      const outer = p.bindings.get(name);
      if (!outer) continue;
      const b = outer[0]!;
      if (outer.length !== 1 || b.kind !== 'assign') return undefined;
      // A module-level name bound once and never declared `global` elsewhere is a constant by the
      // time any function runs (`MODEL_ID = "org/name"` read in `main()`): the common Python shape.
      const moduleConstant = p.kind === 'module' && p.moduleConstants && !p.declaredGlobal.has(name) && !isMutated(p, name);
      return b.constant || moduleConstant ? { value: b.value, at: b.at, scope: p } : undefined;
    }
    return undefined;
  }
  if (bindings.length !== 1) return undefined;
  const b = bindings[0]!;
  if (b.kind !== 'assign' || b.at >= at) return undefined;
  return { value: b.value, at: b.at, scope: s };
}

/**
 * Which scope a node belongs to, for nodes met in document order: each scope owns a region (a
 * function's body, a comprehension), regions nest, and a region may be opened before it starts
 * (a function's body is opened at `def`, before its parameters' defaults are met).
 */
export class ScopeRegions {
  private readonly open: Array<{ scope: Scope; start: number; end: number }> = [];

  constructor(readonly module: Scope) {}

  /** The innermost scope whose region holds `[start, end)`. */
  scopeOf(start: number, end: number): Scope {
    while (this.open.length > 0 && this.open[this.open.length - 1]!.end <= start) this.open.pop();
    for (let i = this.open.length - 1; i >= 0; i--) {
      const region = this.open[i]!;
      if (region.start <= start && end <= region.end) return region.scope;
    }
    return this.module;
  }

  add(scope: Scope, start: number, end: number): void {
    this.open.push({ scope, start, end });
  }
}
