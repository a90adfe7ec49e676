import type { ArgDecoder } from './decode.js';
import type { OpcodeInfo } from './opcodes.js';
import type { Recorder } from './record.js';

const FRAME = 0x95;
/** Opcodes whose data the C unpickler reads with _Unpickler_Read (a crossing read restarts at the frame end); bytes data uses readinto and stays linear. */
const BUFFERED_DATA = new Set(['BINUNICODE', 'SHORT_BINUNICODE', 'BINUNICODE8', 'BINSTRING', 'SHORT_BINSTRING', 'LONG1', 'LONG4']);

/**
 * Where the frame-buffered reading departs from the linear one.
 * - splice: the opcode's bytes up to `prefixEnd` are read where they are, the rest from `resumeAt`.
 * - skip: a FRAME whose content the reader takes from `resumeAt` (the end of the current frame).
 * - truncated: the frame's bytes do not exist; the C unpickler raises.
 */
export type FrameJump =
  | { kind: 'splice'; opcodeAt: number; prefixEnd: number; resumeAt: number }
  | { kind: 'skip'; opcodeAt: number; resumeAt: number; frameEnd: number }
  | { kind: 'truncated'; opcodeAt: number };

const HEADER: Partial<Record<OpcodeInfo['arg'], number>> = { u1: 1, u2: 2, i4: 4, u4: 4, f8: 8, frame8: 8, long1: 1, long4: 4, bytes1: 1, bytes4: 4, sbytes4: 4, bytes8: 8 };

/**
 * Follows FRAME for the three ways CPython reads a pickle and reports where they part:
 *
 * - linear: the C unpickler over a bytes object (pickle.loads) or a peekable file (open()):
 *   frames are checked for existence, then ignored. This is the primary reading.
 * - frame-buffered: the C unpickler over a file object without peek(), such as the io.BytesIO
 *   torch.load wraps around a zip member. A FRAME's bytes become its input buffer; a read that
 *   crosses the buffer end drops what is left and restarts at the end (bytes data, read with
 *   readinto, is the exception), and a FRAME longer than what is left of the buffer is read from
 *   its end. Where this differs, the linear tracker returns the jump so the caller can analyse
 *   that reading too (a fork); a buffered tracker's caller takes the jump itself.
 * - pure Python (_Unframer): raises where an argument crosses a frame end or a FRAME starts inside
 *   a frame, but reads on when a frame is longer than the data (where C raises).
 * Every difference is a `pickle/frame-divergence`.
 */
export class FrameTracker {
  /** End of the current frame buffer, or -1. */
  end = -1;

  constructor(
    private readonly rec: Recorder,
    private readonly size: number,
    private readonly buffered: boolean,
  ) {}

  get active(): boolean {
    return this.end >= 0;
  }

  /** Called before the opcode at `pos` (bytes up to `next`) runs. */
  check(op: number, info: OpcodeInfo, pos: number, next: number, dec: ArgDecoder): FrameJump | null {
    let jump: FrameJump | null = null;
    if (this.end >= 0) {
      if (pos >= this.end) {
        this.end = -1; // frame consumed exactly: every reader goes back to the file
      } else if (next > this.end) {
        const q = crossingRead(info, pos, dec, this.end);
        if (q >= 0) jump = { kind: 'splice', opcodeAt: pos, prefixEnd: q, resumeAt: this.end };
        if (!this.buffered) {
          this.diverge(
            pos,
            `${info.name} at offset ${pos} crosses the end of its frame (offset ${this.end}): the pure-Python unpickler raises` +
              (jump ? `, the C unpickler reading a file object without peek() (io.BytesIO, as torch.load uses for zip members) drops the rest of the frame and reads on at offset ${this.end}; that reading is analysed too` : ''),
            { frameEnd: this.end, opcodeEnd: next, ...(jump ? { resumeAt: this.end } : {}) },
          );
        }
        this.end = -1;
        if (this.buffered && jump) return jump; // re-read from the jump, FRAME included
      } else if (op === FRAME) {
        const len = dec.num;
        if (len > this.end - next) jump = { kind: 'skip', opcodeAt: pos, resumeAt: this.end, frameEnd: this.end + len };
        if (this.buffered) return jump ? this.skipOrTruncate(jump) : null;
        this.diverge(
          pos,
          `FRAME at offset ${pos} starts before the current frame (ending at ${this.end}) is consumed: the pure-Python unpickler raises` +
            (jump ? `, the C unpickler reading io.BytesIO takes the new frame from offset ${this.end}; that reading is analysed too` : ''),
          { frameEnd: this.end, ...(jump ? { resumeAt: this.end } : {}) },
        );
        // A frame that fits is served from the C reader's buffer, whose end stays where it was.
        if (!jump) return null;
      }
    }
    if (op === FRAME) {
      const end = next + dec.num;
      if (end > this.size) {
        if (this.buffered) return { kind: 'truncated', opcodeAt: pos };
        this.diverge(pos, `FRAME at offset ${pos} declares ${dec.num} bytes but only ${this.size - next} remain: the C unpickler raises, the pure-Python unpickler reads on`, {
          frameLength: dec.num,
          available: this.size - next,
        });
      }
      this.end = end;
    }
    return jump;
  }

  private skipOrTruncate(jump: FrameJump): FrameJump {
    return jump.kind === 'skip' && jump.frameEnd > this.size ? { kind: 'truncated', opcodeAt: jump.opcodeAt } : jump;
  }

  /** At STOP: a frame that runs past it moves where the next load() of a file object starts. */
  atStop(next: number): void {
    if (this.end > next && !this.buffered) {
      this.diverge(next - 1, `the frame around STOP runs on to offset ${Math.min(this.end, this.size)}: a following load() of a file object starts there (pure Python, io.BytesIO), while pickle.loads-style readers stop at ${next}`, {
        frameEnd: this.end,
        stopEnd: next,
      });
    }
    this.end = -1;
  }

  private diverge(offset: number, message: string, detail: Record<string, unknown>): void {
    this.rec.addAnomaly('pickle/frame-divergence', message, offset, detail);
  }
}

/**
 * Where the first read of an opcode's argument that crosses `end` starts, when the C reader
 * restarts that read at `end`; -1 when the crossing read is bytes data (read linearly).
 */
function crossingRead(info: OpcodeInfo, pos: number, dec: ArgDecoder, end: number): number {
  if (info.arg === 'line') return pos + 1;
  if (info.arg === 'line2') return dec.line1.off + dec.line1.len >= end ? pos + 1 : dec.line2.off;
  const header = HEADER[info.arg] ?? 0;
  if (pos + 1 + header > end) return pos + 1;
  return BUFFERED_DATA.has(info.name) ? pos + 1 + header : -1;
}
