import type { ArgDecoder, Line } from './decode.js';
import type { EngineContext } from './context.js';
import { mapPython2Name } from './compat.js';
import { deserializerKind } from './deserializers.js';
import { HIGHEST_PROTOCOL, OP } from './opcodes.js';
import type { Recorder } from './record.js';
import {
  decodeBytesEscapes,
  decodeLatin1,
  decodeRawUnicodeEscape,
  decodeUtf8,
  isAscii,
  isDottedIdentifier,
  parseMemoIndex,
  parsePythonFloat,
  parsePythonInt,
} from './text.js';
import type { CallTarget, CallVia, ImportVia, PickleCall, PickleImport } from './types.js';
import {
  FALSE,
  NONE,
  TRUE,
  describe,
  dict,
  pushItem,
  renderArgs,
  seq,
  setItem,
  type CallValue,
  type GlobalValue,
  type SeqValue,
  type Value,
} from './values.js';

/** Ends the current stream: the unpickler raises here (or a budget ran out, `stopAll`). */
export class StreamBreak extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly stopAll = false,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const PERSID_REASON = 'persistent_load is loader-defined';
/** Reducers whose result is an instance of their first argument: BUILD on it targets that class. */
const INSTANCE_FACTORIES = new Set(['copyreg._reconstructor', 'copyreg.__newobj__', 'copyreg.__newobj_ex__']);

const isCall = (v: Value): v is CallValue => v.k === 'call';

/** A machine's state at a fork point: stack, marks and memo are copied, values are shared. */
export interface MachineState {
  stack: Value[];
  marks: number[];
  memo: Map<number, Value>;
  proto: number;
  maxProto: number;
}

export interface MachineOptions {
  /** The sniffer's mode: stop at anything CPython rejects or that does not look like a pickle. */
  strict?: boolean;
  /** A second reading of bytes already analysed: do not record the same import or call twice. */
  dedupe?: boolean;
  /** Start from a fork point instead of an empty machine. */
  state?: MachineState;
}

/**
 * The symbolic unpickler: one instance per stream, mirroring CPython's C unpickler (stack with
 * MARK fences, memo as a dict, MEMOIZE keyed by len(memo)). It never calls anything; it records
 * every callable a real unpickler would import or call.
 *
 * `strict` is the sniffer's mode: everything CPython would reject, and names that are not
 * identifiers, stop the stream instead of becoming an anomaly.
 */
export class Machine {
  readonly stack: Value[];
  readonly marks: number[];
  readonly memo: Map<number, Value>;
  proto = 0;
  /** Highest PROTO seen in this stream. */
  maxProto = 0;
  /** Set by STOP. */
  result: Value | undefined;
  /** For the sniffer: whether a callable was named with identifier-like names. */
  namedCallable = false;
  /** For the sniffer: a PUT that is not the next fresh memo index (picklers number them 0, 1, 2, …). */
  memoDisorder = false;
  /** A BUILD on a class the inline-data hook watches: the runner asks the hook before reading on. */
  pendingInline: { module: string; name: string; state: Value } | undefined;

  private readonly strict: boolean;
  private readonly dedupe: boolean;

  constructor(
    private readonly ctx: EngineContext,
    private readonly rec: Recorder,
    options: MachineOptions = {},
  ) {
    this.strict = options.strict ?? false;
    this.dedupe = options.dedupe ?? false;
    const s = options.state;
    this.stack = s ? [...s.stack] : [];
    this.marks = s ? [...s.marks] : [];
    this.memo = s ? new Map(s.memo) : new Map();
    if (s) {
      this.proto = s.proto;
      this.maxProto = s.maxProto;
    }
  }

  snapshot(): MachineState {
    return { stack: [...this.stack], marks: [...this.marks], memo: new Map(this.memo), proto: this.proto, maxProto: this.maxProto };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private get fence(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0;
  }

  private require(n: number, op: string): void {
    if (this.stack.length - this.fence < n) {
      throw new StreamBreak('pickle/stack-underflow', `${op} needs ${n} stack item${n === 1 ? '' : 's'} above the mark, found ${this.stack.length - this.fence}`);
    }
  }

  private pop(): Value {
    return this.stack.pop()!;
  }

  private top(): Value {
    return this.stack[this.stack.length - 1]!;
  }

  private push(v: Value): void {
    this.stack.push(v);
  }

  /** Items above the innermost MARK, which is removed (CPython's marker() + pop). */
  private popMark(op: string): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new StreamBreak('pickle/missing-mark', `${op} found no MARK on the stack`);
    return this.stack.splice(mark);
  }

  /** A problem CPython raises on, where the stream can still be followed: an anomaly, or a break when sniffing. */
  private soft(code: string, message: string, offset: number, detail?: Record<string, unknown>): void {
    if (this.strict) throw new StreamBreak(code, message);
    this.rec.addAnomaly(code, message, offset, detail);
  }

  private consume(v: Value | undefined): void {
    if (v && isCall(v) && !v.used) {
      v.used = true;
      if (v.index >= 0) delete this.rec.calls[v.index]!.discarded;
    }
  }

  private consumeAll(items: Value[]): void {
    for (const v of items) this.consume(v);
  }

  /** A call result thrown away unconsumed still ran: flag it (bypass A13). */
  private discard(v: Value): void {
    if (isCall(v) && !v.used && v.index >= 0) this.rec.calls[v.index]!.discarded = true;
  }

  private lineText(line: Line, what: string, offset: number): string | null {
    if (line.bytes === null) return null;
    const { text, ok } = decodeUtf8(line.bytes);
    if (!ok) this.soft('pickle/bad-argument', `${what} is not valid UTF-8`, offset);
    return text;
  }

  // ---- naming and calling ----------------------------------------------------------------------

  /** Records what find_class(module, name) receives, after the Python 2 mapping. */
  private named(module: string, name: string, via: ImportVia, offset: number, extCode?: number): GlobalValue {
    if (this.strict && !(isDottedIdentifier(module) && isDottedIdentifier(name))) {
      throw new StreamBreak('pickle/bad-argument', `${via} names ${JSON.stringify(module)} ${JSON.stringify(name)}, not identifiers`);
    }
    this.namedCallable ||= isDottedIdentifier(module) && isDottedIdentifier(name);
    const mapped = mapPython2Name(module, name, this.proto);
    const imp: PickleImport = { module: mapped?.module ?? module, name: mapped?.name ?? name, via, offset, protocol: this.proto };
    if (mapped) imp.mappedFrom = { module, name };
    if (extCode !== undefined) imp.extCode = extCode;
    if (!(this.dedupe && this.rec.hasImport(offset, imp.module, imp.name))) this.rec.addImport(imp);
    this.rec.importOffsets.add(offset);
    return { k: 'global', module: imp.module, name: imp.name };
  }

  private unresolvedTarget(via: CallVia, offset: number, reason: string): CallTarget {
    if (this.strict) throw new StreamBreak('pickle/type-confusion', reason);
    if (!(this.dedupe && this.rec.seenCall(via, offset))) this.rec.addUnresolved({ via, offset, reason });
    return { kind: 'unresolved', reason };
  }

  private call(via: CallVia, callee: Value, args: Value[], offset: number, argsTotal = args.length): CallValue {
    let target: CallTarget;
    if (via === 'PERSID' || via === 'BINPERSID') target = { kind: 'unresolved', reason: PERSID_REASON };
    else if (callee.k === 'global') target = { kind: 'global', module: callee.module, name: callee.name };
    else target = this.unresolvedTarget(via, offset, `${via} calls ${describe(callee)}`);
    // A frame fork re-reading a call the linear reading recorded adds nothing new.
    const repeat = this.dedupe && this.rec.seenCall(via, offset);
    const record: PickleCall = { via, offset, target, argsPreview: renderArgs(args, argsTotal) };
    if (via === 'PERSID' || via === 'BINPERSID') {
      // torch's persistent_load dispatches on pid[0]; a protocol-0 PERSID id is a bare string.
      const pid = args[0];
      const first = pid?.k === 'tuple' ? pid.items[0] : pid;
      if (first?.k === 'str' && first.v !== null) record.persistentType = first.v;
    }
    const index = repeat ? -1 : this.rec.addCall(record);
    if (target.kind === 'global' && !repeat) this.afterCall(target.module, target.name, args, offset);
    return { k: 'call', via, callee, args, offset, index, used: false };
  }

  /** Side effects a static reading can follow: extension registration and nested deserializers. */
  private afterCall(module: string, name: string, args: Value[], offset: number): void {
    const kind = deserializerKind(module, name);
    if (kind) this.rec.candidates.push({ via: `${module}.${name}`, kind, offset, arg: args[0] });
    if (module === 'copyreg' && name === 'add_extension') {
      const [m, n, code] = args;
      if (m?.k === 'str' && m.v !== null && n?.k === 'str' && n.v !== null && code?.k === 'int' && typeof code.v === 'number') {
        this.ctx.extRegistry.set(code.v, { module: m.v, name: n.v });
        this.rec.addAnomaly('pickle/ext-registered', `the pickle registers extension code ${code.v} for ${m.v}.${n.v} at load time`, offset, { code: code.v, module: m.v, name: n.v });
      }
    }
  }

  /** The class an object was built from, for BUILD and container methods. */
  private classOf(v: Value): GlobalValue | null {
    if (v.k === 'global') return v;
    if (!isCall(v) || v.callee.k !== 'global') return null;
    if (v.via === 'REDUCE' && INSTANCE_FACTORIES.has(`${v.callee.module}.${v.callee.name}`) && v.args[0]?.k === 'global') return v.args[0];
    return v.callee;
  }

  /** APPEND(S)/SETITEM(S)/ADDITEMS on something that is not a fresh container call its methods. */
  private mutate(target: Value, op: string, offset: number): void {
    if (target.k === 'global') {
      this.soft('pickle/mutates-global', `${op} applied to the global ${target.module}.${target.name} calls its methods at load time`, offset, { module: target.module, name: target.name, opcode: op });
    }
  }

  // ---- dispatch --------------------------------------------------------------------------------

  private executed = false;

  /** Executes one decoded opcode at `offset`; returns true at STOP. */
  exec(op: number, d: ArgDecoder, offset: number): boolean {
    if (this.strict) {
      // Picklers write PROTO first or not at all; elsewhere it is a sign of random bytes.
      if (op === 0x80 && this.executed) throw new StreamBreak('pickle/bad-protocol', 'PROTO after the first opcode');
      this.executed = true;
    }
    switch (op) {
      case 0x28: // MARK
        this.marks.push(this.stack.length);
        return false;
      case 0x2e: { // STOP
        this.require(1, 'STOP');
        const v = this.pop();
        this.consume(v);
        this.result = v;
        return true;
      }
      case 0x30: { // POP
        if (this.marks.length > 0 && this.marks[this.marks.length - 1] === this.stack.length) {
          this.marks.pop();
        } else {
          this.require(1, 'POP');
          this.discard(this.pop());
        }
        return false;
      }
      case 0x31: // POP_MARK
        for (const v of this.popMark('POP_MARK')) this.discard(v);
        return false;
      case 0x32: // DUP
        this.require(1, 'DUP');
        this.push(this.top());
        return false;

      // ---- literals ----
      case 0x4e: // NONE
        this.push(NONE);
        return false;
      case 0x88: // NEWTRUE
        this.push(TRUE);
        return false;
      case 0x89: // NEWFALSE
        this.push(FALSE);
        return false;
      case 0x4a: // BININT
      case 0x4b: // BININT1
      case 0x4d: // BININT2
        this.push({ k: 'int', v: d.num });
        return false;
      case 0x8a: // LONG1
      case 0x8b: // LONG4
        this.push({ k: 'int', v: d.long });
        return false;
      case 0x49: // INT
      case 0x4c: { // LONG
        const bytes = d.line1.bytes;
        if (bytes === null) {
          this.push({ k: 'int', v: null });
          return false;
        }
        let text = decodeLatin1(bytes);
        if (op === OP.INT && (text === '00' || text === '01')) {
          this.push(text === '01' ? TRUE : FALSE);
          return false;
        }
        if (op === OP.LONG && text.endsWith('L')) text = text.slice(0, -1);
        const v = parsePythonInt(text);
        if (v === null) this.soft('pickle/bad-argument', `${op === OP.INT ? 'INT' : 'LONG'} argument ${JSON.stringify(text.slice(0, 40))} is not an integer`, offset);
        this.push({ k: 'int', v });
        return false;
      }
      case 0x46: { // FLOAT
        const text = d.line1.bytes === null ? null : decodeLatin1(d.line1.bytes);
        const v = text === null ? NaN : parsePythonFloat(text);
        if (v === null) this.soft('pickle/bad-argument', `FLOAT argument ${JSON.stringify(text!.slice(0, 40))} is not a number`, offset);
        this.push({ k: 'float', v: v ?? NaN });
        return false;
      }
      case 0x47: // BINFLOAT
        this.push({ k: 'float', v: d.float });
        return false;

      // ---- strings and bytes ----
      case 0x53: { // STRING
        const line = d.line1;
        if (line.bytes === null) {
          this.push({ k: 'str', v: null, off: line.off, len: line.len });
          return false;
        }
        const b = line.bytes;
        if (!(b.length >= 2 && b[0] === b[b.length - 1] && (b[0] === 0x27 || b[0] === 0x22))) {
          throw new StreamBreak('pickle/bad-argument', 'the STRING opcode argument must be quoted');
        }
        const { bytes, ok } = decodeBytesEscapes(b.subarray(1, b.length - 1));
        if (!ok) this.soft('pickle/bad-argument', 'STRING argument has an invalid escape', offset);
        this.push({ k: 'str', v: decodeLatin1(bytes), off: line.off, len: line.len });
        return false;
      }
      case 0x56: { // UNICODE
        const line = d.line1;
        if (line.bytes === null) {
          this.push({ k: 'str', v: null, off: line.off, len: line.len });
          return false;
        }
        const { text, ok } = decodeRawUnicodeEscape(line.bytes);
        if (!ok) this.soft('pickle/bad-argument', 'UNICODE argument has an invalid escape', offset);
        this.push({ k: 'str', v: text, off: line.off, len: line.len });
        return false;
      }
      case 0x54: // BINSTRING
      case 0x55: // SHORT_BINSTRING
        this.push({ k: 'str', v: d.data === null ? null : decodeLatin1(d.data), off: d.dataOff, len: d.dataLen });
        return false;
      case 0x58: // BINUNICODE
      case 0x8c: // SHORT_BINUNICODE
      case 0x8d: { // BINUNICODE8
        let v: string | null = null;
        if (d.data !== null) {
          const r = decodeUtf8(d.data);
          if (!r.ok) this.soft('pickle/bad-argument', 'BINUNICODE argument is not valid UTF-8', offset);
          v = r.text;
        }
        this.push({ k: 'str', v, off: d.dataOff, len: d.dataLen });
        return false;
      }
      case 0x42: // BINBYTES
      case 0x43: // SHORT_BINBYTES
      case 0x8e: // BINBYTES8
        this.push({ k: 'bytes', off: d.dataOff, len: d.dataLen, kind: 'bytes' });
        return false;
      case 0x96: // BYTEARRAY8
        this.push({ k: 'bytes', off: d.dataOff, len: d.dataLen, kind: 'bytearray' });
        return false;
      case 0x97: // NEXT_BUFFER
        // Out-of-band data comes from the caller's `buffers`; without them the unpickler raises.
        this.push({ k: 'buffer' });
        return false;
      case 0x98: // READONLY_BUFFER
        this.require(1, 'READONLY_BUFFER');
        return false;

      // ---- containers ----
      case 0x29: // EMPTY_TUPLE
        this.push(seq('tuple', []));
        return false;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: { // TUPLE3
        const n = op - 0x85 + 1; // TUPLE1..TUPLE3 are consecutive
        this.require(n, `TUPLE${n}`);
        const items = this.stack.splice(this.stack.length - n);
        this.consumeAll(items);
        this.push(seq('tuple', items));
        return false;
      }
      case 0x74: // TUPLE
      case 0x6c: // LIST
      case 0x91: { // FROZENSET
        const items = this.popMark(op === OP.TUPLE ? 'TUPLE' : op === OP.LIST ? 'LIST' : 'FROZENSET');
        this.consumeAll(items);
        this.push(seq(op === OP.TUPLE ? 'tuple' : op === OP.LIST ? 'list' : 'frozenset', items));
        return false;
      }
      case 0x5d: // EMPTY_LIST
        this.push(seq('list', []));
        return false;
      case 0x8f: // EMPTY_SET
        this.push(seq('set', []));
        return false;
      case 0x7d: // EMPTY_DICT
        this.push(dict([]));
        return false;
      case 0x64: { // DICT
        const items = this.popMark('DICT');
        if (items.length % 2 !== 0) throw new StreamBreak('pickle/malformed', 'odd number of items for DICT');
        this.consumeAll(items);
        this.push(dict(items));
        return false;
      }
      case 0x61: { // APPEND
        this.require(2, 'APPEND');
        const v = this.pop();
        this.consume(v);
        this.addTo(this.top(), [v], 'APPEND', offset);
        return false;
      }
      case 0x73: { // SETITEM
        this.require(3, 'SETITEM');
        const v = this.pop();
        const key = this.pop();
        this.consume(v);
        this.consume(key);
        this.addTo(this.top(), [key, v], 'SETITEM', offset);
        return false;
      }
      case 0x65: // APPENDS
      case 0x75: // SETITEMS
      case 0x90: { // ADDITEMS
        const name = op === OP.APPENDS ? 'APPENDS' : op === OP.SETITEMS ? 'SETITEMS' : 'ADDITEMS';
        const items = this.popMark(name);
        // The target sits just below the mark and must be above the next fence.
        if (this.stack.length - this.fence < 1) {
          throw new StreamBreak('pickle/stack-underflow', `${name} has no object below its MARK`);
        }
        if (op === OP.SETITEMS && items.length % 2 !== 0) throw new StreamBreak('pickle/malformed', 'odd number of items for SETITEMS');
        if (items.length === 0) return false; // CPython does nothing, not even a method lookup
        this.consumeAll(items);
        this.addTo(this.top(), items, name, offset);
        return false;
      }

      // ---- memo ----
      case 0x70: // PUT
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
      case 0x94: { // MEMOIZE
        const name = op === OP.PUT ? 'PUT' : op === OP.BINPUT ? 'BINPUT' : op === OP.LONG_BINPUT ? 'LONG_BINPUT' : 'MEMOIZE';
        this.require(1, name);
        let key: number | null;
        if (op === OP.MEMOIZE) key = this.memo.size; // len(memo), whatever keys PUT used before
        else if (op === OP.PUT) {
          key = d.line1.bytes === null ? null : parseMemoIndex(decodeLatin1(d.line1.bytes));
          if (key === null || key < 0) {
            this.soft('pickle/bad-argument', 'PUT argument is not a non-negative integer', offset);
            return false;
          }
        } else key = d.num;
        if (key !== this.memo.size) this.memoDisorder = true;
        this.memo.set(key, this.top());
        if (this.memo.size > this.ctx.budgets.maxMemo) {
          throw new StreamBreak('pickle/budget-exceeded', `more than ${this.ctx.budgets.maxMemo} memo entries`, true, { budget: 'maxMemo' });
        }
        return false;
      }
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        let key: number | null;
        if (op === OP.GET) key = d.line1.bytes === null ? null : parseMemoIndex(decodeLatin1(d.line1.bytes));
        else key = d.num;
        const v = key === null ? undefined : this.memo.get(key);
        if (v === undefined) {
          const what = key === null ? 'an unparseable memo key' : `memo key ${key}`;
          this.soft('pickle/memo-missing', `GET of ${what}, which was never stored: the unpickler raises here; analysis continues`, offset, { key });
          this.push({ k: 'unknown', why: `${what}, never stored (GET at offset ${offset})` });
        } else this.push(v);
        return false;
      }

      // ---- naming callables ----
      case 0x63: { // GLOBAL
        const module = this.lineText(d.line1, 'GLOBAL module', offset);
        const name = this.lineText(d.line2, 'GLOBAL name', offset);
        if (d.line1.len === 0 || d.line2.len === 0) throw new StreamBreak('pickle/bad-argument', 'GLOBAL with an empty module or name line');
        if (module === null || name === null) {
          const reason = 'GLOBAL module or name longer than 256 KiB is not analysed';
          if (this.strict) throw new StreamBreak('pickle/bad-argument', reason);
          this.rec.addUnresolved({ via: 'GLOBAL', offset, reason });
          this.push({ k: 'unknown', why: 'a GLOBAL with an overlong name' });
          return false;
        }
        this.push(this.named(module, name, 'GLOBAL', offset));
        return false;
      }
      case 0x93: { // STACK_GLOBAL
        this.require(2, 'STACK_GLOBAL');
        const name = this.pop();
        const module = this.pop();
        this.consume(name);
        this.consume(module);
        if (module.k === 'str' && module.v !== null && name.k === 'str' && name.v !== null) {
          this.push(this.named(module.v, name.v, 'STACK_GLOBAL', offset));
          return false;
        }
        this.push(this.unresolvedName(module, name, offset));
        return false;
      }
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: { // EXT4
        const via: ImportVia = op === OP.EXT1 ? 'EXT1' : op === OP.EXT2 ? 'EXT2' : 'EXT4';
        const code = d.num;
        if (code <= 0) throw new StreamBreak('pickle/bad-argument', `${via} specifies code ${code} <= 0`);
        const reg = this.ctx.extRegistry.get(code);
        if (reg) {
          this.push(this.named(reg.module, reg.name, via, offset, code));
        } else {
          const reason = `${via} extension code ${code} is not registered by this pickle (copyreg's registry is empty by default; the unpickler raises unless the loading process registered it)`;
          // A callable from the loading process's registry: for the sniffer as good as a name.
          this.namedCallable = true;
          this.rec.addUnresolved({ via, offset, reason });
          this.push({ k: 'unknown', why: `the unregistered extension code ${code}` });
        }
        return false;
      }

      // ---- calling ----
      case 0x52: { // REDUCE
        this.require(2, 'REDUCE');
        const args = this.pop();
        const callee = this.pop();
        this.consume(args);
        this.consume(callee);
        if (args.k !== 'tuple') this.soft('pickle/type-confusion', `REDUCE arguments are ${describe(args)}, not a tuple: the unpickler raises`, offset);
        const list = args.k === 'tuple' ? args.items : [args];
        this.push(this.call('REDUCE', callee, list, offset, args.k === 'tuple' ? args.n : 1));
        return false;
      }
      case 0x62: { // BUILD
        this.require(2, 'BUILD');
        const state = this.pop();
        this.consume(state);
        const inst = this.top();
        this.build(inst, state, offset);
        return false;
      }
      case 0x69: { // INST
        const items = this.popMark('INST');
        const module = this.lineText(d.line1, 'INST module', offset);
        const name = this.lineText(d.line2, 'INST name', offset);
        if (d.line1.len === 0 || d.line2.len === 0) throw new StreamBreak('pickle/bad-argument', 'INST with an empty module or name line');
        if (!isAscii(d.line1.bytes ?? new Uint8Array()) || !isAscii(d.line2.bytes ?? new Uint8Array())) {
          this.soft('pickle/bad-argument', 'INST names are not ASCII: the C unpickler raises', offset);
        }
        this.consumeAll(items);
        const cls: Value = module !== null && name !== null ? this.named(module, name, 'INST', offset) : { k: 'unknown', why: 'an INST name too long to analyse' };
        this.push(this.call('INST', cls, items, offset));
        return false;
      }
      case 0x6f: { // OBJ
        const items = this.popMark('OBJ');
        if (items.length < 1) throw new StreamBreak('pickle/stack-underflow', 'OBJ needs a class after its MARK');
        this.consumeAll(items);
        this.push(this.call('OBJ', items[0]!, items.slice(1), offset));
        return false;
      }
      case 0x81: { // NEWOBJ
        this.require(2, 'NEWOBJ');
        const args = this.pop();
        const cls = this.pop();
        this.consume(args);
        this.consume(cls);
        if (args.k !== 'tuple') this.soft('pickle/type-confusion', `NEWOBJ arguments are ${describe(args)}, not a tuple: the unpickler raises`, offset);
        this.push(this.call('NEWOBJ', cls, args.k === 'tuple' ? args.items : [args], offset, args.k === 'tuple' ? args.n : 1));
        return false;
      }
      case 0x92: { // NEWOBJ_EX
        this.require(3, 'NEWOBJ_EX');
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        this.consumeAll([kwargs, args, cls]);
        if (args.k !== 'tuple') this.soft('pickle/type-confusion', `NEWOBJ_EX arguments are ${describe(args)}, not a tuple: the unpickler raises`, offset);
        const list = args.k === 'tuple' ? [...args.items] : [args];
        this.push(this.call('NEWOBJ_EX', cls, [...list, kwargs], offset));
        return false;
      }
      case 0x50: { // PERSID
        const line = d.line1;
        const pid: Value = line.bytes === null ? { k: 'str', v: null, off: line.off, len: line.len } : { k: 'str', v: decodeLatin1(line.bytes), off: line.off, len: line.len };
        if (line.bytes !== null && !isAscii(line.bytes)) this.soft('pickle/bad-argument', 'persistent IDs in protocol 0 must be ASCII strings', offset);
        if (this.strict && (line.bytes === null || line.bytes.length === 0 || line.bytes.some((c) => c < 0x21 || c > 0x7e))) {
          throw new StreamBreak('pickle/bad-argument', 'PERSID argument is not printable');
        }
        this.push(this.call('PERSID', { k: 'unknown', why: 'persistent_load' }, [pid], offset));
        return false;
      }
      case 0x51: { // BINPERSID
        this.require(1, 'BINPERSID');
        const pid = this.pop();
        this.consume(pid);
        const result = this.call('BINPERSID', { k: 'unknown', why: 'persistent_load' }, [pid], offset);
        // torch's legacy persistent_load returns pid[1] for ('module', obj, …) ids: whatever
        // global the pickle put there comes back as a callable.
        const module = pid.k === 'tuple' && pid.items[0]?.k === 'str' && pid.items[0].v === 'module' ? pid.items[1] : undefined;
        this.push(module?.k === 'global' ? module : result);
        return false;
      }

      // ---- framing and protocol ----
      case 0x80: // PROTO
        if (d.num > HIGHEST_PROTOCOL) throw new StreamBreak('pickle/bad-protocol', `unsupported pickle protocol: ${d.num}`);
        this.proto = d.num;
        if (d.num > this.maxProto) this.maxProto = d.num;
        return false;
      case 0x95: // FRAME
        return false; // the stream runner follows frames

      default:
        throw new StreamBreak('pickle/invalid-opcode', `invalid opcode 0x${op.toString(16)}`);
    }
  }

  private unresolvedName(module: Value, name: Value, offset: number): Value {
    const parts: string[] = [];
    let confused = false;
    for (const [label, v] of [
      ['module', module],
      ['name', name],
    ] as const) {
      if (v.k === 'str' && v.v !== null) continue;
      parts.push(`${label} operand is ${describe(v)}`);
      if (v.k !== 'call' && v.k !== 'unknown' && v.k !== 'str' && v.k !== 'global') confused = true;
    }
    const known = module.k === 'str' && module.v !== null ? ` (module ${JSON.stringify(module.v)})` : name.k === 'str' && name.v !== null ? ` (name ${JSON.stringify(name.v)})` : '';
    const reason = `STACK_GLOBAL ${parts.join('; ')}${known}`;
    if (confused || this.strict) this.soft('pickle/type-confusion', `STACK_GLOBAL requires two str operands: ${parts.join('; ')}`, offset);
    this.rec.addUnresolved({ via: 'STACK_GLOBAL', offset, reason });
    return { k: 'unknown', why: `the unresolved STACK_GLOBAL at offset ${offset}` };
  }

  private addTo(target: Value, items: Value[], op: string, offset: number): void {
    if (target.k === 'list' || target.k === 'set') {
      for (const v of items) pushItem(target as SeqValue, v);
      return;
    }
    if (target.k === 'dict') {
      for (let i = 0; i + 1 < items.length; i += 2) setItem(target, items[i]!, items[i + 1]!);
      return;
    }
    this.mutate(target, op, offset);
  }

  /** BUILD runs `__setstate__` or sets attributes: a call on the object's class. */
  private build(inst: Value, state: Value, offset: number): void {
    const cls = this.classOf(inst);
    let target: CallTarget;
    if (cls) {
      target = { kind: 'global', module: cls.module, name: cls.name };
      if (inst.k === 'global') {
        this.soft('pickle/build-on-global', `BUILD sets state on the global ${cls.module}.${cls.name} itself, not on an object it built`, offset, { module: cls.module, name: cls.name });
      }
    } else if (isCall(inst) && (inst.via === 'PERSID' || inst.via === 'BINPERSID')) {
      target = { kind: 'unresolved', reason: `BUILD on the result of persistent_load (${PERSID_REASON})` };
    } else {
      target = this.unresolvedTarget('BUILD', offset, `BUILD on ${describe(inst)}`);
    }
    if (!(this.dedupe && this.rec.seenCall('BUILD', offset))) this.rec.addCall({ via: 'BUILD', offset, target, argsPreview: renderArgs([state]) });
    if (cls && inst.k !== 'global' && !this.strict && this.ctx.inlineClasses.has(`${cls.module}.${cls.name}`)) {
      this.pendingInline = { module: cls.module, name: cls.name, state };
    }
  }
}
