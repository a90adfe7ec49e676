/**
 * A strict JSON reader over UTF-8 bytes, in the subset serde_json (the safetensors loader) accepts.
 * JSON.parse would do for the values, but it keeps the last of two equal keys without a word and
 * turns big integers into approximate floats; this reader keeps objects as ordered entries, reports
 * every duplicate key (compared after unescaping, as the loader compares them), keeps numbers as
 * their text, and gives byte positions. One pass, no backtracking, depth capped like serde_json's.
 */

export type JsonNode =
  | { kind: 'object'; at: number; entries: JsonEntry[] }
  | { kind: 'array'; at: number; items: JsonNode[] }
  | { kind: 'string'; at: number; value: string }
  /** `text` is the literal as written; `integer` when it has no fraction or exponent. */
  | { kind: 'number'; at: number; text: string; integer: boolean }
  | { kind: 'boolean'; at: number; value: boolean }
  | { kind: 'null'; at: number };

export interface JsonEntry {
  key: string;
  /** Byte position of the key's opening quote. */
  at: number;
  value: JsonNode;
}

export interface DuplicateKey {
  key: string;
  /** Keys (and array indexes) from the root to the object that holds the key twice. */
  path: Array<string | number>;
  /** Byte position of the repeated key; `first` of its first occurrence. */
  at: number;
  first: number;
}

export type JsonParse =
  | {
      ok: true;
      value: JsonNode;
      /** The first `maxDuplicates` duplicate keys; `duplicateCount` counts them all. */
      duplicates: DuplicateKey[];
      duplicateCount: number;
      /** Byte position of the root value's first byte and one past its last. */
      start: number;
      end: number;
    }
  /** `limit` when the document is valid so far but larger than the reader agrees to hold. */
  | { ok: false; message: string; at: number; limit?: true };

export interface JsonLimits {
  /** Nesting depth accepted (serde_json stops at 128). */
  maxDepth: number;
  maxDuplicates: number;
  /**
   * Most values held in memory. Each costs tens of bytes, so a 100 MB header of `[0,0,0,…]` would
   * otherwise need gigabytes; a real header has about eight values per tensor.
   */
  maxValues: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 128, maxDuplicates: 100, maxValues: 1_000_000 };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly limit = false,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isWhitespace = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

const ESCAPES: Readonly<Record<number, string>> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

function hex4(bytes: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const b = bytes[at + i];
    let d: number;
    if (b === undefined) throw new JsonSyntaxError('unexpected end of hex escape', at + i);
    if (b >= 0x30 && b <= 0x39) d = b - 0x30;
    else if (b >= 0x41 && b <= 0x46) d = b - 0x37;
    else if (b >= 0x61 && b <= 0x66) d = b - 0x57;
    else throw new JsonSyntaxError('invalid hex escape', at + i);
    v = v * 16 + d;
  }
  return v;
}

class Reader {
  pos = 0;
  readonly duplicates: DuplicateKey[] = [];
  duplicateCount = 0;
  private values = 0;
  private readonly path: Array<string | number> = [];
  /** Node's native slicing decodes short runs much faster than TextDecoder calls. */
  private readonly buf: Buffer;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: JsonLimits,
  ) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private text(start: number, end: number, ascii: boolean): string {
    return this.buf.toString(ascii ? 'latin1' : 'utf8', start, end);
  }

  skipWhitespace(): void {
    const b = this.bytes;
    while (this.pos < b.length && isWhitespace(b[this.pos]!)) this.pos++;
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, at);
  }

  value(depth: number): JsonNode {
    this.skipWhitespace();
    const at = this.pos;
    if (++this.values > this.limits.maxValues) throw new JsonSyntaxError(`more than ${this.limits.maxValues} JSON values`, at, true);
    const b = this.bytes[at];
    if (b === undefined) this.fail('EOF while parsing a value');
    if (b === 0x7b) return this.object(depth + 1);
    if (b === 0x5b) return this.array(depth + 1);
    if (b === QUOTE) return { kind: 'string', at, value: this.string() };
    if (b === 0x2d || isDigit(b)) return this.number();
    if (this.literal('true')) return { kind: 'boolean', at, value: true };
    if (this.literal('false')) return { kind: 'boolean', at, value: false };
    if (this.literal('null')) return { kind: 'null', at };
    return this.fail('expected value');
  }

  private literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.bytes[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  private object(depth: number): JsonNode {
    if (depth > this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth} levels`);
    const at = this.pos++;
    const entries: JsonEntry[] = [];
    // Most objects have a handful of keys (a tensor entry has three): a linear look-up beats a Map until they grow.
    let seen: Map<string, number> | undefined;
    this.skipWhitespace();
    if (this.bytes[this.pos] === 0x7d) {
      this.pos++;
      return { kind: 'object', at, entries };
    }
    for (;;) {
      this.skipWhitespace();
      const keyAt = this.pos;
      if (this.bytes[keyAt] !== QUOTE) this.fail(this.bytes[keyAt] === undefined ? 'EOF while parsing an object' : 'key must be a string');
      const key = this.string();
      this.skipWhitespace();
      if (this.bytes[this.pos] !== 0x3a) this.fail("expected ':'");
      this.pos++;
      let first: number | undefined;
      if (seen) first = seen.get(key);
      else {
        first = entries.find((e) => e.key === key)?.at;
        if (entries.length >= 8) seen = new Map(entries.map((e) => [e.key, e.at] as const).reverse());
      }
      if (first !== undefined) {
        this.duplicateCount++;
        if (this.duplicates.length < this.limits.maxDuplicates) this.duplicates.push({ key, path: [...this.path], at: keyAt, first });
      } else seen?.set(key, keyAt);
      this.path.push(key);
      const value = this.value(depth);
      this.path.pop();
      entries.push({ key, at: keyAt, value });
      this.skipWhitespace();
      const next = this.bytes[this.pos];
      if (next === 0x2c) {
        this.pos++;
        continue;
      }
      if (next === 0x7d) {
        this.pos++;
        return { kind: 'object', at, entries };
      }
      this.fail(next === undefined ? 'EOF while parsing an object' : "expected ',' or '}'");
    }
  }

  private array(depth: number): JsonNode {
    if (depth > this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth} levels`);
    const at = this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.bytes[this.pos] === 0x5d) {
      this.pos++;
      return { kind: 'array', at, items };
    }
    for (;;) {
      this.path.push(items.length);
      items.push(this.value(depth));
      this.path.pop();
      this.skipWhitespace();
      const next = this.bytes[this.pos];
      if (next === 0x2c) {
        this.pos++;
        continue;
      }
      if (next === 0x5d) {
        this.pos++;
        return { kind: 'array', at, items };
      }
      this.fail(next === undefined ? 'EOF while parsing a list' : "expected ',' or ']'");
    }
  }

  /** At an opening quote; returns the unescaped text. Control characters must be escaped (RFC 8259). */
  private string(): string {
    const b = this.bytes;
    let i = ++this.pos;
    let parts: string[] | undefined;
    let runStart = i;
    let ascii = true;
    for (;;) {
      const c = b[i];
      if (c === undefined) this.fail('EOF while parsing a string', i);
      if (c === QUOTE) break;
      if (c < 0x20) this.fail('control character (\\u0000-\\u001F) found while parsing a string', i);
      if (c !== BACKSLASH) {
        if (c >= 0x80) ascii = false;
        i++;
        continue;
      }
      parts ??= [];
      parts.push(this.text(runStart, i, ascii));
      ascii = true;
      const e = b[i + 1];
      if (e === undefined) this.fail('EOF while parsing a string', i + 1);
      if (e === 0x75) {
        const unit = hex4(b, i + 2);
        i += 6;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // A high surrogate must be followed by an escaped low one: serde_json rejects a lone half.
          if (b[i] !== BACKSLASH || b[i + 1] !== 0x75) this.fail('lone leading surrogate in hex escape', i);
          const low = hex4(b, i + 2);
          if (low < 0xdc00 || low > 0xdfff) this.fail('lone leading surrogate in hex escape', i);
          i += 6;
          parts.push(String.fromCharCode(unit, low));
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          this.fail('lone trailing surrogate in hex escape', i - 6);
        } else parts.push(String.fromCharCode(unit));
      } else {
        const s = ESCAPES[e];
        if (s === undefined) this.fail('invalid escape', i + 1);
        parts.push(s);
        i += 2;
      }
      runStart = i;
    }
    const tail = this.text(runStart, i, ascii);
    this.pos = i + 1;
    return parts ? parts.join('') + tail : tail;
  }

  private number(): JsonNode {
    const b = this.bytes;
    const at = this.pos;
    let i = at;
    let integer = true;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (b[i] !== undefined && b[i]! >= 0x31 && b[i]! <= 0x39) while (b[i] !== undefined && isDigit(b[i]!)) i++;
    else this.fail('invalid number', i);
    if (b[i] !== undefined && isDigit(b[i]!)) this.fail('invalid number', i);
    if (b[i] === 0x2e) {
      integer = false;
      i++;
      if (b[i] === undefined || !isDigit(b[i]!)) this.fail('invalid number', i);
      while (b[i] !== undefined && isDigit(b[i]!)) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      integer = false;
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (b[i] === undefined || !isDigit(b[i]!)) this.fail('invalid number', i);
      while (b[i] !== undefined && isDigit(b[i]!)) i++;
    }
    this.pos = i;
    return { kind: 'number', at, text: this.text(at, i, true), integer };
  }
}

/**
 * Parses one JSON document. `bytes` must already be valid UTF-8 (check with isUtf8 first, so the
 * error names the encoding rather than the syntax). Whitespace may surround the value; anything
 * else after it is an error, as in serde_json.
 */
export function parseStrictJson(bytes: Uint8Array, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonParse {
  const r = new Reader(bytes, limits);
  try {
    r.skipWhitespace();
    const start = r.pos;
    const value = r.value(0);
    const end = r.pos;
    r.skipWhitespace();
    if (r.pos < bytes.length) return { ok: false, message: 'trailing characters', at: r.pos };
    return { ok: true, value, duplicates: r.duplicates, duplicateCount: r.duplicateCount, start, end };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { ok: false, message: err.message, at: err.at, ...(err.limit ? { limit: true as const } : {}) };
    throw err;
  }
}

/** A node's JSON type as a person would name it, for messages. */
export function kindName(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${node.text.length > 24 ? `${node.text.slice(0, 24)}…` : node.text}`;
    case 'boolean':
      return node.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}
