import type { CallVia } from './types.js';

/**
 * Symbolic values on the VM's stack and in its memo. They are shared by reference (DUP and GET
 * push the same object), and containers keep only their first ITEM_CAP items, so a memo/DUP
 * bomb costs one pointer per opcode, never an expansion.
 */
export type Value =
  | { k: 'none' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: number | bigint | null } // null: too long to decode (or unparseable)
  | { k: 'float'; v: number }
  | StrValue
  | { k: 'bytes'; off: number; len: number; kind: 'bytes' | 'bytearray' }
  | { k: 'buffer' }
  | GlobalValue
  | CallValue
  | SeqValue
  | DictValue
  | { k: 'unknown'; why: string };

/** A str; `v` is null when it was too long to decode (then only its place in the data is known). */
export interface StrValue {
  k: 'str';
  v: string | null;
  off: number;
  len: number;
}

export interface GlobalValue {
  k: 'global';
  module: string;
  name: string;
}

/** The result of a call (REDUCE, OBJ, INST, NEWOBJ, NEWOBJ_EX, PERSID, BINPERSID). */
export interface CallValue {
  k: 'call';
  via: CallVia;
  callee: Value;
  args: Value[];
  offset: number;
  /** Index in the analysis' `calls`, -1 when the record was not kept (record budget). */
  index: number;
  /** Set once something consumes the result; a popped, unconsumed result is `discarded`. */
  used: boolean;
}

export interface SeqValue {
  k: 'list' | 'tuple' | 'set' | 'frozenset';
  items: Value[];
  /** How many items it really has (items holds at most ITEM_CAP). */
  n: number;
}

export interface DictValue {
  k: 'dict';
  /** Flattened key, value pairs, at most ITEM_CAP pairs. */
  items: Value[];
  n: number;
}

/** Items kept per container: enough for argument tuples and evidence, bounded for bombs. */
export const ITEM_CAP = 64;

export const NONE: Value = Object.freeze({ k: 'none' });
export const TRUE: Value = Object.freeze({ k: 'bool', v: true });
export const FALSE: Value = Object.freeze({ k: 'bool', v: false });

export function seq(k: SeqValue['k'], items: Value[]): SeqValue {
  const n = items.length;
  return { k, items: n > ITEM_CAP ? items.slice(0, ITEM_CAP) : items, n };
}

export function dict(flat: Value[]): DictValue {
  const n = flat.length / 2;
  return { k: 'dict', items: flat.length > ITEM_CAP * 2 ? flat.slice(0, ITEM_CAP * 2) : flat, n };
}

/** Adds to a list/set in place, keeping the cap. */
export function pushItem(target: SeqValue, v: Value): void {
  if (target.items.length < ITEM_CAP) target.items.push(v);
  target.n++;
}

export function setItem(target: DictValue, key: Value, v: Value): void {
  if (target.items.length < ITEM_CAP * 2) target.items.push(key, v);
  target.n++;
}

export const qualifiedName = (g: { module: string; name: string }): string => `${g.module}.${g.name}`;

/** A short description of what a value is, for `reason` texts. */
export function describe(v: Value): string {
  switch (v.k) {
    case 'global':
      return `the global ${qualifiedName(v)}`;
    case 'call':
      return v.callee.k === 'global'
        ? `the result of a call to ${qualifiedName(v.callee)}`
        : v.via === 'PERSID' || v.via === 'BINPERSID'
          ? 'the result of persistent_load'
          : 'the result of a call to a computed callable';
    case 'unknown':
      return v.why;
    case 'str':
      return v.v === null ? `a str of ${v.len} bytes (too long to analyse)` : `the str ${JSON.stringify(truncate(v.v, 40))}`;
    case 'int':
      return 'an int';
    case 'bool':
      return 'a bool';
    case 'none':
      return 'None';
    case 'float':
      return 'a float';
    case 'bytes':
      return v.kind === 'bytearray' ? 'a bytearray' : 'a bytes object';
    case 'buffer':
      return 'an out-of-band buffer';
    case 'dict':
      return 'a dict';
    default:
      return `a ${v.k}`;
  }
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

const PREVIEW_CHARS = 160;
const PREVIEW_DEPTH = 3;
const PREVIEW_ITEMS = 6;

/** Python-like rendering of call arguments for evidence: bounded in depth, items and length. */
export function renderArgs(args: Value[], total = args.length): string {
  const budget = { left: PREVIEW_CHARS * 2 };
  const parts = args.slice(0, PREVIEW_ITEMS).map((a) => render(a, PREVIEW_DEPTH, budget));
  if (total > PREVIEW_ITEMS) parts.push('…');
  const text = `(${parts.join(', ')}${total === 1 ? ',' : ''})`;
  return truncate(text, PREVIEW_CHARS);
}

function render(v: Value, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return '…';
  const out = renderInner(v, depth, budget);
  budget.left -= out.length;
  return out;
}

function renderItems(items: Value[], n: number, depth: number, budget: { left: number }): string[] {
  const parts = items.slice(0, PREVIEW_ITEMS).map((i) => render(i, depth - 1, budget));
  if (n > PREVIEW_ITEMS) parts.push('…');
  return parts;
}

function renderInner(v: Value, depth: number, budget: { left: number }): string {
  switch (v.k) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'int':
      return v.v === null ? '<int>' : String(v.v);
    case 'float':
      return Number.isNaN(v.v) ? 'nan' : v.v === Infinity ? 'inf' : v.v === -Infinity ? '-inf' : String(v.v);
    case 'str':
      return v.v === null ? `<str of ${v.len} bytes>` : pyRepr(truncate(v.v, 60));
    case 'bytes':
      return `<${v.kind} of ${v.len} bytes>`;
    case 'buffer':
      return '<buffer>';
    case 'global':
      return qualifiedName(v);
    case 'unknown':
      return '<?>';
    case 'call': {
      const callee = v.callee.k === 'global' ? qualifiedName(v.callee) : v.via === 'PERSID' || v.via === 'BINPERSID' ? 'persistent_load' : '<?>';
      if (depth <= 0) return `${callee}(…)`;
      return `${callee}(${renderItems(v.args, v.args.length, depth, budget).join(', ')})`;
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'frozenset': {
      if (depth <= 0) return v.k === 'list' ? '[…]' : v.k === 'tuple' ? '(…)' : '{…}';
      const parts = renderItems(v.items, v.n, depth, budget);
      if (v.k === 'list') return `[${parts.join(', ')}]`;
      if (v.k === 'tuple') return `(${parts.join(', ')}${v.n === 1 ? ',' : ''})`;
      return v.n === 0 ? `${v.k}()` : `{${parts.join(', ')}}`;
    }
    case 'dict': {
      if (depth <= 0) return '{…}';
      const parts: string[] = [];
      for (let i = 0; i + 1 < v.items.length && parts.length < PREVIEW_ITEMS; i += 2) {
        parts.push(`${render(v.items[i]!, depth - 1, budget)}: ${render(v.items[i + 1]!, depth - 1, budget)}`);
      }
      if (v.n > PREVIEW_ITEMS) parts.push('…');
      return `{${parts.join(', ')}}`;
    }
  }
}

function pyRepr(s: string): string {
  const body = s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  // eslint-disable-next-line no-control-regex
  return `'${body.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
