import { MAX_PATTERN_DEPTH } from '../limits.js';
import { Scope, ScopeRegions } from '../scope.js';
import { field, namedChildren } from '../syntax.js';
import { captureNodes, type SyntaxNode } from '../tree-sitter.js';
import { stringLiteral } from './strings.js';

/** What one pass over a JavaScript/TypeScript tree collects: scopes with their bindings, and every call with its scope. */
export interface JsWalk {
  module: Scope;
  calls: Array<{ node: SyntaxNode; scope: Scope }>;
  /** Module specifiers imported, required or re-exported anywhere, in source order, once each. */
  imports: string[];
}

const FUNCTIONS = ['function_declaration', 'generator_function_declaration', 'function_expression', 'generator_function', 'arrow_function', 'method_definition'];

/** The module a `require("m")`, `await import("m")` or `import("m")` expression loads, if it is one. */
export function requiredModule(node: SyntaxNode): string | undefined {
  let n = node;
  if (n.type === 'await_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  if (n.type !== 'call_expression') return undefined;
  const fn = field(n, 'function');
  const args = field(n, 'arguments');
  const isLoader = fn?.type === 'import' || (fn?.type === 'identifier' && fn.text === 'require');
  const first = args && args.namedChildCount >= 1 ? args.namedChild(0) : null;
  if (!isLoader || !first) return undefined;
  return stringLiteral(first);
}

/** A declarator of `const` (its declaration's first token). */
const isConst = (declarator: SyntaxNode): boolean => declarator.parent?.type === 'lexical_declaration' && declarator.parent.child(0)?.type === 'const';

/** Identifiers a binding pattern introduces (defaults excluded: they are values, not names). */
function patternNames(node: SyntaxNode, depth = 0): string[] {
  if (depth > MAX_PATTERN_DEPTH) return [];
  switch (node.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [node.text];
    case 'pair_pattern': {
      const value = field(node, 'value');
      return value ? patternNames(value, depth + 1) : [];
    }
    case 'assignment_pattern':
    case 'object_assignment_pattern': {
      const left = field(node, 'left');
      return left ? patternNames(left, depth + 1) : [];
    }
    case 'required_parameter':
    case 'optional_parameter': {
      const pattern = field(node, 'pattern');
      return pattern ? patternNames(pattern, depth + 1) : [];
    }
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
    case 'formal_parameters':
      return namedChildren(node).flatMap((c) => patternNames(c, depth + 1));
    default:
      return [];
  }
}

/** `{ pipeline, AutoModel: AM, env = x }` destructured from a module: each local name and the export it takes. */
function destructured(pattern: SyntaxNode): Array<{ local: string; exported: string }> {
  const out: Array<{ local: string; exported: string }> = [];
  for (const p of namedChildren(pattern)) {
    if (p.type === 'shorthand_property_identifier_pattern') out.push({ local: p.text, exported: p.text });
    else if (p.type === 'object_assignment_pattern') {
      const left = field(p, 'left');
      if (left) out.push({ local: left.text, exported: left.text });
    } else if (p.type === 'pair_pattern') {
      const key = field(p, 'key');
      const value = field(p, 'value');
      const target = value?.type === 'assignment_pattern' ? field(value, 'left') : value;
      const exported = key ? (stringLiteral(key) ?? key.text) : undefined;
      if (target?.type === 'identifier' && exported) out.push({ local: target.text, exported });
    }
  }
  return out;
}

/** The identifier an in-place change starts from (`opts.revision = x`, `o["k"] = 1` change `opts`, `o`). */
function memberRoot(node: SyntaxNode): string | undefined {
  let n: SyntaxNode | undefined = node;
  while (n && (n.type === 'member_expression' || n.type === 'subscript_expression')) n = field(n, 'object');
  return n?.type === 'identifier' ? n.text : undefined;
}

/** Node types that import, bind, open a scope, or call: the only ones the walk reads. */
const NODE_TYPES = [
  'call_expression',
  'import_statement',
  'export_statement',
  'variable_declarator',
  'class_declaration',
  'assignment_expression',
  'augmented_assignment_expression',
  'update_expression',
  'unary_expression',
  'for_in_statement',
  'catch_clause',
  ...FUNCTIONS,
];

/**
 * Records imports, bindings per function scope and calls, visiting only the nodes that matter in
 * document order (no recursion: nesting in hostile input is unbounded); values are read once
 * every scope is complete. Undefined when the time budget runs out.
 */
export function walkJs(root: SyntaxNode, deadline: number): JsWalk | undefined {
  const captures = captureNodes(root, NODE_TYPES, deadline);
  if (!captures) return undefined;
  const module = new Scope('module');
  const regions = new ScopeRegions(module);
  const calls: JsWalk['calls'] = [];
  const imports: string[] = [];
  const seen = new Set<string>();
  const addImport = (m: string | undefined): void => {
    if (m && !seen.has(m)) {
      seen.add(m);
      imports.push(m);
    }
  };
  const other = (scope: Scope, names: string[], at: number): void => names.forEach((n) => scope.bind(n, { kind: 'other', at }));
  const mutate = (scope: Scope, target: SyntaxNode): void => {
    const root = memberRoot(target);
    if (root) scope.module.mutated.add(root);
  };

  for (const { type, node, start: at, end } of captures) {
    const scope = regions.scopeOf(at, end);
    switch (type) {
      case 'import_statement': {
        // `import T = require("m")` (TypeScript) keeps its source inside the clause.
        const clauseSource = namedChildren(node).find((c) => c.type === 'import_require_clause');
        const source = field(node, 'source') ?? (clauseSource ? field(clauseSource, 'source') : undefined);
        const from = source ? stringLiteral(source) : undefined;
        addImport(from);
        if (!from) break;
        for (const clause of namedChildren(node)) {
          if (clause.type === 'import_require_clause') {
            const name = namedChildren(clause).find((c) => c.type === 'identifier');
            if (name) scope.bind(name.text, { kind: 'import', at, target: from });
          }
          if (clause.type !== 'import_clause') continue;
          for (const part of namedChildren(clause)) {
            if (part.type === 'identifier') scope.bind(part.text, { kind: 'import', at, target: from });
            else if (part.type === 'namespace_import') {
              const name = namedChildren(part).find((c) => c.type === 'identifier');
              if (name) scope.bind(name.text, { kind: 'import', at, target: from });
            } else if (part.type === 'named_imports') {
              for (const spec of namedChildren(part)) {
                const name = field(spec, 'name');
                const alias = field(spec, 'alias') ?? name;
                if (name && alias) scope.bind(alias.text, { kind: 'import', at, target: `${from}.${stringLiteral(name) ?? name.text}` });
              }
            }
          }
        }
        break;
      }
      case 'export_statement': {
        const source = field(node, 'source');
        if (source) addImport(stringLiteral(source));
        break;
      }
      case 'variable_declarator': {
        const name = field(node, 'name');
        const value = field(node, 'value');
        if (!name) break;
        // `require("m").pipeline` names an export as surely as a destructuring does.
        const member = value?.type === 'member_expression' ? value : undefined;
        const memberObject = member ? field(member, 'object') : undefined;
        const memberModule = memberObject ? requiredModule(memberObject) : undefined;
        const loaded = value ? (requiredModule(value) ?? (memberModule ? `${memberModule}.${field(member!, 'property')?.text ?? ''}` : undefined)) : undefined;
        if (name.type === 'identifier') {
          if (loaded) scope.bind(name.text, { kind: 'import', at, target: loaded });
          else if (value) scope.bind(name.text, { kind: 'assign', at, value, ...(isConst(node) ? { constant: true } : {}) });
          else scope.bind(name.text, { kind: 'other', at });
        } else if (name.type === 'object_pattern' && loaded) {
          for (const { local, exported } of destructured(name)) scope.bind(local, { kind: 'import', at, target: `${loaded}.${exported}` });
        } else {
          other(scope, patternNames(name), at);
        }
        break;
      }
      case 'class_declaration': {
        const name = field(node, 'name');
        if (name) scope.bind(name.text, { kind: 'other', at });
        break;
      }
      case 'assignment_expression':
      case 'augmented_assignment_expression': {
        const left = field(node, 'left');
        if (left?.type === 'identifier') scope.bind(left.text, { kind: 'other', at });
        else if (left) {
          mutate(scope, left);
          other(scope, patternNames(left), at);
        }
        break;
      }
      case 'update_expression': {
        const argument = field(node, 'argument');
        if (argument?.type === 'identifier') scope.bind(argument.text, { kind: 'other', at });
        break;
      }
      case 'unary_expression': {
        const argument = field(node, 'argument');
        if (argument && node.child(0)?.type === 'delete') mutate(scope, argument);
        break;
      }
      case 'for_in_statement': {
        const left = field(node, 'left');
        if (left) other(scope, patternNames(left), at);
        break;
      }
      case 'catch_clause': {
        const parameter = field(node, 'parameter');
        const body = field(node, 'body');
        if (parameter && body) {
          // The caught name lives in the catch block only.
          const inner = new Scope('function', scope);
          other(inner, patternNames(parameter), at);
          regions.add(inner, body.startIndex, body.endIndex);
        }
        break;
      }
      case 'call_expression': {
        calls.push({ node, scope });
        addImport(requiredModule(node));
        // Object.assign(opts, more) changes opts in place.
        const fn = field(node, 'function');
        if (fn?.type === 'member_expression' && fn.text === 'Object.assign') {
          const target = field(node, 'arguments')?.namedChild(0);
          if (target) mutate(scope, target);
        }
        break;
      }
      default: {
        // A function: a declaration's name belongs to the enclosing scope; an expression's only to itself.
        const name = field(node, 'name');
        if (name && (type === 'function_declaration' || type === 'generator_function_declaration')) scope.bind(name.text, { kind: 'other', at });
        const body = field(node, 'body');
        if (!body) break;
        const inner = new Scope('function', scope);
        const parameters = field(node, 'parameters') ?? field(node, 'parameter');
        if (parameters) other(inner, parameters.type === 'identifier' ? [parameters.text] : patternNames(parameters), at);
        regions.add(inner, body.startIndex, body.endIndex);
      }
    }
  }
  return { module, calls, imports };
}
