import type { OpcodeInfo } from './opcodes.js';
import type { ByteWindow } from './window.js';

/** `decode` results other than the offset past the argument. */
export const NEED_MORE = -1;
export const FAILED = -2;
export const LONG_LINE = -3;

/** Strings up to this size are decoded; longer ones are kept as (offset, length) only. */
export const DATA_CAP = 1024 * 1024;
/** Text lines up to this size are decoded; longer ones are skipped to their newline. */
export const LINE_CAP = 256 * 1024;
/** LONG1/LONG4 values up to this many bytes are decoded. */
const LONG_CAP = 64;

/** Opcodes whose data is text the VM needs (names, STACK_GLOBAL operands); bytes are never read. */
const TEXT_DATA = new Set(['BINUNICODE', 'SHORT_BINUNICODE', 'BINUNICODE8', 'BINSTRING', 'SHORT_BINSTRING']);

/** A decoded line: its bytes when short enough, else only where it is. */
export interface Line {
  off: number;
  len: number;
  bytes: Uint8Array | null;
}

/**
 * Decodes one opcode argument from a window, synchronously. The result fields are reused from
 * call to call (no allocation per opcode): read them right after `decode` returns.
 */
export class ArgDecoder {
  /** Integer argument: u1/u2/i4/u4, lengths, EXT codes, PROTO. */
  num = 0;
  float = 0;
  /** LONG1/LONG4 value, `null` when too long to decode. */
  long: number | bigint | null = 0;
  /** Data of length-prefixed arguments, absolute offset and length. */
  dataOff = 0;
  dataLen = 0;
  /** The data bytes when the opcode's data is text and small enough; a view into the window. */
  data: Uint8Array | null = null;
  line1: Line = { off: 0, len: 0, bytes: null };
  line2: Line = { off: 0, len: 0, bytes: null };

  /** For NEED_MORE: absolute offset the window must reach. */
  need = 0;
  /** For FAILED: why. */
  failCode = '';
  failMessage = '';
  /** For LONG_LINE: where the line starts. */
  longLineAt = 0;
  /** Newline positions of lines longer than LINE_CAP, found by the async driver (-1: none before EOF). */
  readonly longLines = new Map<number, number>();

  constructor(private readonly win: ByteWindow) {}

  private fail(code: string, message: string): number {
    this.failCode = code;
    this.failMessage = message;
    return FAILED;
  }

  private needUpTo(end: number): number {
    this.need = end;
    return NEED_MORE;
  }

  /** Decodes the argument of `info` starting at absolute `pos`; returns the offset after it. */
  decode(info: OpcodeInfo, pos: number): number {
    const win = this.win;
    const buf = win.buf;
    const rel = pos - win.start;
    const avail = win.end - pos;
    switch (info.arg) {
      case 'none':
        return pos;
      case 'u1':
        if (avail < 1) return this.needUpTo(pos + 1);
        this.num = buf[rel]!;
        return pos + 1;
      case 'u2':
        if (avail < 2) return this.needUpTo(pos + 2);
        this.num = buf[rel]! | (buf[rel + 1]! << 8);
        return pos + 2;
      case 'i4':
        if (avail < 4) return this.needUpTo(pos + 4);
        this.num = buf[rel]! | (buf[rel + 1]! << 8) | (buf[rel + 2]! << 16) | (buf[rel + 3]! << 24);
        return pos + 4;
      case 'u4':
        if (avail < 4) return this.needUpTo(pos + 4);
        this.num = (buf[rel]! | (buf[rel + 1]! << 8) | (buf[rel + 2]! << 16) | (buf[rel + 3]! << 24)) >>> 0;
        return pos + 4;
      case 'f8': {
        if (avail < 8) return this.needUpTo(pos + 8);
        const view = new DataView(buf.buffer, buf.byteOffset + rel, 8);
        this.float = view.getFloat64(0, false);
        return pos + 8;
      }
      case 'frame8': {
        if (avail < 8) return this.needUpTo(pos + 8);
        const n = this.u8(buf, rel);
        if (n < 0) return this.fail('pickle/bad-argument', 'FRAME length exceeds the maximum size');
        this.num = n;
        return pos + 8;
      }
      case 'long1':
      case 'long4': {
        const hdr = info.arg === 'long1' ? 1 : 4;
        if (avail < hdr) return this.needUpTo(pos + hdr);
        let n: number;
        if (hdr === 1) n = buf[rel]!;
        else {
          n = buf[rel]! | (buf[rel + 1]! << 8) | (buf[rel + 2]! << 16) | (buf[rel + 3]! << 24);
          if (n < 0) return this.fail('pickle/bad-argument', 'LONG4 has a negative byte count');
        }
        const start = pos + hdr;
        if (start + n > win.size) return this.needUpTo(start + n);
        this.dataOff = start;
        this.dataLen = n;
        if (n <= LONG_CAP) {
          if (win.end < start + n) return this.needUpTo(start + n);
          this.long = decodeLong(buf.subarray(rel + hdr, rel + hdr + n));
        } else this.long = null;
        return start + n;
      }
      case 'bytes1':
      case 'bytes4':
      case 'sbytes4':
      case 'bytes8': {
        const hdr = info.arg === 'bytes1' ? 1 : info.arg === 'bytes8' ? 8 : 4;
        if (avail < hdr) return this.needUpTo(pos + hdr);
        let n: number;
        if (hdr === 1) n = buf[rel]!;
        else if (hdr === 4) {
          n = (buf[rel]! | (buf[rel + 1]! << 8) | (buf[rel + 2]! << 16) | (buf[rel + 3]! << 24)) >>> 0;
          if (info.arg === 'sbytes4' && n >= 0x80000000) return this.fail('pickle/bad-argument', `${info.name} has a negative byte count`);
        } else {
          n = this.u8(buf, rel);
          if (n < 0) return this.fail('pickle/bad-argument', `${info.name} length exceeds the maximum size`);
        }
        const start = pos + hdr;
        this.dataOff = start;
        this.dataLen = n;
        this.data = null;
        if (start + n > win.size) return this.needUpTo(start + n);
        if (TEXT_DATA.has(info.name) && n <= DATA_CAP) {
          if (win.end < start + n) return this.needUpTo(start + n);
          this.data = buf.subarray(rel + hdr, rel + hdr + n);
        }
        return start + n;
      }
      case 'line': {
        const next = this.readLine(pos, this.line1);
        return next;
      }
      case 'line2': {
        const mid = this.readLine(pos, this.line1);
        if (mid < 0) return mid;
        if (this.line1.bytes === null && !this.longLines.has(mid) && (mid >= win.end || win.buf.indexOf(0x0a, mid - win.start) < 0)) {
          // After an overlong first line the window cannot hold both: find the second one's end
          // the same way instead of reading the first into memory.
          this.longLineAt = mid;
          return LONG_LINE;
        }
        return this.readLine(mid, this.line2);
      }
    }
  }

  /** 8-byte little-endian length; -1 when the top bit is set (CPython's Py_ssize_t overflow). */
  private u8(buf: Uint8Array, rel: number): number {
    if (buf[rel + 7]! & 0x80) return -1;
    let v = 0;
    for (let i = 7; i >= 0; i--) v = v * 256 + buf[rel + i]!;
    return v;
  }

  private readLine(pos: number, out: Line): number {
    const win = this.win;
    const known = this.longLines.get(pos);
    if (known !== undefined) {
      if (known < 0) {
        this.need = win.size + 1;
        return NEED_MORE;
      }
      out.off = pos;
      out.len = known - pos;
      out.bytes = null;
      return known + 1;
    }
    const rel = pos - win.start;
    const limit = Math.min(win.buf.length, rel + LINE_CAP + 1);
    const nl = rel < limit ? win.buf.indexOf(0x0a, rel) : -1;
    if (nl >= 0 && nl < limit) {
      out.off = pos;
      out.len = nl - rel;
      out.bytes = win.buf.subarray(rel, nl);
      return win.start + nl + 1;
    }
    if (win.end >= win.size) {
      // No newline before the end of the data: the unpickler's readline fails.
      this.need = win.size + 1;
      return NEED_MORE;
    }
    if (win.end - pos < LINE_CAP + 1) return this.needUpTo(Math.min(win.size, pos + LINE_CAP + 1));
    this.longLineAt = pos;
    return LONG_LINE;
  }
}

/** Two's complement little-endian, as `pickle.decode_long`. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  if (bytes.length <= 6) {
    let v = 0;
    for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + bytes[i]!;
    if (bytes[bytes.length - 1]! & 0x80) v -= 2 ** (8 * bytes.length);
    return v;
  }
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
