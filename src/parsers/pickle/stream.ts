import type { EngineContext } from './context.js';
import { ArgDecoder, DATA_CAP, LINE_CAP, LONG_LINE, NEED_MORE } from './decode.js';
import { FrameTracker, type FrameJump } from './frames.js';
import { toPlain } from './inline.js';
import { OPCODES } from './opcodes.js';
import type { Recorder } from './record.js';
import { Machine, StreamBreak, type MachineState } from './vm.js';
import { WINDOW_CHUNK, type ByteWindow } from './window.js';

const FRAME = 0x95;
/** Frame-buffered readings forked from one stream; each is a full second pass at worst. */
export const MAX_FORKS = 8;

export type StepResult = 'stop' | 'need' | 'long-line' | 'jump' | 'inline' | 'break';

/** Why a stream ended without STOP. */
export interface StreamFailure {
  code: string;
  message: string;
  /** Offset of the opcode that broke. */
  offset: number;
  /** A budget ran out: nothing further may be analysed. */
  stopAll: boolean;
  detail?: Record<string, unknown>;
}

/** A frame-buffered reading to analyse after the linear one: where it departs and the state there. */
export interface Fork {
  jump: FrameJump;
  state: MachineState;
}

export interface StreamOptions {
  /** Sniffer mode (see Machine). */
  strict?: boolean;
  /** Read as the C unpickler reads a file object without peek(): take frame jumps instead of forking them. */
  buffered?: boolean;
  /** Start from a fork: machine state, and the jump to take first. */
  fork?: Fork;
}

/**
 * Runs one pickle stream (PROTO … STOP) through the symbolic machine. `step` is synchronous
 * and runs until STOP, a break, or bytes missing from the window; `run` refills and repeats.
 */
export class StreamRunner {
  readonly vm: Machine;
  readonly dec: ArgDecoder;
  private readonly frames: FrameTracker;
  private readonly buffered: boolean;
  pos: number;
  /** Opcodes executed successfully in this stream. */
  opcodes = 0;
  failure: StreamFailure | undefined;
  /** First opcode byte, for the sniffer. */
  firstOpcode = -1;
  /** Frame-buffered readings that depart from this (linear) one. */
  readonly forks: Fork[] = [];
  forksDropped = 0;
  private needLen = 0;
  private pendingJump: FrameJump | undefined;
  /** A spliced opcode sits at a virtual offset; report its real one. */
  private virtualAt = -1;
  private realAt = -1;

  constructor(
    private readonly ctx: EngineContext,
    private readonly rec: Recorder,
    private readonly win: ByteWindow,
    readonly start: number,
    options: StreamOptions = {},
  ) {
    this.buffered = options.buffered ?? false;
    this.vm = new Machine(ctx, rec, { strict: options.strict ?? false, dedupe: options.fork !== undefined, ...(options.fork ? { state: options.fork.state } : {}) });
    this.dec = new ArgDecoder(win);
    this.frames = new FrameTracker(rec, win.size, this.buffered);
    this.pos = start;
    this.pendingJump = options.fork?.jump;
  }

  private fail(code: string, message: string, offset: number, stopAll = false, detail?: Record<string, unknown>): 'break' {
    this.failure = { code, message, offset: offset === this.virtualAt ? this.realAt : offset, stopAll, ...(detail ? { detail } : {}) };
    return 'break';
  }

  step(): StepResult {
    const win = this.win;
    const size = win.size;
    const dec = this.dec;
    const vm = this.vm;
    const budgets = this.ctx.budgets;
    if (this.pendingJump) return 'jump';
    for (;;) {
      const pos = this.pos;
      if (pos >= win.end) {
        if (pos >= size) return this.fail('pickle/truncated', `the data ends at offset ${size} before STOP`, pos);
        this.needLen = 1;
        return 'need';
      }
      const op = win.buf[pos - win.start]!;
      const info = OPCODES[op];
      if (info === undefined) {
        return this.fail('pickle/invalid-opcode', `byte 0x${op.toString(16).padStart(2, '0')} at offset ${pos} is not a pickle opcode: the unpickler raises here`, pos);
      }
      const next = info.arg === 'none' ? pos + 1 : dec.decode(info, pos + 1);
      if (next < 0) {
        if (next === NEED_MORE) {
          if (dec.need > size) return this.fail('pickle/truncated', `the argument of ${info.name} at offset ${pos} runs past the end of the data`, pos);
          this.needLen = dec.need - pos;
          return 'need';
        }
        if (next === LONG_LINE) return 'long-line';
        return this.fail(dec.failCode, `${dec.failMessage} (${info.name} at offset ${pos})`, pos);
      }
      if (++this.ctx.opcodes > budgets.maxOpcodes) {
        return this.fail('pickle/budget-exceeded', `more than ${budgets.maxOpcodes} opcodes: the rest is not analysed`, pos, true, { budget: 'maxOpcodes' });
      }
      const at = pos === this.virtualAt ? this.realAt : pos;
      if (op === FRAME || this.frames.active) {
        const jump = this.frames.check(op, info, at, next, dec);
        if (jump) {
          if (this.buffered) {
            this.pendingJump = jump;
            return 'jump';
          }
          if (this.forks.length < MAX_FORKS) this.forks.push({ jump, state: vm.snapshot() });
          else this.forksDropped++;
        }
      }
      if (this.opcodes === 0) this.firstOpcode = op;
      let stop: boolean;
      try {
        stop = vm.exec(op, dec, at);
      } catch (err) {
        if (err instanceof StreamBreak) return this.fail(err.code, `${err.message} (${info.name} at offset ${at})`, pos, err.stopAll, err.detail);
        throw err;
      }
      this.opcodes++;
      this.pos = next;
      if (vm.stack.length + vm.marks.length > budgets.maxStackDepth) {
        return this.fail('pickle/budget-exceeded', `stack deeper than ${budgets.maxStackDepth}: the rest is not analysed`, pos, true, { budget: 'maxStackDepth' });
      }
      if (stop) {
        this.frames.atStop(next);
        return 'stop';
      }
      if (vm.pendingInline) return 'inline';
    }
  }

  /** Runs to STOP or a break, refilling the window as needed. True when STOP was reached. */
  async run(): Promise<boolean> {
    for (;;) {
      const r = this.step();
      if (r === 'stop') return true;
      if (r === 'break') return false;
      if (r === 'need') {
        await this.win.fill(this.pos, this.needLen);
        if (this.win.end < Math.min(this.win.size, this.pos + this.needLen) || this.win.start !== this.pos) {
          // The reader returned less than its size promised: treat as the end of the data.
          this.fail('pickle/truncated', `the data could not be read past offset ${this.win.end}`, this.pos);
          return false;
        }
      } else if (r === 'long-line') {
        const at = this.dec.longLineAt;
        this.dec.longLines.set(at, await findNewline(this.win, at));
      } else if (r === 'inline') {
        if (!(await this.skipInline())) return false;
      } else if (!(await this.takeJump())) {
        return false;
      }
    }
  }

  /** Asks the inline-data hook what follows a watched BUILD and steps over it; false when it ends the stream. */
  private async skipInline(): Promise<boolean> {
    const pending = this.vm.pendingInline!;
    this.vm.pendingInline = undefined;
    const at = this.pos;
    const answer = await this.ctx.inline!.measure({ module: pending.module, name: pending.name, state: toPlain(pending.state), offset: at });
    if (answer === undefined) return true;
    if ('skip' in answer) {
      const skip = Math.max(0, Math.floor(answer.skip));
      if (at + skip > this.win.size) {
        this.fail('pickle/truncated', `${skip} bytes of inline data after the BUILD of ${pending.module}.${pending.name} at offset ${at} run past the end of the data`, at);
        return false;
      }
      this.pos = at + skip;
      return true;
    }
    // A whole pickle inline (joblib object arrays): its own machine, the same record.
    const inner = new StreamRunner(this.ctx, this.rec, this.win, at);
    if (!(await inner.run())) {
      this.failure = inner.failure;
      return false;
    }
    this.pos = inner.pos;
    return true;
  }

  /** Follows a frame-buffered jump; false when it ends the stream. */
  private async takeJump(): Promise<boolean> {
    const jump = this.pendingJump!;
    this.pendingJump = undefined;
    if (jump.kind === 'truncated' || (jump.kind === 'skip' && jump.frameEnd > this.win.size)) {
      this.fail('pickle/truncated', `FRAME at offset ${jump.opcodeAt} is longer than the data: the C unpickler raises`, jump.opcodeAt);
      return false;
    }
    if (jump.kind === 'skip') {
      // The FRAME itself changes no state: continue at the end of the old buffer, inside the new frame.
      this.frames.end = jump.frameEnd;
      this.pos = jump.resumeAt;
      this.opcodes++;
      return true;
    }
    const prefix = await this.win.readRange(jump.opcodeAt, jump.prefixEnd - jump.opcodeAt);
    const virtual = jump.resumeAt - prefix.length;
    await this.win.splice(prefix, jump.resumeAt, WINDOW_CHUNK + DATA_CAP + 2 * LINE_CAP);
    this.frames.end = -1;
    this.pos = virtual;
    this.virtualAt = virtual;
    this.realAt = jump.opcodeAt;
    return true;
  }
}

/** Offset of the next newline at or after `from`, or -1, reading chunk by chunk. */
async function findNewline(win: ByteWindow, from: number): Promise<number> {
  for (let pos = from; pos < win.size; pos += WINDOW_CHUNK) {
    const chunk = await win.readRange(pos, Math.min(WINDOW_CHUNK, win.size - pos));
    if (chunk.length === 0) return -1;
    const i = chunk.indexOf(0x0a);
    if (i >= 0) return pos + i;
  }
  return -1;
}
