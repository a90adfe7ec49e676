import type { CallNode, FilterNode, JinjaNode, MacroNode, MemberNode } from './ast.js';
import { childNodes, filterCall } from './ast.js';
import { FOREIGN_GLOBALS, JINJA_GLOBALS, SPECIAL_TOKEN_VARIABLES, TRANSFORMERS_GLOBALS } from './gadgets.js';
import { EVALUATION_BOUNDS } from './limits.js';
import { formatMakesChars, parseFormatString, percentFormat, percentMakesChars, strFormat, type KnownArg } from './pyformat.js';
import * as py from './pystr.js';
import { BOTTOM, data, derived, isBottom, isString, join, joinAll, knownText, list, mapping, num, printsOpen, str, strings, textOf, type Value } from './values.js';

/** What the evaluation needs to know about the template as a whole. */
export interface EvaluationScope {
  /** Variables (and `ns.attr` namespace slots) the template itself binds, with their values so far. */
  env: Map<string, Value>;
  /** Every name the template binds anywhere (set, for, macro parameters, macro names). */
  bound: ReadonlySet<string>;
  macros: ReadonlyMap<string, MacroNode>;
  /** False when whitespace runs were shortened before parsing: slicing and indexing literals is then not trusted. */
  positionsExact: boolean;
  maxDepth: number;
}

/** Jinja's Undefined renders as an empty string: a bound variable read before its first assignment. */
export const UNDEFINED = str('', []);

const TOP: Value = data({ underscore: true });

/** Every combination of the alternatives (capped): the strings `a ~ b` can be. */
function concatStrings(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > EVALUATION_BOUNDS.maxAlternatives) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return out;
}

const hasUnderscore = (list: readonly string[]): boolean => list.some((s) => s.includes('_'));

/**
 * `a ~ b`: the known alternatives combine exactly; the unknown rest is (known ~ unknown) ∪
 * (unknown ~ known) ∪ (unknown ~ unknown), whose literal text is what the known sides bring.
 */
export function concat(a: Value, b: Value): Value {
  if (isBottom(a) || isBottom(b)) return BOTTOM;
  const sa = knownText(a);
  const sb = knownText(b);
  const oa = printsOpen(a);
  const ob = printsOpen(b);
  let known: readonly string[] = sa.length > 0 && sb.length > 0 ? (concatStrings(sa, sb) ?? []) : [];
  const overflow = sa.length > 0 && sb.length > 0 && known.length === 0;
  let pieces: string[] = [];
  let underscore = false;
  if (ob) {
    pieces.push(...sa, ...b.pieces);
    underscore ||= hasUnderscore(sa) || b.underscore;
  }
  if (oa) {
    pieces.push(...sb, ...a.pieces);
    underscore ||= hasUnderscore(sb) || a.underscore;
  }
  if (overflow) {
    pieces.push(...sa, ...sb);
    underscore ||= hasUnderscore(sa) || hasUnderscore(sb);
    known = [];
  }
  pieces = pieces.filter((p) => p !== '');
  return strings(known, { roots: [], configControlled: a.configControlled || b.configControlled }, { open: oa || ob || overflow, pieces, underscore });
}

/** Applies `f` to every known alternative; the unknown rest stays unknown (`introduces`: `f` can add a `_` to it). */
function mapStrings(v: Value, f: (s: string) => string | null, introduces = false): Value {
  if (isBottom(v)) return BOTTOM;
  const out: string[] = [];
  const failed: string[] = [];
  for (const s of v.strings) {
    const r = f(s);
    if (r === null) failed.push(s);
    else out.push(r);
  }
  const open = v.open || failed.length > 0;
  return strings(out, v, { open, pieces: [...v.pieces, ...failed], underscore: v.underscore || hasUnderscore(failed) || (open && introduces) });
}

/** What iterating a value yields. */
export function iterate(v: Value): Value {
  if (isBottom(v)) return BOTTOM;
  if (v.elements) return v.elements;
  if (v.items) return joinAll(v.items);
  if (v.strings.length > 0) {
    const chars = new Set<string>();
    for (const s of v.strings) for (const c of py.toChars(s)) chars.add(c);
    return strings([...chars], v, { open: v.open, pieces: v.pieces, underscore: v.underscore });
  }
  return derived([v]);
}

/** The integer an optional argument certainly is (absent arguments are null, unknown ones are `undefined`). */
const intArg = (v: Value | undefined): bigint | null | undefined => (v === undefined ? null : v.int !== null ? v.int : undefined);

export interface CallArguments {
  positional: Value[];
  keywords: Map<string, Value>;
}

export class Evaluator {
  private memo: Map<JinjaNode, Value> | null = null;
  private readonly macroStack = new Set<string>();
  private readonly literalText = new Map<JinjaNode, Value>();

  constructor(private readonly scope: EvaluationScope) {}

  /** After the fixpoint the environment no longer changes: values can be cached per node. */
  freeze(): void {
    this.memo = new Map();
  }

  value(node: JinjaNode, depth = 0): Value {
    if (depth > this.scope.maxDepth) return TOP;
    if (this.memo) {
      const hit = this.memo.get(node);
      if (hit) return hit;
      const v = this.compute(node, depth);
      this.memo.set(node, v);
      return v;
    }
    return this.compute(node, depth);
  }

  private compute(node: JinjaNode, depth: number): Value {
    const ev = (n: JinjaNode): Value => this.value(n, depth + 1);
    switch (node.type) {
      case 'StringLiteral':
        return str(node.value);
      case 'IntegerLiteral':
        return num(Number.isSafeInteger(node.value) ? BigInt(node.value) : null);
      case 'FloatLiteral':
        return num(null);
      case 'ArrayLiteral':
      case 'TupleLiteral':
        return list(node.value.map(ev));
      case 'ObjectLiteral': {
        const keys: Value[] = [];
        const values: Value[] = [];
        for (const [k, v] of node.value) {
          keys.push(ev(k));
          values.push(ev(v));
        }
        return mapping(joinAll(keys), joinAll(values));
      }
      case 'Identifier':
        return this.identifier(node.value);
      case 'MemberExpression':
        return this.member(node, depth);
      case 'CallExpression':
        return this.call(node, depth);
      case 'FilterExpression':
        return this.filterExpression(node, depth);
      case 'BinaryExpression':
        return this.binary(node.operator.value, ev(node.left), ev(node.right));
      case 'UnaryExpression': {
        const a = ev(node.argument);
        if (node.operator.value === '-' && a.int !== null) return num(-a.int);
        if (node.operator.value === '+' && a.int !== null) return num(a.int);
        return num(null);
      }
      case 'TestExpression':
        return num(null);
      case 'Ternary':
        return join(ev(node.trueExpr), ev(node.falseExpr));
      case 'SelectExpression':
        return join(ev(node.lhs), UNDEFINED);
      case 'KeywordArgumentExpression':
        return ev(node.value);
      case 'SpreadExpression':
      case 'KeywordSpreadExpression':
        // `*xs` / `**d` hand over elements, keys and values alike: keep all of their text, none of it exact.
        return derived([ev(node.argument)]);
      default:
        return this.literals(node);
    }
  }

  identifier(name: string): Value {
    if (this.scope.bound.has(name)) {
      if (this.scope.macros.has(name)) return data();
      const v = this.scope.env.get(name) ?? BOTTOM;
      return SPECIAL_TOKEN_VARIABLES.has(name) ? join(v, data({ configControlled: true })) : v;
    }
    if (JINJA_GLOBALS.has(name) || TRANSFORMERS_GLOBALS.has(name) || FOREIGN_GLOBALS.has(name)) return data({ roots: [name] });
    if (name === 'loop') return data({ roots: ['loop'] });
    if (name === 'true' || name === 'True') return num(1n);
    if (name === 'false' || name === 'False') return num(0n);
    if (name === 'none' || name === 'None') return data({ numeric: true });
    if (SPECIAL_TOKEN_VARIABLES.has(name)) return data({ configControlled: true });
    if (name === 'caller') return this.literals(null);
    return data();
  }

  /** Every literal (text included) under a node: what a macro or call block can output, at most. */
  literals(node: JinjaNode | null): Value {
    if (node === null) return data();
    const cached = this.literalText.get(node);
    if (cached) return cached;
    const found: Value[] = [];
    const stack: Array<{ n: JinjaNode; d: number }> = [{ n: node, d: 0 }];
    while (stack.length > 0) {
      const { n, d } = stack.pop()!;
      if (n.type === 'StringLiteral') found.push(str(n.value, []));
      if (d < this.scope.maxDepth) for (const c of childNodes(n)) stack.push({ n: c, d: d + 1 });
    }
    const v = derived(found);
    this.literalText.set(node, v);
    return v;
  }

  /** The value an attribute lookup yields, as far as it is known. */
  attribute(object: Value, name: string | null): Value {
    if (isBottom(object)) return BOTTOM;
    if (object.members) return object.members;
    if (object.roots.includes('loop') && name !== null) {
      if (['index', 'index0', 'revindex', 'revindex0', 'length', 'depth', 'depth0', 'first', 'last'].includes(name)) return num(null);
      return data();
    }
    return derived([object], { roots: object.roots.filter((r) => r !== 'literal') });
  }

  private member(node: MemberNode, depth: number): Value {
    const object = this.value(node.object, depth + 1);
    if (!node.computed) {
      const name = node.property.type === 'Identifier' ? node.property.value : null;
      if (name !== null && node.object.type === 'Identifier' && this.scope.bound.has(node.object.value)) {
        const slot = this.scope.env.get(`${node.object.value}.${name}`);
        if (slot) return slot;
      }
      if (node.property.type === 'IntegerLiteral') return this.item(object, num(BigInt(Math.trunc(node.property.value))));
      return this.attribute(object, name);
    }
    if (node.property.type === 'SliceExpression') {
      const p = node.property;
      const part = (n: JinjaNode | undefined): bigint | null | undefined => (n ? intArg(this.value(n, depth + 1)) : null);
      const start = part(p.start);
      const stop = part(p.stop);
      const step = part(p.step);
      if (start === undefined || stop === undefined || step === undefined || !this.scope.positionsExact) {
        return object.strings.length > 0 || object.items ? derived([object], { elements: iterate(object) }) : object;
      }
      if (object.items) {
        const items = py.pySlice(object.items, start, stop, step);
        return items ? list(items) : derived([object]);
      }
      if (object.strings.length > 0) return mapStrings(object, (s) => py.stringSlice(s, start, stop, step));
      return object;
    }
    return this.item(object, this.value(node.property, depth + 1));
  }

  /** `object[key]`. */
  item(object: Value, key: Value): Value {
    if (isBottom(object) || isBottom(key)) return BOTTOM;
    if (key.int !== null && this.scope.positionsExact) {
      if (object.items) return py.pyIndex(object.items, key.int) ?? data();
      if (object.strings.length > 0) return mapStrings(object, (s) => py.stringIndex(s, key.int!));
    }
    if (key.numeric) return object.elements ?? (object.strings.length > 0 ? iterate(object) : derived([object], { roots: object.roots.filter((r) => r !== 'literal') }));
    if (isString(key) && key.strings.length === 1 && object.roots.includes('loop')) return this.attribute(object, key.strings[0]);
    return object.members ?? derived([object], { roots: object.roots.filter((r) => r !== 'literal') });
  }

  arguments(args: readonly JinjaNode[], depth: number): CallArguments {
    const positional: Value[] = [];
    const keywords = new Map<string, Value>();
    for (const a of args) {
      if (a.type === 'KeywordArgumentExpression') keywords.set(a.key.value, this.value(a.value, depth + 1));
      else positional.push(this.value(a, depth + 1));
    }
    return { positional, keywords };
  }

  private call(node: CallNode, depth: number): Value {
    const args = this.arguments(node.args, depth);
    const all = [...args.positional, ...args.keywords.values()];
    const callee = node.callee;
    if (callee.type === 'Identifier' && !this.scope.bound.has(callee.value)) {
      switch (callee.value) {
        case 'namespace':
          return data({ members: joinAll(all) });
        case 'dict':
          return mapping(strings([...args.keywords.keys()]), joinAll([...args.keywords.values()]));
        case 'range':
          return data({ elements: num(null), roots: ['literal'] });
        case 'cycler':
          return data({ members: joinAll(all) });
        case 'joiner':
        case 'lipsum':
        case 'raise_exception':
          return data();
        default:
          return derived(all);
      }
    }
    if (callee.type === 'Identifier' && this.scope.macros.has(callee.value)) return this.macroOutput(callee.value);
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
      return this.method(this.value(callee.object, depth + 1), callee.property.value, args);
    }
    return derived([this.value(callee, depth + 1), ...all]);
  }

  private macroOutput(name: string): Value {
    const macro = this.scope.macros.get(name)!;
    if (this.macroStack.has(name)) return this.literals(macro);
    this.macroStack.add(name);
    try {
      // What a macro returns is its rendered body: the text it holds plus whatever its parameters bring.
      const params = macro.args.map((a) => (a.type === 'Identifier' ? a.value : a.type === 'KeywordArgumentExpression' ? a.key.value : null));
      const fromParams = params.filter((p): p is string => p !== null).map((p) => this.scope.env.get(p) ?? BOTTOM);
      return derived([this.literals(macro), ...fromParams]);
    } finally {
      this.macroStack.delete(name);
    }
  }

  /** Python and Jinja methods on the value (`'x'.upper()`, `d.items()`, `cycler(...).next()`). */
  method(object: Value, name: string, args: CallArguments): Value {
    const [a0, a1, a2] = args.positional;
    const all = [object, ...args.positional, ...args.keywords.values()];
    const single = (v: Value | undefined): string | null | undefined => {
      if (v === undefined) return null;
      return isString(v) && v.strings.length === 1 ? v.strings[0] : undefined;
    };
    switch (name) {
      case 'upper':
        return mapStrings(object, (s) => s.toUpperCase());
      case 'lower':
        return mapStrings(object, (s) => s.toLowerCase());
      case 'title':
        return mapStrings(object, py.title);
      case 'capitalize':
        return mapStrings(object, py.capitalize);
      case 'swapcase':
        return mapStrings(object, py.swapcase);
      case 'strip':
      case 'lstrip':
      case 'rstrip': {
        const set = single(a0);
        if (set === undefined) return derived(all);
        return mapStrings(object, (s) => py.strip(s, set, name === 'strip' ? 'both' : name === 'lstrip' ? 'left' : 'right'));
      }
      case 'replace': {
        const from = single(a0);
        const to = single(a1);
        const count = intArg(a2);
        if (from === undefined || from === null || to === undefined || to === null || count === undefined) return derived(all);
        return mapStrings(object, (s) => py.replace(s, from, to, count), to.includes('_'));
      }
      case 'removeprefix':
      case 'removesuffix': {
        const affix = single(a0);
        if (affix === undefined || affix === null) return derived(all);
        return mapStrings(object, (s) => (name === 'removeprefix' ? (s.startsWith(affix) ? s.slice(affix.length) : s) : affix && s.endsWith(affix) ? s.slice(0, -affix.length) : s));
      }
      case 'join':
        return a0 ? this.joinWith(a0, object) : derived(all);
      case 'split':
      case 'rsplit': {
        const sep = single(a0);
        if (sep === undefined || a1 !== undefined || !isString(object)) return data({ elements: derived(all) });
        const parts: string[] = [];
        for (const text of object.strings) {
          const r = py.split(text, sep);
          if (r === null) return data({ elements: derived(all) });
          parts.push(...r);
        }
        const el = strings(parts, object);
        const items = object.strings.length === 1 ? py.split(object.strings[0], sep)!.map((p) => str(p, [])) : null;
        return data({ items, elements: el, ...textOf(el) });
      }
      case 'format':
        return this.strFormat(object, args);
      case 'format_map':
        return derived(all, { underscore: true });
      case 'translate':
      case 'encode':
      case 'decode':
        return derived(all, { underscore: true });
      case 'startswith':
      case 'endswith':
      case 'find':
      case 'rfind':
      case 'index':
      case 'rindex':
      case 'count':
      case 'isdigit':
      case 'isalpha':
      case 'isspace':
      case 'islower':
      case 'isupper':
        return num(null);
      case 'get':
        return join(object.members ?? derived([object]), a1 ?? UNDEFINED);
      case 'items':
        return data({ elements: list([object.elements ?? data(), object.members ?? data()]), ...textOf(object) });
      case 'keys':
        return data({ elements: object.elements ?? data(), ...textOf(object) });
      case 'values':
        return data({ elements: object.members ?? data(), ...textOf(object) });
      case 'next':
      case 'current':
        return object.members ?? derived([object]);
      case 'cycle':
        return joinAll(args.positional);
      default:
        return derived(all);
    }
  }

  /** `sep.join(iterable)` and `iterable|join(sep)`. */
  joinWith(iterable: Value, sep: Value): Value {
    if (isBottom(iterable) || isBottom(sep)) return BOTTOM;
    const parts: Value[] | null = iterable.items
      ? [...iterable.items]
      : isString(iterable) && iterable.strings.length === 1
        ? py.toChars(iterable.strings[0]).map((c) => str(c, []))
        : null;
    if (parts) {
      let acc: Value = str('', []);
      parts.forEach((p, i) => {
        acc = concat(i === 0 ? acc : concat(acc, sep), p);
      });
      return parts.length === 0 ? str('', []) : acc;
    }
    return derived([iterable.elements ?? iterable, iterable, sep]);
  }

  private strFormat(object: Value, args: CallArguments): Value {
    const all = [object, ...args.positional, ...args.keywords.values()];
    if (!isString(object)) return derived(all, { underscore: textOf(object).underscore || all.some((a) => a.numeric) });
    const knownArg = (v: Value): KnownArg | null => (v.int !== null ? v.int : isString(v) && v.strings.length === 1 ? v.strings[0] : null);
    const positional = args.positional.map(knownArg);
    const keywords = new Map<string, KnownArg>();
    let allKnown = positional.every((p) => p !== null);
    for (const [k, v] of args.keywords) {
      const a = knownArg(v);
      if (a === null) allKnown = false;
      else keywords.set(k, a);
    }
    const out: string[] = [];
    let makesChars = false;
    for (const fmt of object.strings) {
      const parts = parseFormatString(fmt);
      if (!parts) return derived(all);
      makesChars ||= formatMakesChars(parts);
      const r = allKnown ? strFormat(parts, positional as KnownArg[], keywords) : null;
      if (r === null) return derived(all, { underscore: all.some((a) => textOf(a).underscore) || makesChars });
      out.push(r);
    }
    return strings(out, derived(all));
  }

  private percent(fmt: Value, args: Value): Value {
    if (!isString(fmt)) return fmt.numeric ? num(null) : derived([fmt, args], { underscore: textOf(fmt).underscore || textOf(args).underscore || fmt.open });
    const knownArg = (v: Value): KnownArg | null => (v.int !== null ? v.int : isString(v) && v.strings.length === 1 ? v.strings[0] : null);
    const values = args.items ? args.items.map(knownArg) : [knownArg(args)];
    const makesChars = fmt.strings.some(percentMakesChars);
    const unknown = derived([fmt, args], { underscore: textOf(fmt).underscore || textOf(args).underscore || makesChars });
    if (!values.every((a) => a !== null)) return unknown;
    const out: string[] = [];
    for (const f of fmt.strings) {
      const r = percentFormat(f, values as KnownArg[]);
      if (r === null) return unknown;
      out.push(r);
    }
    return strings(out, unknown);
  }

  binary(op: string, a: Value, b: Value): Value {
    if (op === 'and' || op === 'or') return join(a, b);
    if (isBottom(a) || isBottom(b)) return BOTTOM;
    switch (op) {
      case '~':
        return concat(a, b);
      case '+': {
        if (a.int !== null && b.int !== null) return num(a.int + b.int);
        if (a.numeric && b.numeric) return num(null);
        if (a.items && b.items) return list([...a.items, ...b.items]);
        if (a.items || b.items || a.elements || b.elements) return derived([a, b], { elements: join(a.elements ?? iterate(a), b.elements ?? iterate(b)), roots: [] });
        return concat(a, b);
      }
      case '*': {
        if (a.int !== null && b.int !== null) return num(a.int * b.int);
        if (a.numeric && b.numeric) return num(null);
        const [seq, n] = a.numeric ? [b, a] : [a, b];
        if (seq.strings.length > 0 && n.int !== null && n.int >= 0n) {
          const total = seq.strings.reduce((m, s) => Math.max(m, s.length), 0) * Number(n.int);
          if (total <= EVALUATION_BOUNDS.maxStringLength) return mapStrings(seq, (s) => s.repeat(Number(n.int)));
        }
        return derived([seq], { elements: seq.elements, roots: [] });
      }
      case '%':
        return a.numeric ? num(a.int !== null && b.int !== null && b.int !== 0n ? ((a.int % b.int) + b.int) % b.int : null) : this.percent(a, b);
      case '-':
        return num(a.int !== null && b.int !== null ? a.int - b.int : null);
      case '//':
        return num(a.int !== null && b.int !== null && b.int !== 0n ? floorDiv(a.int, b.int) : null);
      case '**':
        return num(a.int !== null && b.int !== null && b.int >= 0n && b.int <= 4096n && bitLength(a.int) * Number(b.int) <= 65536 ? a.int ** b.int : null);
      default:
        return num(null);
    }
  }

  private filterExpression(node: FilterNode, depth: number): Value {
    const operand = this.value(node.operand, depth + 1);
    const f = filterCall(node.filter);
    if (f === null) return derived([operand, this.value(node.filter, depth + 1)]);
    const result = this.filter(f.name, operand, this.arguments(f.args, depth));
    // Calls or lookups written after the filter act on its result.
    return node.filter.type === 'Identifier' || (node.filter.type === 'CallExpression' && node.filter.callee.type === 'Identifier') ? result : derived([result]);
  }

  /** Jinja2's built-in filters, as far as they shape text. */
  filter(name: string, v: Value, args: CallArguments): Value {
    const [a0, a1, a2] = args.positional;
    const all = [v, ...args.positional, ...args.keywords.values()];
    switch (name) {
      case 'join': {
        const attribute = args.keywords.get('attribute');
        const sep = a0 ?? args.keywords.get('d') ?? str('', []);
        return attribute ? derived([v, sep, attribute]) : this.joinWith(v, sep);
      }
      case 'replace':
        return this.method(v, 'replace', { positional: [a0, a1, a2].filter((x): x is Value => x !== undefined), keywords: new Map() });
      case 'reverse':
        if (v.items) return list([...v.items].reverse());
        return v.strings.length > 0 ? mapStrings(v, py.reverse) : derived([v], { elements: v.elements });
      case 'lower':
      case 'upper':
      case 'title':
      case 'capitalize':
        return this.method(v, name, { positional: [], keywords: new Map() });
      case 'trim':
        return this.method(v, 'strip', { positional: a0 ? [a0] : [], keywords: new Map() });
      case 'safe':
        return v;
      case 'e':
      case 'escape':
      case 'forceescape':
        return isString(v) ? mapStrings(v, py.htmlEscape) : this.filter('string', v, args);
      case 'string':
        if (isString(v)) return v;
        if (v.int !== null) return str(v.int.toString(), []);
        // Anything else may print as a repr (`<generator object select_or_reject at …>`), which holds underscores.
        return strings(v.strings, v, { open: true, pieces: v.pieces, underscore: true });
      case 'list':
        if (v.items) return v;
        if (isString(v) && v.strings.length === 1 && v.strings[0].length <= EVALUATION_BOUNDS.maxAlternatives) return list(py.toChars(v.strings[0]).map((c) => str(c, [])));
        return data({ elements: iterate(v), configControlled: v.configControlled, ...textOf(v) });
      case 'first':
      case 'last':
        if (v.items && this.scope.positionsExact) return (name === 'first' ? v.items[0] : v.items[v.items.length - 1]) ?? UNDEFINED;
        if (v.strings.length > 0 && !v.items && !v.elements && this.scope.positionsExact) return mapStrings(v, (s) => py.stringIndex(s, name === 'first' ? 0n : -1n) ?? '');
        return iterate(v);
      case 'unique':
      case 'sort': {
        if (v.items && v.items.every((i) => isString(i) && i.strings.length === 1) && args.keywords.size === 0 && !a0) {
          let items = v.items.map((i) => i.strings[0]);
          if (name === 'unique') items = [...new Set(items)];
          else items = [...items].sort();
          return list(items.map((s) => str(s, [])));
        }
        return data({ elements: iterate(v), ...textOf(v) });
      }
      case 'select':
      case 'reject':
      case 'selectattr':
      case 'rejectattr':
      case 'batch':
      case 'slice':
        return data({ elements: iterate(v), configControlled: v.configControlled, ...textOf(v) });
      case 'items':
      case 'dictsort':
        return this.method(v, 'items', { positional: [], keywords: new Map() });
      case 'map': {
        const attribute = args.keywords.get('attribute');
        const element = iterate(v);
        if (attribute) return data({ elements: this.attribute(element, null), ...textOf(element) });
        if (a0 && isString(a0) && a0.strings.length === 1) {
          const rest = { positional: args.positional.slice(1), keywords: args.keywords };
          const mapped = a0.strings[0] === 'attr' ? this.attribute(element, null) : this.filter(a0.strings[0], element, rest);
          return data({ elements: mapped, ...textOf(mapped) });
        }
        return data({ elements: derived(all) });
      }
      case 'format':
        // With keywords, Jinja's filter formats with the mapping (`%(name)s`), which is not followed exactly.
        if (args.keywords.size > 0) return derived(all, { underscore: all.some((a) => textOf(a).underscore) || (isString(v) && v.strings.some(percentMakesChars)) });
        return this.percent(v, list(args.positional));
      case 'attr':
        return this.attribute(v, a0 && isString(a0) && a0.strings.length === 1 ? a0.strings[0] : null);
      case 'default':
      case 'd':
        return join(v, a0 ?? UNDEFINED);
      case 'length':
      case 'count':
      case 'wordcount':
      case 'int':
      case 'float':
      case 'abs':
      case 'round':
      case 'sum':
        return num(name === 'length' && v.items ? BigInt(v.items.length) : null);
      case 'tojson':
        return v.strings.length > 0 ? mapStrings(v, (s) => JSON.stringify(s)) : derived(all, { roots: [] });
      case 'pprint':
      case 'urlencode':
      case 'xmlattr':
        return derived(all, { underscore: true, roots: [] });
      default:
        return derived(all, { roots: [] });
    }
  }

  /**
   * The text a `{% set x %}…{% endset %}` block (or a `{% filter %}` body) renders: exact when it
   * is straight text and expressions, otherwise what its literals and expressions can bring.
   */
  output(body: readonly JinjaNode[], depth = 0): Value {
    let acc: Value = str('', []);
    for (const stmt of body) {
      if (stmt.type === 'Comment') continue;
      const isExpression = !['If', 'For', 'Set', 'Macro', 'CallStatement', 'FilterStatement', 'Break', 'Continue'].includes(stmt.type);
      acc = concat(acc, isExpression ? this.value(stmt, depth + 1) : derived([this.literals(stmt)]));
    }
    return acc;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function bitLength(n: bigint): number {
  const abs = n < 0n ? -n : n;
  return abs === 0n ? 1 : abs.toString(2).length;
}
