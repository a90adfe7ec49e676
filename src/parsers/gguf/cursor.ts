import type { ByteReader } from '../../types.js';

/** A read that would cross `limit`: past the end of the file, or past the header cap. */
export class OutOfBounds extends Error {
  constructor(
    readonly at: number,
    readonly need: bigint,
    /** True when the cap, not the end of the file, stopped the read. */
    readonly capped: boolean,
  ) {
    super(`${need} bytes at offset ${at} are out of bounds`);
  }
}

const FIRST_WINDOW = 4096;
const MAX_WINDOW = 1024 * 1024;

/**
 * Sequential reads through the header, buffered in a window that starts small and doubles, so a
 * tiny header costs one small read and a 10 MB vocabulary a handful of large ones, and nothing
 * past the header's end is read beyond one window.
 */
export class Cursor {
  pos = 0;
  littleEndian = true;
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.buf.buffer);
  private bufStart = 0;
  private window = FIRST_WINDOW;
  /** Where reads stop: the file size, or the header cap when smaller. */
  readonly limit: number;

  constructor(
    private readonly reader: ByteReader,
    maxBytes: number,
  ) {
    this.limit = Math.min(reader.size, maxBytes);
  }

  get remaining(): number {
    return this.limit - this.pos;
  }

  /** Throws OutOfBounds unless `n` bytes from `at` lie within the limit. */
  check(n: number | bigint, at = this.pos): void {
    const within = (end: number): boolean => (typeof n === 'bigint' ? BigInt(at) + n <= BigInt(end) : at + n <= end);
    if (within(this.limit)) return;
    throw new OutOfBounds(at, BigInt(n), this.limit < this.reader.size && within(this.reader.size));
  }

  /**
   * Moves past `count` length-prefixed strings (a vocabulary), reading lengths from the window
   * without an await per string. `lengthSize` is 8 (GGUF v2/v3) or 4 (v1).
   */
  async skipStrings(count: number, lengthSize: 4 | 8): Promise<void> {
    for (let i = 0; i < count; i++) {
      let at = this.pos - this.bufStart;
      if (this.pos < this.bufStart || at + lengthSize > this.buf.length) {
        at = await this.fill(lengthSize);
        this.pos -= lengthSize;
      }
      // Number arithmetic on the two halves: this loop runs once per vocabulary token.
      const le = this.littleEndian;
      const high = lengthSize === 8 ? this.view.getUint32(le ? at + 4 : at, le) : 0;
      const low = this.view.getUint32(lengthSize === 8 && !le ? at + 4 : at, le);
      this.pos += lengthSize;
      const length = high * 2 ** 32 + low;
      if (high >= 2 ** 21 || this.pos + length > this.limit) this.check(BigInt(high) * 2n ** 32n + BigInt(low));
      this.pos += length;
    }
  }

  private async fill(n: number): Promise<number> {
    this.check(n);
    const inside = this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length;
    if (!inside) {
      const want = Math.min(Math.max(n, this.window), this.limit - this.pos);
      this.window = Math.min(this.window * 2, MAX_WINDOW);
      const got = await this.reader.read(this.pos, want);
      if (got.length < n) throw new OutOfBounds(this.pos, BigInt(n), false);
      this.buf = got;
      this.view = new DataView(got.buffer, got.byteOffset, got.byteLength);
      this.bufStart = this.pos;
    }
    const at = this.pos - this.bufStart;
    this.pos += n;
    return at;
  }

  // Each reader awaits the fill before touching `view`: a refill replaces it.
  async u8(): Promise<number> {
    const at = await this.fill(1);
    return this.view.getUint8(at);
  }
  async i8(): Promise<number> {
    const at = await this.fill(1);
    return this.view.getInt8(at);
  }
  async u16(): Promise<number> {
    const at = await this.fill(2);
    return this.view.getUint16(at, this.littleEndian);
  }
  async i16(): Promise<number> {
    const at = await this.fill(2);
    return this.view.getInt16(at, this.littleEndian);
  }
  async u32(): Promise<number> {
    const at = await this.fill(4);
    return this.view.getUint32(at, this.littleEndian);
  }
  async i32(): Promise<number> {
    const at = await this.fill(4);
    return this.view.getInt32(at, this.littleEndian);
  }
  async f32(): Promise<number> {
    const at = await this.fill(4);
    return this.view.getFloat32(at, this.littleEndian);
  }
  async u64(): Promise<bigint> {
    const at = await this.fill(8);
    return this.view.getBigUint64(at, this.littleEndian);
  }
  async i64(): Promise<bigint> {
    const at = await this.fill(8);
    return this.view.getBigInt64(at, this.littleEndian);
  }
  async f64(): Promise<number> {
    const at = await this.fill(8);
    return this.view.getFloat64(at, this.littleEndian);
  }

  /** `n` bytes; larger than the window they are read directly, so a long chat template is one read. */
  async bytes(n: number): Promise<Uint8Array> {
    if (n <= MAX_WINDOW) {
      const at = await this.fill(n);
      return this.buf.subarray(at, at + n);
    }
    this.check(n);
    const got = await this.reader.read(this.pos, n);
    if (got.length < n) throw new OutOfBounds(this.pos, BigInt(n), false);
    this.pos += n;
    return got;
  }

  /** Moves past `n` bytes without reading them (fixed-size arrays, strings not kept). */
  skip(n: number | bigint): void {
    this.check(n);
    this.pos += Number(n);
  }
}
