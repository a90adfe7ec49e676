import type { ByteReader } from '../../types.js';

/** Protocol Buffers wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** Why the bytes stopped being a protobuf message the loader would accept. */
export type WireProblemKind = 'truncated' | 'malformed' | 'depth' | 'budget';

export class WireError extends Error {
  constructor(
    readonly kind: WireProblemKind,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** One field of a message: where its tag starts and where its value lies. */
export interface WireField {
  field: number;
  wireType: number;
  /** Offset of the tag. */
  offset: number;
  /** The value's bytes (for LEN, without the length prefix). */
  start: number;
  end: number;
  /** The field's bytes, tag included, from the walk's window when it holds them. */
  raw(): Promise<Uint8Array>;
  /** The value's bytes (for LEN, without the length prefix), from the window when it holds them. */
  value(): Promise<Uint8Array>;
  /** What the walk's window holds now, to seed a walk of this field's own fields. */
  held(): Window;
  /** Any bytes [from, to) of the reader, from the window when it holds them. */
  slice(from: number, to: number): Promise<Uint8Array>;
}

/** The C++ protobuf parser's default recursion limit, which the loaders (onnx, TensorFlow) keep. */
export const PROTOBUF_RECURSION_LIMIT = 100;

/** Bytes read at `start`. */
export interface Window {
  buf: Uint8Array;
  start: number;
}

/** A window starts small (a jump over a payload lands in a few tags) and doubles while reads stay sequential. */
const MIN_WINDOW = 4 * 1024;
const MAX_WINDOW = 64 * 1024;

/**
 * Sequential reads over a ByteReader through a window, so walking tags and lengths costs one
 * ranged read per window instead of one per byte, and nothing beyond the window stays in memory.
 */
export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private window = MIN_WINDOW;

  constructor(
    private readonly reader: ByteReader,
    public pos: number,
    /** Reads never go past this offset (the end of the message being walked). */
    readonly end: number,
    /** Bytes an enclosing walk already read, reused instead of read again. */
    seed?: Window,
  ) {
    if (seed) {
      this.buf = seed.buf;
      this.bufStart = seed.start;
    }
  }

  /** The bytes this cursor holds, to seed a nested walk. */
  get held(): Window {
    return { buf: this.buf, start: this.bufStart };
  }

  private async fill(at: number): Promise<void> {
    this.window = at === this.bufStart + this.buf.length ? Math.min(this.window * 2, MAX_WINDOW) : MIN_WINDOW;
    this.bufStart = at;
    this.buf = await this.reader.read(at, Math.min(this.window, this.end - at));
  }

  /**
   * The varint at the cursor when the window holds all of it (the common case, with no promise to
   * wait for), else undefined and the cursor does not move.
   */
  tryVarint(): number | undefined {
    let at = this.pos - this.bufStart;
    if (at < 0) return undefined;
    const limit = Math.min(this.buf.length, at + 10, this.end - this.bufStart);
    let value = 0;
    let scale = 1;
    for (; at < limit; at++) {
      const b = this.buf[at];
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        this.pos = this.bufStart + at + 1;
        return value > Number.MAX_SAFE_INTEGER ? Infinity : value;
      }
    }
    return undefined;
  }

  /** A base-128 varint; values past 2^53 come back as Infinity (only lengths need the exact value). */
  async varint(): Promise<number> {
    const start = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated', 'the data ends inside a varint', start);
      // Only a byte outside the window costs a read; the rest is synchronous.
      if (this.pos < this.bufStart || this.pos >= this.bufStart + this.buf.length) {
        await this.fill(this.pos);
        if (this.buf.length === 0) throw new WireError('truncated', 'the data ends inside a varint', start);
      }
      const b = this.buf[this.pos - this.bufStart];
      this.pos++;
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return value > Number.MAX_SAFE_INTEGER ? Infinity : value;
    }
    throw new WireError('malformed', 'a varint runs longer than 10 bytes', start);
  }

  /** Bytes [start, end) of the underlying reader, from the window when it holds them. */
  async bytes(start: number, end: number): Promise<Uint8Array> {
    if (start >= this.bufStart && end <= this.bufStart + this.buf.length) return this.buf.subarray(start - this.bufStart, end - this.bufStart);
    const got = await this.reader.read(start, end - start);
    if (got.length < end - start) throw new WireError('truncated', `the data ends ${end - start - got.length} bytes before the field does`, start);
    return got;
  }
}

/** Skips a (deprecated) group the way protobuf parsers do for unknown fields, with bounded nesting. */
async function skipGroup(cur: Cursor, field: number, depth: number): Promise<void> {
  const open: number[] = [field];
  while (open.length > 0) {
    if (depth + open.length > PROTOBUF_RECURSION_LIMIT) throw new WireError('depth', `groups nest deeper than ${PROTOBUF_RECURSION_LIMIT} levels`, cur.pos);
    const at = cur.pos;
    if (at >= cur.end) throw new WireError('truncated', `group ${open[open.length - 1]} is not closed before the end of its message`, at);
    const tag = await cur.varint();
    const f = Math.floor(tag / 8);
    const wt = tag % 8;
    if (f === 0) throw new WireError('malformed', 'field number 0 inside a group', at);
    if (wt === WireType.EGROUP) {
      if (f !== open[open.length - 1]) throw new WireError('malformed', `group ${open[open.length - 1]} is closed by an end tag for field ${f}`, at);
      open.pop();
    } else if (wt === WireType.SGROUP) open.push(f);
    else await skipValue(cur, wt, at);
  }
}

async function skipValue(cur: Cursor, wireType: number, at: number): Promise<{ start: number; end: number }> {
  switch (wireType) {
    case WireType.VARINT: {
      const start = cur.pos;
      if (cur.tryVarint() === undefined) await cur.varint();
      return { start, end: cur.pos };
    }
    case WireType.I64:
    case WireType.I32: {
      const start = cur.pos;
      const end = start + (wireType === WireType.I64 ? 8 : 4);
      if (end > cur.end) throw new WireError('truncated', 'a fixed-width value runs past the end of its message', at);
      cur.pos = end;
      return { start, end };
    }
    case WireType.LEN: {
      const length = cur.tryVarint() ?? (await cur.varint());
      const start = cur.pos;
      if (start + length > cur.end) {
        throw new WireError('truncated', `a field declares ${length === Infinity ? 'an impossible' : length}-byte length that runs past the end of its message`, at);
      }
      cur.pos = start + length;
      return { start, end: cur.pos };
    }
    default:
      throw new WireError('malformed', `invalid wire type ${wireType}`, at);
  }
}

/** A field as the walker returns it: positions, and the walk's window for its bytes. */
class Field implements WireField {
  constructor(
    private readonly cur: Cursor,
    readonly field: number,
    readonly wireType: number,
    readonly offset: number,
    readonly start: number,
    readonly end: number,
  ) {}
  raw(): Promise<Uint8Array> {
    return this.cur.bytes(this.offset, this.end);
  }
  value(): Promise<Uint8Array> {
    return this.cur.bytes(this.start, this.end);
  }
  held(): Window {
    return this.cur.held;
  }
  slice(from: number, to: number): Promise<Uint8Array> {
    return this.cur.bytes(from, to);
  }
}

/** What `FieldWalker.nextSync` returns when the next field needs a read (or an error path) first. */
export const NEED_READ = Symbol('need-read');

/**
 * The fields of the message in [start, end), read tag by tag over the reader. A field that runs
 * past the end, an invalid wire type or tag throws a WireError at its offset. Groups are skipped.
 * `nextSync` serves fields whose tag and length sit in the window without a promise per field
 * (graphs have hundreds of thousands); `next` does everything else.
 */
export class FieldWalker {
  private readonly cur: Cursor;

  constructor(
    reader: ByteReader,
    start: number,
    end: number,
    private readonly depth = 0,
    seed?: Window,
  ) {
    this.cur = new Cursor(reader, start, end, seed);
  }

  nextSync(): WireField | typeof NEED_READ | undefined {
    const cur = this.cur;
    if (cur.pos >= cur.end) return undefined;
    const offset = cur.pos;
    const tag = cur.tryVarint();
    if (tag === undefined) return NEED_READ;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    let vs = cur.pos;
    let ve: number;
    if (field === 0 || field > 0x1fffffff) ve = -1;
    else if (wireType === WireType.VARINT) ve = cur.tryVarint() === undefined ? -1 : cur.pos;
    else if (wireType === WireType.I64 || wireType === WireType.I32) ve = vs + (wireType === WireType.I64 ? 8 : 4);
    else if (wireType === WireType.LEN) {
      const length = cur.tryVarint();
      vs = cur.pos;
      ve = length === undefined ? -1 : vs + length;
    } else ve = -1;
    if (ve < 0 || ve > cur.end) {
      // Groups, reads and errors take the slow path from the tag again.
      cur.pos = offset;
      return NEED_READ;
    }
    cur.pos = ve;
    return new Field(cur, field, wireType, offset, vs, ve);
  }

  async next(): Promise<WireField | undefined> {
    const cur = this.cur;
    while (cur.pos < cur.end) {
      const offset = cur.pos;
      const tag = cur.tryVarint() ?? (await cur.varint());
      const field = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (field === 0 || tag === Infinity || field > 0x1fffffff) throw new WireError('malformed', `invalid field number in tag ${tag}`, offset);
      if (wireType === WireType.SGROUP) {
        await skipGroup(cur, field, this.depth + 1);
        continue;
      }
      if (wireType === WireType.EGROUP) throw new WireError('malformed', `end-group tag for field ${field} with no group open`, offset);
      const { start, end } = await skipValue(cur, wireType, offset);
      return new Field(cur, field, wireType, offset, start, end);
    }
    return undefined;
  }
}

/** The fields of the message in [start, end), one by one (see FieldWalker). */
export async function* wireFields(reader: ByteReader, start: number, end: number, depth = 0, seed?: Window): AsyncGenerator<WireField> {
  const walker = new FieldWalker(reader, start, end, depth, seed);
  for (;;) {
    const sync = walker.nextSync();
    const wf = sync === NEED_READ ? await walker.next() : sync;
    if (wf === undefined) return;
    yield wf;
  }
}
