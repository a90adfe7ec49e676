import type { ByteReader } from '../../types.js';
import { EndOfInput } from './errors.js';

const READ_CHUNK = 256 * 1024;

/**
 * Compressed bytes for a synchronous decoder: `ensure(n)` buffers at least `n` bytes ahead of
 * the cursor (or all that is left), then the decoder takes them without awaiting. The buffer
 * holds what was asked for plus one read, so memory stays at the decoder's largest unit.
 */
export class InputCursor {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private base: number;
  private limit: number;

  constructor(
    private readonly reader: ByteReader,
    start: number,
    end = reader.size,
  ) {
    this.base = start;
    this.limit = Math.max(start, Math.min(end, reader.size));
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Offset where the input ends. */
  get end(): number {
    return this.limit;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }

  /** Every byte up to the end is buffered. */
  get atEnd(): boolean {
    return this.base + this.buf.length >= this.limit;
  }

  /** No byte is left at all. */
  get exhausted(): boolean {
    return this.offset >= this.limit;
  }

  async ensure(n: number): Promise<void> {
    while (this.available < n && !this.atEnd) {
      const from = this.base + this.buf.length;
      const len = Math.min(this.limit - from, Math.max(READ_CHUNK, n - this.available));
      const more = await this.reader.read(from, len);
      // A short read means the data ends there (a healthy reader returns short only at its end).
      if (more.length < len) this.limit = from + more.length;
      const rest = this.buf.subarray(this.pos);
      const next = new Uint8Array(rest.length + more.length);
      next.set(rest, 0);
      next.set(more, rest.length);
      this.base += this.pos;
      this.buf = next;
      this.pos = 0;
      if (more.length === 0) break;
    }
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new EndOfInput();
    return this.buf[this.pos++]!;
  }

  /** The next `n` bytes (a view, valid until the next ensure). */
  take(n: number): Uint8Array {
    if (this.available < n) throw new EndOfInput();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The bytes from absolute offset `from` up to the cursor, when they are still buffered. */
  since(from: number): Uint8Array {
    const start = from - this.base;
    if (start < 0 || start > this.pos) throw new RangeError('bytes no longer buffered');
    return this.buf.subarray(start, this.pos);
  }

  peek(i = 0): number | undefined {
    return this.buf[this.pos + i];
  }

  skip(n: number): void {
    if (this.available < n) throw new EndOfInput();
    this.pos += n;
  }
}
