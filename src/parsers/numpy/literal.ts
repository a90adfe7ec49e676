/**
 * A parser for the Python literals `ast.literal_eval` accepts, for .npy headers. It never
 * evaluates anything: text becomes a tree of plain values or a parse error. Where Python and a
 * naive reader disagree (duplicate dict keys, implicit string concatenation, escapes, comments)
 * it follows Python, and it records duplicate keys so a caller can report the divergence.
 */

export type PyValue =
  | { t: 'none' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'complex' }
  | { t: 'ellipsis' }
  | { t: 'str'; v: string }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'tuple' | 'list' | 'set'; items: PyValue[] }
  | { t: 'dict'; entries: Array<[PyValue, PyValue]>; duplicates: string[] };

export class LiteralError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export interface ParseLiteralOptions {
  /** Python 2 long suffix: numpy drops an `L` right after a number for format 1.0/2.0 headers. */
  allowLongSuffix?: boolean;
  /** Nesting limit (Python's parser has one too); deeper input is an error. */
  maxDepth?: number;
}

/** Parses `text` as one Python literal. Returns the value and where it ended (before trailing whitespace/comments). */
export function parseLiteral(text: string, options: ParseLiteralOptions = {}): { value: PyValue; end: number } {
  const p = new Parser(text, options.allowLongSuffix ?? false, options.maxDepth ?? 64);
  // literal_eval strips leading spaces and tabs; the parser then skips blank lines and comments.
  p.skip();
  let value = p.expr(0);
  let end = p.pos;
  p.skip();
  if (text[p.pos] === ',') {
    // `1, 2` at the top level is a tuple without parentheses.
    const items = [value];
    while (text[p.pos] === ',') {
      p.pos++;
      p.skip();
      if (p.pos >= text.length) break;
      items.push(p.expr(0));
      p.skip();
    }
    value = { t: 'tuple', items };
    end = p.pos;
  }
  if (p.pos < text.length) throw new LiteralError(`unexpected ${JSON.stringify(text[p.pos])} after the literal`, p.pos);
  return { value, end };
}

/** Python equality for hashable literal keys, as a string key (str 'a' and bytes b'a' differ; 1 == 1.0 == True). */
export function hashKey(v: PyValue): string | undefined {
  switch (v.t) {
    case 'none':
      return 'None';
    case 'ellipsis':
      return 'Ellipsis';
    case 'bool':
      return `n:${v.v ? 1 : 0}`;
    case 'int':
      return `n:${v.v}`;
    case 'float':
      return Number.isInteger(v.v) ? `n:${BigInt(v.v)}` : `f:${v.v}`;
    case 'str':
      return `s:${v.v}`;
    case 'bytes':
      return `b:${Array.from(v.v).join(',')}`;
    case 'tuple': {
      const parts = v.items.map(hashKey);
      return parts.every((x) => x !== undefined) ? `t:(${parts.join('|')})` : undefined;
    }
    default:
      return undefined; // list, set, dict, complex (hashable, but never a key numpy cares about)
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

class Parser {
  pos = 0;
  private depth = 0;

  constructor(
    private readonly s: string,
    private readonly longSuffix: boolean,
    private readonly maxDepth: number,
  ) {}

  private fail(msg: string, at = this.pos): never {
    throw new LiteralError(msg, at);
  }

  /** Whitespace, newlines, comments and backslash continuations (lenient about where newlines sit). */
  skip(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.pos++;
      else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n' && s[this.pos] !== '\r') this.pos++;
      } else if (c === '\\' && (s[this.pos + 1] === '\n' || s[this.pos + 1] === '\r')) this.pos += 2;
      else if (c === '\0') this.fail('NUL byte in the header');
      else break;
    }
  }

  expr(level: number): PyValue {
    if (++this.depth > this.maxDepth) this.fail('literal nested too deeply');
    try {
      return this.sum(level);
    } finally {
      this.depth--;
    }
  }

  /** `a + bj` / `a - bj`: literal_eval's only binary operation (a signed real and an unsigned imaginary number). */
  private sum(_level: number): PyValue {
    this.skip();
    const start = this.pos;
    const left = this.signed();
    const after = this.pos;
    this.skip();
    const op = this.s[this.pos];
    if (op !== '+' && op !== '-') {
      this.pos = after;
      return left;
    }
    this.pos++;
    this.skip();
    const right = this.constant();
    if (!isRealNumber(left) || right.t !== 'complex') this.fail('only real ± imaginary number literals may be added', start);
    return { t: 'complex' };
  }

  private signed(): PyValue {
    const c = this.s[this.pos];
    if (c === '+' || c === '-') {
      this.pos++;
      this.skip();
      const v = this.constant();
      if (v.t === 'int') return c === '-' ? { t: 'int', v: -v.v } : v;
      if (v.t === 'float') return c === '-' ? { t: 'float', v: -v.v } : v;
      if (v.t === 'complex') return v;
      return this.fail('a sign only applies to a number');
    }
    return this.atom();
  }

  /** A number constant, possibly in parentheses, but not itself signed: what literal_eval lets a sign or `+`/`-` apply to. */
  private constant(): PyValue {
    this.skip();
    if (this.s[this.pos] === '(') {
      if (++this.depth > this.maxDepth) this.fail('literal nested too deeply');
      this.pos++;
      const v = this.constant();
      this.skip();
      if (this.s[this.pos] !== ')') this.fail("expected ')'");
      this.pos++;
      this.depth--;
      return v;
    }
    const start = this.pos;
    const v = this.atom();
    if (v.t !== 'int' && v.t !== 'float' && v.t !== 'complex') this.fail('a sign only applies to a number', start);
    return v;
  }

  private atom(): PyValue {
    this.skip();
    const s = this.s;
    const c = s[this.pos];
    if (c === undefined) return this.fail('unexpected end of the literal');
    if (c === '(') return this.group();
    if (c === '[') return { t: 'list', items: this.seq('[', ']') };
    if (c === '{') return this.brace();
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[this.pos + 1] ?? ''))) return this.number();
    if (c === '.' && s.startsWith('...', this.pos)) {
      this.pos += 3;
      return { t: 'ellipsis' };
    }
    const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/.exec(s.slice(this.pos, this.pos + 64))?.[0];
    if (word !== undefined) {
      const q = s[this.pos + word.length];
      if ((q === "'" || q === '"') && /^(r|u|R|U|b|B|br|bR|Br|BR|rb|rB|Rb|RB)$/.test(word)) return this.strings();
      this.pos += word.length;
      if (word === 'None') return { t: 'none' };
      if (word === 'True') return { t: 'bool', v: true };
      if (word === 'False') return { t: 'bool', v: false };
      if (word === 'set') {
        // literal_eval accepts the empty set as `set()`.
        this.skip();
        if (s[this.pos] === '(') {
          this.pos++;
          this.skip();
          if (s[this.pos] === ')') {
            this.pos++;
            return { t: 'set', items: [] };
          }
        }
      }
      return this.fail(`${word} is not a literal`, this.pos - word.length);
    }
    if (c === "'" || c === '"') return this.strings();
    return this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  private group(): PyValue {
    // '(' expr ')' is the expression itself; a comma (or nothing) makes a tuple.
    this.pos++;
    this.skip();
    if (this.s[this.pos] === ')') {
      this.pos++;
      return { t: 'tuple', items: [] };
    }
    const first = this.expr(0);
    this.skip();
    if (this.s[this.pos] === ')') {
      this.pos++;
      return first;
    }
    if (this.s[this.pos] !== ',') return this.fail("expected ',' or ')'");
    this.pos++;
    const items = [first, ...this.rest(')')];
    return { t: 'tuple', items };
  }

  private seq(open: string, close: string): PyValue[] {
    if (this.s[this.pos] !== open) this.fail(`expected ${open}`);
    this.pos++;
    return this.rest(close);
  }

  /** Items up to `close`, comma-separated, trailing comma allowed. */
  private rest(close: string): PyValue[] {
    const items: PyValue[] = [];
    for (;;) {
      this.skip();
      if (this.s[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.expr(0));
      this.skip();
      if (this.s[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.s[this.pos] === close) {
        this.pos++;
        return items;
      }
      this.fail(`expected ',' or '${close}'`);
    }
  }

  private brace(): PyValue {
    this.pos++;
    this.skip();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return { t: 'dict', entries: [], duplicates: [] };
    }
    const first = this.expr(0);
    this.skip();
    if (this.s[this.pos] !== ':') {
      // A set display.
      const items = [first];
      if (this.s[this.pos] === ',') {
        this.pos++;
        items.push(...this.rest('}'));
      } else if (this.s[this.pos] === '}') this.pos++;
      else this.fail("expected ',', ':' or '}'");
      for (const it of items) if (hashKey(it) === undefined && it.t !== 'complex') this.fail('unhashable set element');
      return { t: 'set', items };
    }
    const entries: Array<[PyValue, PyValue]> = [];
    const index = new Map<string, number>();
    const duplicates: string[] = [];
    let key = first;
    for (;;) {
      // at ':'
      this.pos++;
      const value = this.expr(0);
      const h = hashKey(key);
      if (h === undefined && key.t !== 'complex') this.fail('unhashable dict key');
      const prev = h === undefined ? undefined : index.get(h);
      if (prev !== undefined) {
        // Python keeps the first key object, in its place, with the last value.
        entries[prev] = [entries[prev]![0], value];
        duplicates.push(key.t === 'str' ? key.v : h!);
      } else {
        if (h !== undefined) index.set(h, entries.length);
        entries.push([key, value]);
      }
      this.skip();
      if (this.s[this.pos] === ',') {
        this.pos++;
        this.skip();
      } else if (this.s[this.pos] !== '}') this.fail("expected ',' or '}'");
      if (this.s[this.pos] === '}') {
        this.pos++;
        return { t: 'dict', entries, duplicates };
      }
      key = this.expr(0);
      this.skip();
      if (this.s[this.pos] !== ':') this.fail("expected ':'");
    }
  }

  private number(): PyValue {
    const s = this.s;
    const start = this.pos;
    const rest = s.slice(start, start + 4096);
    let m = /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest);
    let v: PyValue;
    const based = m !== null;
    if (m) {
      const text = m[0].replace(/_/g, '');
      const base = text[1]!.toLowerCase();
      const digits = text.slice(2);
      let n = 0n;
      const radix = base === 'x' ? 16n : base === 'o' ? 8n : 2n;
      for (const d of digits) n = n * radix + BigInt(parseInt(d, 16));
      v = { t: 'int', v: n };
      this.pos += m[0].length;
    } else {
      const dig = '[0-9](?:_?[0-9])*';
      m = new RegExp(`^(?:${dig}\\.(?:${dig})?|\\.${dig}|${dig})(?:[eE][+-]?${dig})?`).exec(rest);
      if (!m) return this.fail('bad number');
      const text = m[0];
      this.pos += text.length;
      const clean = text.replace(/_/g, '');
      if (/[.eE]/.test(clean) || /^[jJ]/.test(s[this.pos] ?? '')) {
        v = { t: 'float', v: Number(clean) };
      } else {
        if (/^0+[1-9]/.test(clean)) this.fail('leading zeros in a decimal integer', start);
        v = { t: 'int', v: BigInt(clean) };
      }
    }
    const next = s[this.pos] ?? '';
    if (!based && (next === 'j' || next === 'J')) {
      this.pos++;
      v = { t: 'complex' };
    } else if (this.longSuffix) {
      // numpy's _filter_header drops a NAME token 'L' right after a NUMBER token (Python 2 longs).
      let q = this.pos;
      while (s[q] === ' ' || s[q] === '\t') q++;
      if (s[q] === 'L' && !/[A-Za-z0-9_]/.test(s[q + 1] ?? '')) this.pos = q + 1;
    }
    if (/[A-Za-z0-9_]/.test(s[this.pos] ?? '')) this.fail('bad number', start);
    return v;
  }

  /** One or more adjacent string literals, concatenated as Python does (str with str, bytes with bytes). */
  private strings(): PyValue {
    let kind: 'str' | 'bytes' | undefined;
    let text = '';
    const bytes: number[] = [];
    for (;;) {
      const start = this.pos;
      const pre = /^[A-Za-z]{0,2}(?=['"])/.exec(this.s.slice(this.pos, this.pos + 3))?.[0];
      if (pre === undefined || (pre !== '' && !/^(r|u|b|br|rb)$/i.test(pre))) {
        if (kind === undefined) this.fail('expected a string');
        break;
      }
      const lower = pre.toLowerCase();
      const isBytes = lower.includes('b');
      const raw = lower.includes('r');
      const k = isBytes ? 'bytes' : 'str';
      if (kind !== undefined && kind !== k) this.fail('cannot mix bytes and str literals', start);
      kind = k;
      this.pos += pre.length;
      const body = this.stringBody(raw, isBytes);
      if (isBytes) for (let i = 0; i < body.length; i++) bytes.push(body.charCodeAt(i));
      else text += body;
      const save = this.pos;
      this.skip();
      const c = this.s[this.pos];
      if (!(c === "'" || c === '"' || /^[A-Za-z]{1,2}['"]/.test(this.s.slice(this.pos, this.pos + 3)))) {
        this.pos = save;
        break;
      }
    }
    return kind === 'bytes' ? { t: 'bytes', v: Uint8Array.from(bytes) } : { t: 'str', v: text };
  }

  private stringBody(raw: boolean, isBytes: boolean): string {
    const s = this.s;
    const q = s[this.pos]!;
    const triple = s.startsWith(q.repeat(3), this.pos);
    const close = triple ? q.repeat(3) : q;
    const start = this.pos;
    this.pos += close.length;
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string', start);
      const c = s[this.pos]!;
      if (s.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      if (c === '\0') this.fail('NUL byte in the header');
      if (!triple && (c === '\n' || c === '\r')) this.fail('newline in a string', this.pos);
      if (isBytes && c.charCodeAt(0) > 0x7f) this.fail('non-ASCII character in a bytes literal', this.pos);
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const n = s[this.pos + 1];
      if (n === undefined) this.fail('unterminated string', start);
      if (raw) {
        // A raw string keeps the backslash, and the backslash still protects the next character.
        if (!triple && (n === '\n' || n === '\r')) this.fail('newline in a string', this.pos);
        out += c + n;
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      if (n === '\n') continue;
      if (n === '\r') {
        if (s[this.pos] === '\n') this.pos++;
        continue;
      }
      if (n in ESCAPES) out += ESCAPES[n];
      else if (/[0-7]/.test(n)) {
        let d = n;
        while (d.length < 3 && /[0-7]/.test(s[this.pos] ?? '')) d += s[this.pos++];
        const code = parseInt(d, 8);
        if (isBytes) out += String.fromCharCode(code & 0xff);
        else out += String.fromCodePoint(code);
      } else if (n === 'x') out += String.fromCharCode(this.hex(2, start));
      else if (!isBytes && n === 'u') out += String.fromCharCode(this.hex(4, start));
      else if (!isBytes && n === 'U') {
        const cp = this.hex(8, start);
        if (cp > 0x10ffff) this.fail('illegal Unicode character', start);
        out += String.fromCodePoint(cp);
      } else if (!isBytes && n === 'N') this.fail('\\N{...} escapes are not supported', start);
      else out += '\\' + n; // unknown escapes keep the backslash
    }
  }

  private hex(len: number, start: number): number {
    const h = this.s.slice(this.pos, this.pos + len);
    if (h.length !== len || !/^[0-9a-fA-F]+$/.test(h)) this.fail('truncated \\x/\\u/\\U escape', start);
    this.pos += len;
    return parseInt(h, 16);
  }
}

function isRealNumber(v: PyValue): boolean {
  return v.t === 'int' || v.t === 'float';
}
