import type { CallNode, JinjaNode, MacroNode } from './ast.js';
import { childNodes } from './ast.js';
import { EVALUATION_BOUNDS } from './limits.js';
import { Evaluator, iterate, UNDEFINED } from './evaluate.js';
import { BOTTOM, data, fingerprint, flatten, isBottom, join, type Value } from './values.js';

/** One place the template gives a variable (or a namespace slot `ns.attr`) a value. */
interface Assignment {
  target: string;
  compute(ev: Evaluator): Value;
}

interface Collected {
  assignments: Assignment[];
  bound: Set<string>;
  macros: Map<string, MacroNode>;
  /** Set targets start as Undefined (renders as ''); loop variables and parameters are bound by construction. */
  startUndefined: Set<string>;
}

const nameOf = (n: JinjaNode): string | null => (n.type === 'Identifier' ? n.value : null);

/** Positional index or keyword name of a macro parameter. */
function parameters(macro: MacroNode): string[] {
  return macro.args.map((a) => (a.type === 'Identifier' ? a.value : a.type === 'KeywordArgumentExpression' ? a.key.value : ''));
}

function collect(program: JinjaNode, maxDepth: number): Collected {
  const out: Collected = { assignments: [], bound: new Set(), macros: new Map(), startUndefined: new Set() };
  const calls: CallNode[] = [];
  const identifierUses = new Map<string, number>();
  const calleeUses = new Map<string, number>();
  const add = (target: string, compute: (ev: Evaluator) => Value, undefinedAtStart: boolean): void => {
    out.assignments.push({ target, compute });
    if (undefinedAtStart) out.startUndefined.add(target);
  };
  const stack: Array<{ node: JinjaNode; depth: number }> = [{ node: program, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > maxDepth) continue;
    for (const child of childNodes(node)) stack.push({ node: child, depth: depth + 1 });
    switch (node.type) {
      case 'Identifier':
        identifierUses.set(node.value, (identifierUses.get(node.value) ?? 0) + 1);
        break;
      case 'CallExpression':
        calls.push(node);
        if (node.callee.type === 'Identifier') calleeUses.set(node.callee.value, (calleeUses.get(node.callee.value) ?? 0) + 1);
        break;
      case 'Set': {
        const { assignee, value, body } = node;
        const rhs = (ev: Evaluator): Value => (value ? ev.value(value) : ev.output(body));
        if (assignee.type === 'Identifier') {
          out.bound.add(assignee.value);
          add(assignee.value, rhs, true);
          // namespace(k=v) fills slots read later as `ns.k`.
          if (value?.type === 'CallExpression' && value.callee.type === 'Identifier' && value.callee.value === 'namespace') {
            for (const arg of value.args) {
              if (arg.type !== 'KeywordArgumentExpression') continue;
              add(`${assignee.value}.${arg.key.value}`, (ev) => ev.value(arg.value), true);
            }
          }
        } else if (assignee.type === 'TupleLiteral') {
          assignee.value.forEach((el, i) => {
            const n = nameOf(el);
            if (n === null) return;
            out.bound.add(n);
            add(n, (ev) => {
              const v = rhs(ev);
              return v.items?.[i] ?? iterate(v);
            }, true);
          });
        } else if (assignee.type === 'MemberExpression' && !assignee.computed) {
          const object = nameOf(assignee.object);
          const property = nameOf(assignee.property);
          if (object !== null && property !== null) add(`${object}.${property}`, rhs, true);
        }
        break;
      }
      case 'For': {
        const iterable = node.iterable.type === 'SelectExpression' ? node.iterable.lhs : node.iterable;
        const element = (ev: Evaluator): Value => iterate(ev.value(iterable));
        if (node.loopvar.type === 'Identifier') {
          out.bound.add(node.loopvar.value);
          add(node.loopvar.value, element, false);
        } else if (node.loopvar.type === 'TupleLiteral') {
          node.loopvar.value.forEach((el, i) => {
            const n = nameOf(el);
            if (n === null) return;
            out.bound.add(n);
            add(n, (ev) => {
              const e = element(ev);
              return e.items?.[i] ?? iterate(e);
            }, false);
          });
        }
        break;
      }
      case 'Macro': {
        out.macros.set(node.name.value, node);
        out.bound.add(node.name.value);
        for (const a of node.args) {
          if (a.type === 'Identifier') out.bound.add(a.value);
          else if (a.type === 'KeywordArgumentExpression') {
            out.bound.add(a.key.value);
            add(a.key.value, (ev) => ev.value(a.value), false);
          }
        }
        break;
      }
      case 'CallStatement':
        for (const a of node.callerArgs ?? []) {
          const n = a.type === 'Identifier' ? a.value : a.type === 'KeywordArgumentExpression' ? a.key.value : null;
          if (n === null) continue;
          out.bound.add(n);
          add(n, () => data(), false);
        }
        break;
      default:
        break;
    }
  }
  // Each call of a macro gives its parameters values; a macro passed around as a value gets unknown ones.
  for (const [name, macro] of out.macros) {
    const params = parameters(macro);
    const escapes = (identifierUses.get(name) ?? 0) - 1 - (calleeUses.get(name) ?? 0) > 0;
    if (escapes) for (const p of params) if (p) add(p, () => data(), false);
  }
  for (const call of calls) {
    if (call.callee.type !== 'Identifier') continue;
    const macro = out.macros.get(call.callee.value);
    if (!macro) continue;
    const params = parameters(macro);
    let position = 0;
    for (const arg of call.args) {
      if (arg.type === 'KeywordArgumentExpression') {
        if (params.includes(arg.key.value)) add(arg.key.value, (ev) => ev.value(arg.value), false);
      } else if (arg.type === 'SpreadExpression' || arg.type === 'KeywordSpreadExpression') {
        for (const p of params) if (p) add(p, (ev) => iterate(ev.value(arg.argument)), false);
      } else {
        const p = params[position++];
        if (p) add(p, (ev) => ev.value(arg), false);
      }
    }
  }
  return out;
}

export interface SolvedScope {
  evaluator: Evaluator;
  bound: ReadonlySet<string>;
  macros: ReadonlyMap<string, MacroNode>;
}

/**
 * Flow-insensitive values of every variable: each assignment contributes to its target, joined
 * over all of them, iterated until nothing changes. Values that keep growing are widened to
 * what they say about their text (pieces, underscores), so the iteration always ends.
 */
export function solveBindings(program: JinjaNode, options: { positionsExact: boolean; maxDepth: number }): SolvedScope {
  const collected = collect(program, options.maxDepth);
  const env = new Map<string, Value>();
  for (const a of collected.assignments) env.set(a.target, collected.startUndefined.has(a.target) ? UNDEFINED : BOTTOM);
  // A name bound with no assignment to follow (a parameter of a macro never called) is unknown data, not "nothing yet".
  for (const name of collected.bound) if (!env.has(name) && !collected.macros.has(name)) env.set(name, data());
  const evaluator = new Evaluator({ env, bound: collected.bound, macros: collected.macros, positionsExact: options.positionsExact, maxDepth: options.maxDepth });
  const rounds = EVALUATION_BOUNDS.maxRounds;
  let stable = false;
  for (let round = 0; round < rounds * 2 && !stable; round++) {
    stable = true;
    const widen = round >= rounds;
    for (const a of collected.assignments) {
      const before = env.get(a.target) ?? BOTTOM;
      let after = join(before, a.compute(evaluator));
      const changed = fingerprint(after) !== fingerprint(before);
      if (!changed) continue;
      if (widen) after = flatten(after);
      if (fingerprint(after) === fingerprint(before)) continue;
      env.set(a.target, after);
      stable = false;
    }
  }
  if (!stable) {
    // Still changing after widening (not expected): assume the worst about every variable.
    for (const [k, v] of env) env.set(k, join(flatten(v), data({ underscore: true })));
  }
  for (const [k, v] of env) if (isBottom(v)) env.set(k, data());
  evaluator.freeze();
  return { evaluator, bound: collected.bound, macros: collected.macros };
}
