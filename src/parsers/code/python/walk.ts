import { MAX_PATTERN_DEPTH } from '../limits.js';
import { Scope, ScopeRegions } from '../scope.js';
import { field, fields, namedChildren } from '../syntax.js';
import { captureNodes, type SyntaxNode } from '../tree-sitter.js';

/** What one pass over a Python tree collects: scopes with their bindings, and every call with its scope. */
export interface PythonWalk {
  module: Scope;
  calls: Array<{ node: SyntaxNode; scope: Scope }>;
  /** Modules imported anywhere, in source order, once each; relative imports as written (`.utils`). */
  imports: string[];
}

/** Node types that import, bind, open a scope, or call: the only ones the walk reads. */
const NODE_TYPES = [
  'call',
  'import_statement',
  'import_from_statement',
  'function_definition',
  'lambda',
  'class_definition',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
  'assignment',
  'augmented_assignment',
  'delete_statement',
  'for_statement',
  'for_in_clause',
  'as_pattern',
  'named_expression',
  'global_statement',
  'nonlocal_statement',
] as const;

/** Methods that change a dict in place: after one, the dict literal a name was bound to is no longer its value. */
const MUTATORS: ReadonlySet<string> = new Set(['update', 'pop', 'popitem', 'setdefault', 'clear', '__setitem__', '__delitem__']);

/** Dotted module text without whitespace or comments a parenthesised import may hold. */
const dotted = (node: SyntaxNode): string => namedChildren(node).filter((c) => c.type === 'identifier').map((c) => c.text).join('.');

function moduleName(node: SyntaxNode): string {
  if (node.type !== 'relative_import') return dotted(node);
  const prefix = namedChildren(node).find((c) => c.type === 'import_prefix')?.text ?? '';
  const rest = namedChildren(node).find((c) => c.type === 'dotted_name');
  return prefix + (rest ? dotted(rest) : '');
}

/** Identifiers a binding target introduces (`a`, `a, (b, *c)`); attributes and subscripts bind no name. */
function targetNames(node: SyntaxNode, depth = 0): string[] {
  if (depth > MAX_PATTERN_DEPTH) return [];
  switch (node.type) {
    case 'identifier':
      return [node.text];
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'list_splat_pattern':
    case 'list_splat':
    case 'parenthesized_expression':
    case 'as_pattern_target':
      return namedChildren(node).flatMap((c) => targetNames(c, depth + 1));
    default:
      return [];
  }
}

/** The name a subscript target changes in place (`kw["x"] = 1` changes `kw`). */
function subscriptRoot(node: SyntaxNode): string | undefined {
  if (node.type !== 'subscript') return undefined;
  const value = field(node, 'value');
  return value?.type === 'identifier' ? value.text : undefined;
}

function parameterNames(parameters: SyntaxNode, depth = 0): string[] {
  const names: string[] = [];
  if (depth > MAX_PATTERN_DEPTH) return names;
  for (const p of namedChildren(parameters)) {
    if (p.type === 'identifier') names.push(p.text);
    else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const name = field(p, 'name');
      if (name) names.push(...targetNames(name));
    } else if (p.type === 'typed_parameter' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern' || p.type === 'tuple_pattern') {
      for (const c of namedChildren(p)) {
        if (c.type === 'identifier') names.push(c.text);
        else if (c.type === 'list_splat_pattern' || c.type === 'dictionary_splat_pattern' || c.type === 'tuple_pattern') names.push(...parameterNames(c, depth + 1));
      }
    }
  }
  return names;
}

/** The value a chain of assignments ends in (`a = b = value`). */
function innermostValue(assignment: SyntaxNode): SyntaxNode | undefined {
  let value = field(assignment, 'right');
  while (value?.type === 'assignment') value = field(value, 'right');
  return value;
}

/**
 * Records imports, bindings per scope and calls, visiting only the nodes that matter in
 * document order (no recursion: nesting depth in hostile input is unbounded). Values are read
 * afterwards, when every scope is complete: a function body sees module names bound after it.
 * Undefined when the time budget runs out.
 */
export function walkPython(root: SyntaxNode, deadline: number): PythonWalk | undefined {
  const captures = captureNodes(root, NODE_TYPES, deadline);
  if (!captures) return undefined;
  const module = new Scope('module');
  module.moduleConstants = true;
  const regions = new ScopeRegions(module);
  const calls: PythonWalk['calls'] = [];
  const imports: string[] = [];
  const seenImports = new Set<string>();
  const addImport = (name: string): void => {
    if (name && !seenImports.has(name)) {
      seenImports.add(name);
      imports.push(name);
    }
  };
  const other = (scope: Scope, names: string[], at: number): void => names.forEach((n) => scope.bind(n, { kind: 'other', at }));
  const mutate = (scope: Scope, target: SyntaxNode): void => {
    const root = subscriptRoot(target);
    if (root) scope.module.mutated.add(root);
  };

  for (const { type, node, start: at, end } of captures) {
    const scope = regions.scopeOf(at, end);
    switch (type) {
      case 'import_statement':
        for (const item of fields(node, 'name')) {
          if (item.type === 'aliased_import') {
            const target = field(item, 'name');
            const alias = field(item, 'alias');
            if (!target || !alias) continue;
            addImport(dotted(target));
            scope.bind(alias.text, { kind: 'import', at, target: dotted(target) });
          } else {
            // `import a.b.c` binds `a`; `a.b.c.f()` then reads as written.
            const full = dotted(item);
            addImport(full);
            const first = full.split('.', 1)[0]!;
            if (first) scope.bind(first, { kind: 'import', at, target: first });
          }
        }
        break;
      case 'import_from_statement': {
        const source = field(node, 'module_name');
        if (!source) break;
        const from = moduleName(source);
        addImport(from);
        if (namedChildren(node).some((c) => c.type === 'wildcard_import')) scope.starImports.push(from);
        const join = from.endsWith('.') ? from : `${from}.`;
        for (const item of fields(node, 'name')) {
          const target = item.type === 'aliased_import' ? field(item, 'name') : item;
          const alias = item.type === 'aliased_import' ? field(item, 'alias') : item;
          if (target && alias) scope.bind(alias.text, { kind: 'import', at, target: join + dotted(target) });
        }
        break;
      }
      case 'function_definition':
      case 'lambda': {
        const name = field(node, 'name');
        if (name) scope.bind(name.text, { kind: 'other', at });
        const body = field(node, 'body');
        if (!body) break;
        // Defaults, annotations and decorators run in the enclosing scope; the body in the function's.
        const inner = new Scope('function', scope);
        const parameters = field(node, 'parameters');
        if (parameters) other(inner, parameterNames(parameters), at);
        regions.add(inner, body.startIndex, body.endIndex);
        break;
      }
      case 'class_definition': {
        const name = field(node, 'name');
        if (name) scope.bind(name.text, { kind: 'other', at });
        const body = field(node, 'body');
        if (body) regions.add(new Scope('class', scope), body.startIndex, body.endIndex);
        break;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        regions.add(new Scope('comprehension', scope), at, end);
        break;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of namedChildren(node)) {
          if (c.type !== 'identifier') continue;
          scope.outer.set(c.text, type === 'global_statement' ? 'global' : 'nonlocal');
          if (type === 'global_statement') scope.module.declaredGlobal.add(c.text);
        }
        break;
      case 'assignment': {
        // Each assignment of a chain (`a = b = value`) is met on its own; all take the innermost value.
        const target = field(node, 'left');
        if (!target) break;
        if (target.type === 'identifier') {
          const value = innermostValue(node);
          // An annotation alone (`x: int`) binds nothing.
          if (value) scope.bind(target.text, { kind: 'assign', at, value });
        } else {
          other(scope, targetNames(target), at);
          mutate(scope, target);
        }
        break;
      }
      case 'augmented_assignment': {
        const left = field(node, 'left');
        if (left) {
          other(scope, targetNames(left), at);
          mutate(scope, left);
        }
        break;
      }
      case 'delete_statement':
        for (const c of namedChildren(node)) {
          other(scope, targetNames(c), at);
          mutate(scope, c);
        }
        break;
      case 'for_statement':
      case 'for_in_clause': {
        const left = field(node, 'left');
        if (left) other(scope, targetNames(left), at);
        break;
      }
      case 'as_pattern': {
        const alias = field(node, 'alias');
        if (alias) other(scope, targetNames(alias), at);
        break;
      }
      case 'named_expression': {
        const name = field(node, 'name');
        const value = field(node, 'value');
        if (name && value) scope.bind(name.text, { kind: 'assign', at, value });
        break;
      }
      case 'call': {
        calls.push({ node, scope });
        const fn = field(node, 'function');
        if (fn?.type === 'attribute') {
          const object = field(fn, 'object');
          const attr = field(fn, 'attribute');
          if (object?.type === 'identifier' && attr && MUTATORS.has(attr.text)) scope.module.mutated.add(object.text);
        }
        break;
      }
    }
  }
  return { module, calls, imports };
}
