import { EVALUATION_BOUNDS } from './limits.js';

/**
 * What the static evaluation knows about the value of an expression at render time, an
 * over-approximation in two parts: `strings`, alternatives known exactly, and (when `open`) an
 * unknown rest, of which `pieces`/`underscore` say what literal text can flow into it. A
 * variable that is either a message field or 'tool_calls' keeps 'tool_calls' exact. Nothing is rendered.
 */
export interface Value {
  /** Strings the value can be, known exactly (all of them when not `open`). */
  strings: readonly string[];
  /** The value may also be something not listed in `strings`: unknown data, a non-string, too many alternatives. */
  open: boolean;
  /** The integer the value certainly is (constant folding for loop bounds and indexes). */
  int: bigint | null;
  /** Certainly a number or boolean: as a subscript it is an index, never an attribute name. */
  numeric: boolean;
  /** Exact positional items of a list or tuple literal. */
  items: readonly Value[] | null;
  /** What iterating the value yields (elements, characters, mapping keys), all joined; null when unknown data. */
  elements: Value | null;
  /** What looking up an item or attribute yields (mapping values, namespace attributes), joined. */
  members: Value | null;
  /** Literal text that may end up in the open part (for messages). */
  pieces: readonly string[];
  /**
   * The open part may contain `_` spelled by the template: a literal piece holds one, or the value
   * passes through an object's repr, `%c`/`{:c}` formatting or `str.translate`, which make
   * characters the literal text does not show.
   */
  underscore: boolean;
  /** Globals (and `literal` for values written in the template) the value derives from. */
  roots: readonly string[];
  /** The value comes from render-time variables the model's own config sets (special tokens). */
  configControlled: boolean;
  /** How many levels of structure (items, elements, members) the value carries; bounded so values stay small. */
  depth: number;
}

const B = EVALUATION_BOUNDS;
const EMPTY: readonly string[] = Object.freeze([]);

/** Nothing known yet (a variable before the fixpoint reached it): the identity of `join`. */
export const BOTTOM: Value = Object.freeze({
  strings: EMPTY,
  open: false,
  int: null,
  numeric: true,
  items: null,
  elements: null,
  members: null,
  pieces: EMPTY,
  underscore: false,
  roots: EMPTY,
  configControlled: false,
  depth: 0,
  bottom: true,
} as Value);

export const isBottom = (v: Value): boolean => (v as { bottom?: boolean }).bottom === true;

/** Certainly one of the known strings. */
export const isString = (v: Value): boolean => !v.open && v.strings.length > 0;

/** Levels of structure kept: a list of tuples of strings (what destructuring loops need) and one more. */
const MAX_STRUCTURE = 3;

/** Unknown render-time data (messages, tools, call results): no literal text flows in. */
export function data(extra: Partial<Value> = {}): Value {
  const v: Value = { strings: EMPTY, open: true, int: null, numeric: false, items: null, elements: null, members: null, pieces: EMPTY, underscore: false, roots: EMPTY, configControlled: false, depth: 0, ...extra };
  const children = [v.elements, v.members, ...(v.items ?? [])];
  v.depth = children.reduce((d, c) => (c ? Math.max(d, c.depth + 1) : d), 0);
  if (v.depth <= MAX_STRUCTURE) return v;
  // Deeper structure is kept only as text: what it can spell, not where.
  const flat = children.filter((c): c is Value => c !== null).map(flatten);
  const text = flat.reduce((acc, f) => ({ pieces: mergePieces(acc.pieces, f.pieces), underscore: acc.underscore || f.underscore }), { pieces: v.pieces, underscore: v.underscore });
  return { ...v, items: null, elements: v.elements ? flatten(v.elements) : null, members: v.members ? flatten(v.members) : null, depth: 1, ...text };
}

const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 79)}…` : s);

function mergePieces(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0) return a;
  const set = new Set(a);
  for (const p of b) {
    if (set.size >= B.maxPieces) break;
    set.add(p);
  }
  return set.size === a.length ? a : [...set];
}

const union = (a: readonly string[], b: readonly string[]): readonly string[] => (b.every((x) => a.includes(x)) ? a : [...new Set([...a, ...b])]);

/**
 * A value that is exactly one of `list`, with provenance (roots, config control) taken from
 * `from`. Past the precision bounds the strings move into the open part as pieces.
 */
export function strings(list: readonly string[], from: Pick<Value, 'roots' | 'configControlled'> = { roots: EMPTY, configControlled: false }, open: Partial<Value> = {}): Value {
  const unique = [...new Set(list)];
  const base = data({ roots: from.roots, configControlled: from.configControlled, open: false, pieces: open.pieces ?? EMPTY, underscore: open.underscore ?? false });
  if (open.open) base.open = true;
  if (unique.length <= B.maxAlternatives && unique.every((s) => s.length <= B.maxStringLength)) return { ...base, strings: unique };
  return { ...base, open: true, pieces: mergePieces(base.pieces, unique.map(clip)), underscore: base.underscore || unique.some((s) => s.includes('_')) };
}

export function str(s: string, roots: readonly string[] = ['literal']): Value {
  return strings([s], { roots, configControlled: false });
}

export function num(n: bigint | null): Value {
  return data({ numeric: true, int: n, roots: ['literal'] });
}

export function list(items: readonly Value[]): Value {
  const all = joinAll(items);
  return data({ items: items.length <= B.maxAlternatives ? items : null, elements: all, roots: ['literal'], configControlled: all.configControlled, ...textOf(all) });
}

export function mapping(keys: Value, members: Value, roots: readonly string[] = ['literal']): Value {
  const all = join(keys, members);
  return data({ elements: keys, members, roots, configControlled: all.configControlled, ...textOf(all) });
}

/** Pieces and underscore covering everything a value can be (its known strings included). */
export function textOf(v: Value): { pieces: readonly string[]; underscore: boolean } {
  return { pieces: mergePieces(v.pieces, v.strings.map(clip)), underscore: v.underscore || v.strings.some((s) => s.includes('_')) };
}

/** The least value covering both (the union of what each can be). */
export function join(a: Value, b: Value): Value {
  if (isBottom(a)) return b;
  if (isBottom(b)) return a;
  if (a === b) return a;
  const nested = (x: Value | null, y: Value | null): Value | null => (x === null || y === null ? null : join(x, y));
  const items = a.items && b.items && a.items.length === b.items.length ? a.items.map((x, i) => join(x, b.items![i])) : null;
  let known = union(a.strings, b.strings);
  let open = a.open || b.open;
  let pieces = mergePieces(a.pieces, b.pieces);
  let underscore = a.underscore || b.underscore;
  if (known.length > B.maxAlternatives) {
    open = true;
    pieces = mergePieces(pieces, known.map(clip));
    underscore ||= known.some((s) => s.includes('_'));
    known = EMPTY;
  }
  return data({
    strings: known,
    open,
    int: a.int !== null && b.int !== null && a.int === b.int ? a.int : null,
    numeric: a.numeric && b.numeric,
    items,
    elements: nested(a.elements, b.elements),
    members: nested(a.members, b.members),
    pieces,
    underscore,
    roots: union(a.roots, b.roots),
    configControlled: a.configControlled || b.configControlled,
  });
}

export function joinAll(values: readonly Value[]): Value {
  return values.reduce((acc, v) => join(acc, v), BOTTOM);
}

/** Keeps only what a value says about its text (no structure, nothing exact): for deep nesting and widening. */
export function flatten(v: Value): Value {
  return data({ roots: v.roots, configControlled: v.configControlled, ...textOf(v) });
}

/** A value derived from others by an operation the evaluation does not model exactly. */
export function derived(from: readonly Value[], extra: Partial<Value> = {}): Value {
  let pieces: readonly string[] = EMPTY;
  let underscore = false;
  let configControlled = false;
  let roots: readonly string[] = EMPTY;
  for (const v of from) {
    if (isBottom(v)) continue;
    const t = textOf(v);
    pieces = mergePieces(pieces, t.pieces);
    underscore ||= t.underscore;
    configControlled ||= v.configControlled;
    roots = union(roots, v.roots);
  }
  return data({ pieces, underscore, configControlled, roots, ...extra });
}

/** A stable fingerprint, to tell when the fixpoint stopped changing. */
export function fingerprint(v: Value): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** The known strings a value prints as with `~` or `|string` (numbers as digits); empty when none are known. */
export function knownText(v: Value): readonly string[] {
  if (v.strings.length > 0) return v.strings;
  if (v.int !== null) return [v.int.toString()];
  return EMPTY;
}

/** Whether printing the value can give something other than its known text. */
export const printsOpen = (v: Value): boolean => v.open && v.int === null;
