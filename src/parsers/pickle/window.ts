import type { ByteReader } from '../../types.js';

/** Bytes read per refill. Large arguments are skipped, not read, so this bounds memory. */
export const WINDOW_CHUNK = 1024 * 1024;

/** Marks an error thrown by the reader itself: analysis passes those on instead of absorbing them. */
export class ReaderError extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/**
 * A sliding view of a reader. The engine decodes synchronously from `buf` and only awaits
 * a refill when an opcode's bytes are not all in view, so there is no await per opcode.
 */
export class ByteWindow {
  buf: Uint8Array = new Uint8Array(0);
  /** Absolute offset of buf[0]. */
  start = 0;
  readonly size: number;
  /** Largest single read issued, for tests that check memory stays flat. */
  maxRead = 0;

  constructor(
    private readonly reader: ByteReader | null,
    size?: number,
  ) {
    this.size = size ?? reader?.size ?? 0;
  }

  /** A window over bytes already in memory; it never refills (the sniffer's head). */
  static fixed(bytes: Uint8Array): ByteWindow {
    const w = new ByteWindow(null, bytes.length);
    w.buf = bytes;
    return w;
  }

  get end(): number {
    return this.start + this.buf.length;
  }

  get canRefill(): boolean {
    return this.reader !== null;
  }

  /** Loads at least `want` bytes from `pos` (fewer at the end of the data). */
  async fill(pos: number, want: number): Promise<void> {
    if (!this.reader) return;
    const len = Math.max(0, Math.min(Math.max(WINDOW_CHUNK, want), this.size - pos));
    if (len > this.maxRead) this.maxRead = len;
    let bytes: Uint8Array;
    try {
      bytes = await this.reader.read(pos, len);
    } catch (err) {
      throw new ReaderError(err);
    }
    this.buf = bytes;
    this.start = pos;
  }

  /**
   * Places `prefix` right before the data at `resumeAt`: the byte sequence a frame-buffered
   * reader sees when it drops the rest of a frame. The prefix takes the offsets just below
   * `resumeAt`, so everything after it keeps its real offsets.
   */
  async splice(prefix: Uint8Array, resumeAt: number, want: number): Promise<void> {
    const tail = await this.readRange(resumeAt, Math.max(0, Math.min(want, this.size - resumeAt)));
    const buf = new Uint8Array(prefix.length + tail.length);
    buf.set(prefix, 0);
    buf.set(tail, prefix.length);
    this.buf = buf;
    this.start = resumeAt - prefix.length;
  }

  /** Reads a range outside the window (nested payloads, long lines) without moving it. */
  async readRange(pos: number, len: number): Promise<Uint8Array> {
    if (!this.reader) {
      const from = Math.max(0, pos - this.start);
      return this.buf.subarray(from, Math.min(this.buf.length, from + len));
    }
    if (len > this.maxRead) this.maxRead = len;
    try {
      return await this.reader.read(pos, len);
    } catch (err) {
      throw new ReaderError(err);
    }
  }
}
