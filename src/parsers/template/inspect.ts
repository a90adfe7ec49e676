import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import type { CallNode, FilterNode, FilterStatementNode, ForNode, JinjaNode, MemberNode, ProgramNode } from './ast.js';
import { childNodes, filterCall } from './ast.js';
import { solveBindings } from './bindings.js';
import { TEMPLATE_CODES, type TemplateCode } from './codes.js';
import { bitLength, type Evaluator } from './evaluate.js';
import { ATTRIBUTE_NAME_FILTERS, DOS_BOUNDS, FOREIGN_GLOBALS, FORMAT_METHODS, isGadgetName, JINJA_GLOBALS, SYS_MODULES, TRANSFORMERS_GLOBALS } from './gadgets.js';
import { printExpression } from './print.js';
import { parseFormatString } from './pyformat.js';
import { lineColumn } from './text.js';
import type { LoadStatement } from './tokens.js';
import { isBottom, isString, type Value } from './values.js';

/** How an identifier is used where it appears. */
type Role = 'value' | 'object' | 'callee' | 'test';

interface Hit {
  code: TemplateCode;
  top: JinjaNode;
  names: string[];
  pieces: string[];
  routes: string[];
  detail: Record<string, unknown>;
}

export interface InspectOptions {
  /** The template text as given (for line numbers). */
  text: string;
  loads: readonly LoadStatement[];
  positionsExact: boolean;
  maxAstDepth: number;
}

/** Hits kept per code: a template with more is flagged many times over already. */
const MAX_HITS_PER_CODE = 50;

const ROOT_NAMES = new Set([...JINJA_GLOBALS, ...TRANSFORMERS_GLOBALS, ...FOREIGN_GLOBALS]);
const PAD_METHODS = new Set(['center', 'ljust', 'rjust', 'zfill', 'indent']);

const code = (s: string): string => `\`${s}\``;
const quoted = (s: string): string => `'${s.length > 40 ? `${s.slice(0, 39)}…` : s}'`;
const listOf = (names: readonly string[]): string => names.slice(0, 6).map(code).join(', ') + (names.length > 6 ? ` and ${names.length - 6} more` : '');

function rangeLength(args: readonly (bigint | null)[]): bigint | null {
  if (args.length === 0 || args.some((a) => a === null)) return null;
  const [a, b, s] = args.length === 1 ? [0n, args[0]!, 1n] : [args[0]!, args[1]!, args[2] ?? 1n];
  if (s === 0n) return null;
  const span = s > 0n ? b - a : a - b;
  const step = s > 0n ? s : -s;
  return span <= 0n ? 0n : (span + step - 1n) / step;
}

class Inspector {
  private readonly hits = new Map<string, Hit>();
  private readonly ids = new WeakMap<JinjaNode, number>();
  private readonly perCode = new Map<string, number>();
  private nextId = 0;
  depthExceeded = false;

  constructor(
    private readonly ev: Evaluator,
    private readonly bound: ReadonlySet<string>,
    private readonly options: InspectOptions,
  ) {}

  private id(node: JinjaNode): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(node, id);
    }
    return id;
  }

  private hit(code: TemplateCode, top: JinjaNode, add: { names?: string[]; pieces?: readonly string[]; route?: string; detail?: Record<string, unknown> }): void {
    const key = `${code}#${this.id(top)}`;
    let h = this.hits.get(key);
    if (!h) {
      const count = this.perCode.get(code) ?? 0;
      if (count >= MAX_HITS_PER_CODE) return;
      this.perCode.set(code, count + 1);
      h = { code, top, names: [], pieces: [], routes: [], detail: {} };
      this.hits.set(key, h);
    }
    for (const n of add.names ?? []) if (!h.names.includes(n)) h.names.push(n);
    for (const p of add.pieces ?? []) if (p !== '' && !h.pieces.includes(p) && h.pieces.length < 8) h.pieces.push(p);
    if (add.route && !h.routes.includes(add.route)) h.routes.push(add.route);
    Object.assign(h.detail, add.detail ?? {});
  }

  walkStatements(list: readonly JinjaNode[], depth: number, loops: bigint): void {
    for (const s of list) {
      // A bare string in a statement list is template text: it is output, never a value.
      if (s.type === 'StringLiteral' || s.type === 'Comment') continue;
      this.walk(s, s, 'value', depth + 1, loops);
    }
  }

  walk(node: JinjaNode, top: JinjaNode, role: Role, depth: number, loops: bigint): void {
    if (depth > this.options.maxAstDepth) {
      this.depthExceeded = true;
      return;
    }
    const d = depth + 1;
    const sub = (n: JinjaNode | null | undefined): void => {
      if (n) this.walk(n, n, 'value', d, loops);
    };
    switch (node.type) {
      case 'Program':
        this.walkStatements(node.body, depth, loops);
        return;
      case 'If':
        sub(node.test);
        this.walkStatements(node.body, depth, loops);
        this.walkStatements(node.alternate, depth, loops);
        return;
      case 'For':
        this.walkFor(node, depth, loops);
        return;
      case 'Set':
        if (node.assignee.type === 'MemberExpression') this.walk(node.assignee.object, node.assignee.object, 'object', d, loops);
        sub(node.value);
        this.walkStatements(node.body, depth, loops);
        return;
      case 'Macro':
        for (const a of node.args) if (a.type === 'KeywordArgumentExpression') sub(a.value);
        this.walkStatements(node.body, depth, loops);
        return;
      case 'CallStatement':
        this.walk(node.call, node.call, 'value', d, loops);
        for (const a of node.callerArgs ?? []) if (a.type === 'KeywordArgumentExpression') sub(a.value);
        this.walkStatements(node.body, depth, loops);
        return;
      case 'FilterStatement':
        this.walkFilterStatement(node, depth, loops);
        return;
      case 'Identifier':
        this.checkIdentifier(node.value, top, role);
        return;
      case 'MemberExpression':
        this.walk(node.object, top, 'object', d, loops);
        if (node.computed) sub(node.property);
        this.checkMember(node, top, role);
        return;
      case 'CallExpression':
        this.walk(node.callee, top, 'callee', d, loops);
        for (const a of node.args) sub(a.type === 'KeywordArgumentExpression' ? a.value : a);
        this.checkCall(node, top);
        return;
      case 'FilterExpression':
        this.walk(node.operand, top, 'object', d, loops);
        this.walkFilterArguments(node.filter, d, loops);
        this.checkFilter(node, top);
        return;
      case 'TestExpression':
        this.walk(node.operand, top, 'test', d, loops);
        return;
      case 'BinaryExpression':
        sub(node.left);
        sub(node.right);
        this.checkBinary(node.operator.value, node.left, node.right, node);
        return;
      case 'StringLiteral':
      case 'IntegerLiteral':
      case 'FloatLiteral':
      case 'Comment':
      case 'Break':
      case 'Continue':
        return;
      default:
        for (const c of childNodes(node)) sub(c);
    }
  }

  /** A filter's name is not a variable; its arguments (and calls or lookups folded after it) are values. */
  private walkFilterArguments(filter: JinjaNode, depth: number, loops: bigint): void {
    if (filter.type === 'Identifier') return;
    if (filter.type === 'CallExpression' && filter.callee.type === 'Identifier') {
      for (const a of filter.args) {
        const v = a.type === 'KeywordArgumentExpression' ? a.value : a;
        this.walk(v, v, 'value', depth, loops);
      }
      return;
    }
    // No filter name is also a global's name, so walking the name as an identifier reports nothing.
    this.walk(filter, filter, 'value', depth, loops);
  }

  private walkFor(node: ForNode, depth: number, loops: bigint): void {
    const iterable = node.iterable.type === 'SelectExpression' ? node.iterable.lhs : node.iterable;
    this.walk(node.iterable, node.iterable, 'value', depth + 1, loops);
    let count = 1n;
    if (iterable.type === 'CallExpression' && iterable.callee.type === 'Identifier' && iterable.callee.value === 'range' && !this.bound.has('range')) {
      count = rangeLength(iterable.args.map((a) => this.ev.value(a).int)) ?? 1n;
    } else if (iterable.type === 'ArrayLiteral' || iterable.type === 'TupleLiteral') {
      count = BigInt(Math.max(1, iterable.value.length));
    }
    const product = loops * count;
    const limit = BigInt(DOS_BOUNDS.maxLoopIterations);
    if (product > limit && loops > 1n && loops <= limit && count > 1n) {
      this.hit(TEMPLATE_CODES.denialOfService, node, { detail: { kind: 'nested-loops', iterations: product.toString() } });
    }
    this.walkStatements(node.body, depth, product);
    this.walkStatements(node.defaultBlock, depth, loops);
  }

  private walkFilterStatement(node: FilterStatementNode, depth: number, loops: bigint): void {
    this.walkFilterArguments(node.filter, depth + 1, loops);
    this.walkStatements(node.body, depth, loops);
    const f = filterCall(node.filter);
    if (f === null) return;
    this.checkAttributeFilter(f.name, f.args, this.ev.output(node.body), node);
  }

  private checkIdentifier(name: string, top: JinjaNode, role: Role): void {
    if (this.bound.has(name)) return;
    if (FOREIGN_GLOBALS.has(name) && role !== 'test') {
      this.hit(TEMPLATE_CODES.escapeRoot, top, { names: [name], detail: { foreign: true } });
    } else if ((JINJA_GLOBALS.has(name) || TRANSFORMERS_GLOBALS.has(name)) && (role === 'object' || role === 'value')) {
      this.hit(TEMPLATE_CODES.escapeRoot, top, { names: [name] });
    }
  }

  /** Names found at a lookup: gadgets are a sandbox escape whatever the object. */
  private checkNames(names: readonly string[], objectNode: JinjaNode, top: JinjaNode, route: string): void {
    const gadgets = names.filter(isGadgetName);
    if (names.includes(SYS_MODULES.attribute) && this.namesSys(objectNode)) gadgets.push(SYS_MODULES.attribute);
    if (gadgets.length > 0) this.hit(TEMPLATE_CODES.dunderAttribute, top, { names: gadgets, route });
  }

  private namesSys(node: JinjaNode): boolean {
    if (node.type === 'Identifier') return node.value === SYS_MODULES.object;
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') return node.property.value === SYS_MODULES.object;
    if (node.type === 'MemberExpression' && node.computed) return this.ev.value(node.property).strings.includes(SYS_MODULES.object);
    return false;
  }

  /** A lookup whose name is the value `key` (a subscript, `|attr`, an attribute-name filter argument). */
  private checkKey(key: Value, object: Value, objectNode: JinjaNode, top: JinjaNode, route: string, attrFilter: boolean): void {
    if (isBottom(key)) return;
    if (key.strings.length > 0) {
      this.checkNames(key.strings, objectNode, top, route);
      // `|attr('format')` fetches the method itself (CVE-2025-27516); a subscript does so only on a string (on a mapping it is an ordinary key).
      const formats = key.strings.filter((s) => FORMAT_METHODS.has(s));
      if (formats.length > 0 && (attrFilter || isString(object))) this.hit(TEMPLATE_CODES.formatMethodReference, top, { names: formats, route });
    }
    // What is left is the part of the name not known exactly.
    if (!key.open || key.numeric) return;
    if (key.underscore) {
      const pieces = [...key.pieces].sort((a, b) => Number(b.includes('_')) - Number(a.includes('_')));
      this.hit(TEMPLATE_CODES.assembledAttribute, top, { pieces, route });
      return;
    }
    const roots = object.roots.filter((r) => ROOT_NAMES.has(r));
    if (attrFilter) this.hit(TEMPLATE_CODES.computedAttribute, top, { route, detail: { via: 'attr' } });
    else if (key.configControlled) this.hit(TEMPLATE_CODES.computedAttribute, top, { route, detail: { via: 'special-tokens' } });
    else if (roots.length > 0) this.hit(TEMPLATE_CODES.computedAttribute, top, { route, names: roots, detail: { via: 'global' } });
  }

  private checkMember(node: MemberNode, top: JinjaNode, role: Role): void {
    if (!node.computed) {
      if (node.property.type !== 'Identifier') return;
      const name = node.property.value;
      this.checkNames([name], node.object, top, 'attribute');
      // `x.format` not called is the method taken as a value when x is a string; on a mapping (a JSON schema's "format") it is data.
      if (FORMAT_METHODS.has(name) && role !== 'callee' && isString(this.ev.value(node.object))) this.hit(TEMPLATE_CODES.formatMethodReference, top, { names: [name], route: 'attribute' });
      return;
    }
    if (node.property.type === 'SliceExpression') return;
    this.checkKey(this.ev.value(node.property), this.ev.value(node.object), node.object, top, 'subscript', false);
  }

  private checkCall(node: CallNode, top: JinjaNode): void {
    const callee = node.callee;
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
      const method = callee.property.value;
      if (FORMAT_METHODS.has(method)) this.checkFormatString(this.ev.value(callee.object), top, true);
      if (PAD_METHODS.has(method) && node.args[0]) this.checkWidth(this.ev.value(node.args[0]), method, node);
    }
    // A format string handed to a stored `format` reference (`f('{0.__class__}', x)`) shows as a call argument.
    for (const a of node.args) if (a.type !== 'KeywordArgumentExpression') this.checkFormatString(this.ev.value(a), top, false);
    if (callee.type === 'Identifier' && callee.value === 'range' && !this.bound.has('range')) {
      const length = rangeLength(node.args.map((a) => this.ev.value(a).int));
      if (length !== null && length > BigInt(DOS_BOUNDS.maxRange)) this.hit(TEMPLATE_CODES.denialOfService, node, { detail: { kind: 'range', items: length.toString() } });
    }
  }

  /** Fields of a `str.format` string that walk into private attributes; `formatted` when the string is certainly the format receiver. */
  private checkFormatString(receiver: Value, top: JinjaNode, formatted: boolean): void {
    if (isBottom(receiver)) return;
    if (receiver.open && formatted && receiver.underscore) this.hit(TEMPLATE_CODES.formatStringAttribute, top, { pieces: receiver.pieces, route: 'str.format' });
    for (const fmt of receiver.strings) {
      for (const part of parseFormatString(fmt) ?? []) {
        if (!('field' in part)) continue;
        const names = part.field.path.map((p) => p.name).filter(isGadgetName);
        if (names.length > 0) this.hit(TEMPLATE_CODES.formatStringAttribute, top, { names, pieces: [fmt], route: 'str.format' });
      }
    }
  }

  private checkWidth(width: Value, what: string, node: JinjaNode): void {
    if (width.int !== null && width.int > BigInt(DOS_BOUNDS.maxPadWidth)) this.hit(TEMPLATE_CODES.denialOfService, node, { detail: { kind: 'padding', via: what, width: width.int.toString() } });
  }

  private checkFilter(node: FilterNode, top: JinjaNode): void {
    const f = filterCall(node.filter);
    if (f === null) return;
    if (PAD_METHODS.has(f.name) && f.args[0]) this.checkWidth(this.ev.value(f.args[0]), `|${f.name}`, node);
    this.checkAttributeFilter(f.name, f.args, this.ev.value(node.operand), top, node.operand);
  }

  /** Filters that look attributes up by a name argument (`|attr`, `|map(attribute=…)`, `|selectattr`…). */
  private checkAttributeFilter(name: string, args: readonly JinjaNode[], operand: Value, top: JinjaNode, operandNode: JinjaNode = top): void {
    const spec = ATTRIBUTE_NAME_FILTERS.get(name);
    if (!spec) return;
    const positional = args.filter((a) => a.type !== 'KeywordArgumentExpression');
    const keyword = args.find((a): a is Extract<JinjaNode, { type: 'KeywordArgumentExpression' }> => a.type === 'KeywordArgumentExpression' && a.key.value === 'attribute');
    let keyNode: JinjaNode | undefined;
    let attrFilter = name === 'attr';
    const first = positional[0] ? this.ev.value(positional[0]) : null;
    if (name === 'map' && first && isString(first) && first.strings.length === 1 && first.strings[0] === 'attr') {
      keyNode = positional[1];
      attrFilter = true;
    } else {
      keyNode = (spec.position !== null ? positional[spec.position] : undefined) ?? (spec.keyword ? keyword?.value : undefined);
    }
    if (!keyNode) return;
    const key = this.ev.value(keyNode);
    const route = attrFilter ? '|attr' : `|${name}`;
    if (!attrFilter) {
      // make_attrgetter follows dotted paths: 'a.__class__' looks up __class__.
      const names = key.strings.flatMap((s) => s.split('.')).filter((s) => !/^[0-9]+$/.test(s));
      this.checkNames(names, operandNode, top, route);
      if (key.open && !key.numeric && key.underscore) this.hit(TEMPLATE_CODES.assembledAttribute, top, { pieces: key.pieces, route });
      return;
    }
    this.checkKey(key, operand, operandNode, top, route, attrFilter);
  }

  private checkBinary(op: string, left: JinjaNode, right: JinjaNode, node: JinjaNode): void {
    if (op !== '*' && op !== '**') return;
    const a = this.ev.value(left);
    const b = this.ev.value(right);
    if (op === '**') {
      if (a.int !== null && b.int !== null && b.int > 0n && BigInt(bitLength(a.int)) * b.int > BigInt(DOS_BOUNDS.maxPowerBits)) {
        this.hit(TEMPLATE_CODES.denialOfService, node, { detail: { kind: 'power', base: a.int.toString(), exponent: b.int.toString() } });
      }
      return;
    }
    const [seq, n] = a.int !== null && b.int === null ? [b, a] : [a, b];
    if (n.int === null || n.int <= 0n) return;
    const length = seq.items ? seq.items.length : seq.strings && seq.strings.length > 0 ? Math.max(...seq.strings.map((s) => s.length)) : 0;
    if (length > 0 && BigInt(length) * n.int > BigInt(DOS_BOUNDS.maxRepeatLength)) {
      this.hit(TEMPLATE_CODES.denialOfService, node, { detail: { kind: 'repeat', length: (BigInt(length) * n.int).toString() } });
    }
  }

  anomalies(): Anomaly[] {
    const out: Anomaly[] = [];
    const covered = new Set<number>();
    for (const h of this.hits.values()) if (h.code !== TEMPLATE_CODES.escapeRoot) covered.add(this.id(h.top));
    for (const h of this.hits.values()) {
      // A global that starts a chain reported otherwise (a gadget, a computed name) is reported once, as that.
      if (h.code === TEMPLATE_CODES.escapeRoot && covered.has(this.id(h.top))) continue;
      out.push(this.toAnomaly(h));
    }
    return out;
  }

  private locate(needle: string): { line: number; column: number } | undefined {
    const at = needle ? this.options.text.indexOf(needle) : -1;
    return at < 0 ? undefined : lineColumn(this.options.text, at);
  }

  private toAnomaly(h: Hit): Anomaly {
    const expression = printExpression(h.top);
    const where = code(expression);
    const location = h.names[0] ? this.locate(h.names[0]) : h.pieces[0] ? this.locate(h.pieces[0]) : undefined;
    const detail: Record<string, unknown> = { expression, ...h.detail, ...(h.names.length ? { names: h.names } : {}), ...(h.pieces.length ? { pieces: h.pieces } : {}), ...(h.routes.length ? { via: h.routes } : {}), ...(location ?? {}) };
    const C = TEMPLATE_CODES;
    switch (h.code) {
      case C.dunderAttribute:
        return anomaly(h.code, `rendering the chat template reaches ${listOf(h.names)} through ${where}, which runs code unless a sandbox stops it (the CVE-2024-34359 pattern)`, undefined, detail);
      case C.assembledAttribute: {
        const shown = h.pieces.filter((p) => p !== '').slice(0, 4).map(quoted);
        const fromRepr = !h.pieces.some((p) => p.includes('_'));
        const from = [shown.join(', '), fromRepr ? 'underscores taken from an object repr or a numeric conversion' : ''].filter(Boolean).join(' and ');
        return anomaly(h.code, `rendering the chat template looks up an attribute whose name it assembles at render time from ${from} in ${where}, the way payloads spell \`__class__\`-style names unseen`, undefined, detail);
      }
      case C.formatStringAttribute:
        return h.names.length
          ? anomaly(h.code, `the chat template's format string ${quoted(h.pieces[0] ?? '')} reaches ${listOf(h.names)} when str.format runs in ${where}, a known sandbox escape`, undefined, detail)
          : anomaly(h.code, `the chat template calls str.format on a string it assembles from pieces holding \`_\` in ${where}, the way format-string escapes hide \`{0.__class__}\`-style fields`, undefined, detail);
      case C.formatMethodReference:
        return anomaly(h.code, `the chat template takes str.${h.names[0] ?? 'format'} as a value in ${where} instead of calling it, the route around Jinja2's sandboxed formatter (CVE-2024-56326, CVE-2025-27516)`, undefined, detail);
      case C.computedAttribute: {
        const via = h.detail.via;
        const what =
          via === 'attr'
            ? 'looks up an attribute through |attr with a name only known at render time'
            : via === 'special-tokens'
              ? 'looks up an attribute named by a special token (which the same tokenizer config sets)'
              : `looks up an attribute of ${listOf(h.names)} whose name is only known at render time`;
        return anomaly(h.code, `the chat template ${what} in ${where}, so what it reaches cannot be checked`, undefined, detail);
      }
      case C.escapeRoot:
        return h.detail.foreign
          ? anomaly(h.code, `the chat template refers to ${listOf(h.names)} in ${where}, a web-framework or template-inheritance global a chat template has no use for except probing for an escape route`, undefined, detail)
          : anomaly(h.code, `the chat template uses the Jinja global ${listOf(h.names)} as an object in ${where}, the usual first step of a sandbox escape rather than of formatting a chat`, undefined, detail);
      case C.denialOfService:
        return anomaly(h.code, `rendering the chat template ${dosWhat(h.detail)} in ${where}, which hangs or exhausts memory`, undefined, detail);
      default:
        return anomaly(h.code, `the chat template does something unexpected in ${where}`, undefined, detail);
    }
  }
}

function dosWhat(detail: Record<string, unknown>): string {
  switch (detail.kind) {
    case 'range':
      return `builds a range of ${String(detail.items)} items`;
    case 'nested-loops':
      return `runs nested loops ${String(detail.iterations)} times`;
    case 'power':
      return `computes ${String(detail.base)} ** ${String(detail.exponent)}`;
    case 'repeat':
      return `repeats a sequence to ${String(detail.length)} items`;
    default:
      return `pads text to ${String(detail.width)} characters`;
  }
}

/** Where `{% keyword` first appears in the text (for the location of a loading statement). */
function statementLocation(text: string, keyword: string): { line: number; column: number } | undefined {
  let at = text.indexOf('{%');
  while (at >= 0) {
    let i = at + 2;
    if (text[i] === '-' || text[i] === '+') i++;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (text.startsWith(keyword, i)) return lineColumn(text, at);
    at = text.indexOf('{%', at + 2);
  }
  return undefined;
}

/**
 * Finds what rendering the template could do, by walking its AST with the values the static
 * evaluation gives every expression. Nothing is rendered.
 */
export function inspectProgram(program: ProgramNode, options: InspectOptions): Anomaly[] {
  const { evaluator, bound } = solveBindings(program, { positionsExact: options.positionsExact, maxDepth: options.maxAstDepth });
  const inspector = new Inspector(evaluator, bound, options);
  inspector.walk(program, program, 'value', 0, 1n);
  const out = inspector.anomalies();
  for (const load of options.loads) {
    const location = statementLocation(options.text, load.keyword);
    out.push(
      anomaly(
        TEMPLATE_CODES.loadsTemplate,
        `the chat template asks its loader for other templates with ${code(load.text.length > 120 ? `${load.text.slice(0, 119)}…` : load.text)}, which reads files this scan did not see (or fails to render)`,
        undefined,
        { statement: load.text, keyword: load.keyword, ...(location ?? {}) },
      ),
    );
  }
  if (inspector.depthExceeded) {
    out.push(anomaly(TEMPLATE_CODES.resourceLimit, `the chat template nests expressions deeper than ${options.maxAstDepth} levels, so the parts below were not checked`, undefined, { limit: options.maxAstDepth, what: 'ast-depth' }));
  }
  return out;
}
