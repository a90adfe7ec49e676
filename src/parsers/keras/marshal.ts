/**
 * A small, bounded reader for CPython `marshal` data, enough to list what a marshalled function
 * (a Keras Lambda's bytecode) refers to: the global and attribute names of every code object
 * (co_names, e.g. `os`, `getcwd`) and its string constants. It never executes or disassembles
 * the bytecode; it only walks the object tree marshal.loads would build.
 *
 * Code objects differ by Python version. Their header is raw 32-bit ints (no type byte):
 *   3.11+      5 ints (argcount, posonly, kwonly, stacksize, flags), then code, consts, names,
 *              localsplusnames, localspluskinds, filename, name, qualname, <int firstlineno>,
 *              linetable, exceptiontable
 *   3.8–3.10   6 ints (…, nlocals, …), then code, consts, names, varnames, freevars, cellvars,
 *              filename, name, <int firstlineno>, lnotab
 *   3.0–3.7    5 ints, same fields as 3.8;  2.x  4 ints, same fields
 * The reader tries each layout and keeps the one whose fields have the right types.
 */

export interface MarshalCodeSummary {
  /** co_names of every code object, first-seen order, deduplicated. */
  names: string[];
  /** String constants of every code object, deduplicated. */
  strings: string[];
  codeObjects: number;
  /** Which code-object layout matched (`3.11+`, `3.8-3.10`, `3.0-3.7`, `2.x`). */
  layout?: string;
}

export interface MarshalLimits {
  /** Most objects read before giving up. */
  maxObjects: number;
  maxDepth: number;
  /** Most names/strings listed. */
  maxListed: number;
}

export const DEFAULT_MARSHAL_LIMITS: MarshalLimits = { maxObjects: 100_000, maxDepth: 64, maxListed: 200 };

class MarshalError extends Error {}

interface CodeObject {
  kind: 'code';
}
const NONE = null;
const NULL_MARK: unique symbol = Symbol('NULL');
type Value = string | number | boolean | null | Uint8Array | Value[] | CodeObject | typeof NULL_MARK | { kind: 'other' };

const FLAG_REF = 0x80;
const LAYOUTS = [
  { layout: '3.11+', ints: 5, modern: true },
  { layout: '3.8-3.10', ints: 6, modern: false },
  { layout: '3.0-3.7', ints: 5, modern: false },
  { layout: '2.x', ints: 4, modern: false },
] as const;

class Reader {
  pos = 0;
  objects = 0;
  refs: Value[] = [];
  /** Python 2 interned strings (TYPE_INTERNED 't' then TYPE_STRINGREF 'R'). */
  interned: string[] = [];
  readonly names = new Set<string>();
  readonly strings = new Set<string>();
  codeObjects = 0;
  layout?: string;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });
  private readonly latin1 = new TextDecoder('latin1');

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: MarshalLimits,
  ) {}

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) throw new MarshalError('marshal data ends early');
  }
  byte(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  int32(): number {
    this.need(4);
    const b = this.bytes;
    const v = b[this.pos] | (b[this.pos + 1] << 8) | (b[this.pos + 2] << 16) | (b[this.pos + 3] << 24);
    this.pos += 4;
    return v;
  }
  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  private size(): number {
    const n = this.int32();
    if (n < 0) throw new MarshalError('negative size');
    return n;
  }

  object(depth: number): Value {
    if (depth > this.limits.maxDepth) throw new MarshalError('nesting too deep');
    if (++this.objects > this.limits.maxObjects) throw new MarshalError('too many objects');
    const code = this.byte();
    const flag = (code & FLAG_REF) !== 0;
    const type = String.fromCharCode(code & ~FLAG_REF);
    // Containers take their reference slot before their contents, as CPython does.
    const slot = flag ? this.refs.push(NONE) - 1 : -1;
    const value = this.body(type, depth);
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  private body(type: string, depth: number): Value {
    switch (type) {
      case '0':
        return NULL_MARK;
      case 'N':
        return NONE;
      case 'F':
        return false;
      case 'T':
        return true;
      case 'S':
      case '.':
        return { kind: 'other' };
      case 'i':
        return this.int32();
      case 'I':
        this.take(8);
        return 0;
      case 'l': {
        const n = this.int32();
        const digits = Math.abs(n);
        if (digits > 1 << 20) throw new MarshalError('long too large');
        this.take(digits * 2);
        return 0;
      }
      case 'f':
        this.take(this.byte());
        return 0;
      case 'g':
        this.take(8);
        return 0;
      case 'x':
        this.take(this.byte());
        this.take(this.byte());
        return 0;
      case 'y':
        this.take(16);
        return 0;
      case 's':
        return this.take(this.size());
      case 't': {
        const s = this.utf8.decode(this.take(this.size()));
        this.interned.push(s);
        return s;
      }
      case 'R': {
        const i = this.int32();
        if (i < 0 || i >= this.interned.length) throw new MarshalError('bad string reference');
        return this.interned[i];
      }
      case 'u':
        return this.utf8.decode(this.take(this.size()));
      case 'a':
      case 'A':
        return this.latin1.decode(this.take(this.size()));
      case 'z':
      case 'Z':
        return this.latin1.decode(this.take(this.byte()));
      case '(':
      case '[':
      case '<':
      case '>':
        return this.sequence(this.size(), depth);
      case ')':
        return this.sequence(this.byte(), depth);
      case '{': {
        const out: Value[] = [];
        for (;;) {
          const key = this.object(depth + 1);
          if (key === NULL_MARK) return out;
          out.push(key, this.object(depth + 1));
        }
      }
      case ':':
        // Python 3.14 slices: start, stop, step.
        return this.sequence(3, depth);
      case 'r': {
        const i = this.int32();
        if (i < 0 || i >= this.refs.length) throw new MarshalError('bad reference');
        return this.refs[i];
      }
      case 'c':
        return this.code(depth);
      default:
        throw new MarshalError(`unknown marshal type 0x${type.charCodeAt(0).toString(16)}`);
    }
  }

  private sequence(n: number, depth: number): Value[] {
    // Each element takes at least one byte: a count past the data is a lie, not an allocation.
    this.need(n);
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(this.object(depth + 1));
    return out;
  }

  private code(depth: number): CodeObject {
    const start = this.pos;
    const refs = this.refs.length;
    const interned = this.interned.length;
    const names = new Set(this.names);
    const strings = new Set(this.strings);
    const codeObjects = this.codeObjects;
    let lastError: unknown;
    for (const candidate of LAYOUTS) {
      try {
        this.codeFields(candidate.ints, candidate.modern, depth);
        this.layout ??= candidate.layout;
        this.codeObjects++;
        return { kind: 'code' };
      } catch (err) {
        if (!(err instanceof MarshalError)) throw err;
        lastError = err;
        // Undo what the failed layout read before trying the next one.
        this.pos = start;
        this.refs.length = refs;
        this.interned.length = interned;
        this.names.clear();
        for (const n of names) this.names.add(n);
        this.strings.clear();
        for (const s of strings) this.strings.add(s);
        this.codeObjects = codeObjects;
      }
    }
    throw lastError instanceof MarshalError ? lastError : new MarshalError('unreadable code object');
  }

  private codeFields(ints: number, modern: boolean, depth: number): void {
    for (let i = 0; i < ints; i++) this.int32();
    if (!(this.object(depth + 1) instanceof Uint8Array)) throw new MarshalError('co_code is not bytes');
    const consts = this.object(depth + 1);
    const names = this.object(depth + 1);
    if (!Array.isArray(consts) || !Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new MarshalError('bad consts/names');
    if (modern) {
      if (!Array.isArray(this.object(depth + 1))) throw new MarshalError('bad localsplusnames');
      if (!(this.object(depth + 1) instanceof Uint8Array)) throw new MarshalError('bad localspluskinds');
      for (let i = 0; i < 3; i++) if (typeof this.object(depth + 1) !== 'string') throw new MarshalError('bad filename/name/qualname');
    } else {
      for (let i = 0; i < 3; i++) if (!Array.isArray(this.object(depth + 1))) throw new MarshalError('bad varnames/freevars/cellvars');
      for (let i = 0; i < 2; i++) {
        const s = this.object(depth + 1);
        // Python 2 names are byte strings.
        if (typeof s !== 'string' && !(s instanceof Uint8Array)) throw new MarshalError('bad filename/name');
      }
    }
    this.int32();
    if (!(this.object(depth + 1) instanceof Uint8Array)) throw new MarshalError('bad line table');
    if (modern && !(this.object(depth + 1) instanceof Uint8Array)) throw new MarshalError('bad exception table');
    for (const n of names as string[]) if (this.names.size < this.limits.maxListed) this.names.add(n);
    for (const c of consts) {
      if (typeof c === 'string' && this.strings.size < this.limits.maxListed) this.strings.add(c);
      else if (c instanceof Uint8Array && c.length < 4096 && this.strings.size < this.limits.maxListed) this.strings.add(this.latin1.decode(c));
    }
  }
}

/**
 * Lists the names and strings a marshalled code object uses. Returns an error message instead
 * when the bytes are not a code object this reader can follow (never throws).
 */
export function summariseMarshalledCode(bytes: Uint8Array, limits: MarshalLimits = DEFAULT_MARSHAL_LIMITS): MarshalCodeSummary | { error: string } {
  const reader = new Reader(bytes, limits);
  try {
    const first = bytes[0] & ~FLAG_REF;
    if (first !== 0x63 /* 'c' */) return { error: 'not a marshalled code object' };
    reader.object(0);
    return {
      names: [...reader.names],
      strings: [...reader.strings],
      codeObjects: reader.codeObjects,
      ...(reader.layout ? { layout: reader.layout } : {}),
    };
  } catch (err) {
    return { error: err instanceof MarshalError ? err.message : 'unreadable marshal data' };
  }
}
