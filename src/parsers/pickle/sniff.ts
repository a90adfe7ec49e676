import { resolveBudgets } from './budgets.js';
import { EngineContext } from './context.js';
import { Recorder } from './record.js';
import { StreamRunner } from './stream.js';
import { ByteWindow } from './window.js';

const PROTO = 0x80;
/** Opcodes whose argument is a long text line: a protocol-0 pickle may start with a string longer than the head. */
const LINE_STRINGS = new Set([0x56 /* UNICODE */, 0x53 /* STRING */]);
/** Opcodes with a length prefix: cut by the head end, their declared length must be plausible. */
const LENGTH_PREFIXED = new Set([0x58, 0x54, 0x55, 0x42, 0x43, 0x8c, 0x8d, 0x8e, 0x96]);
const PLAUSIBLE_LENGTH = 1 << 28;

const SNIFF_BUDGETS = resolveBudgets({ maxOpcodes: 100_000, maxStackDepth: 100_000, maxMemo: 100_000, maxRecords: 1_000 });

interface Trial {
  isPickle: boolean;
  protocol?: number;
}

/**
 * Content detection for pickles, with no help from the file name. Protocol 2+ starts with
 * PROTO; protocols 0 and 1 have no magic, so the head is run through the stack machine in
 * strict mode (every argument valid, names that look like identifiers, no stack underflow) and
 * accepted when it parses as a plausible opcode sequence up to STOP or the end of the head.
 * A head that names a callable before it breaks is a pickle too: the unpickler runs what it
 * read before the error (bypass A6), so that file must be analysed.
 */
export function sniffPickle(head: Uint8Array): { isPickle: boolean; protocol?: number } {
  return trial(head, 0, 0);
}

function trial(head: Uint8Array, start: number, depth: number): Trial {
  if (head.length - start < 2) return { isPickle: false };
  const ctx = new EngineContext(SNIFF_BUDGETS);
  const runner = new StreamRunner(ctx, new Recorder(SNIFF_BUDGETS), ByteWindow.fixed(head), start, { strict: true });
  let result: string;
  try {
    result = runner.step();
  } catch {
    return { isPickle: false };
  }
  const n = runner.opcodes;
  const protoFirst = runner.firstOpcode === PROTO;
  const named = runner.vm.namedCallable;
  const yes: Trial = { isPickle: true, protocol: runner.vm.maxProto };
  const cut = result === 'need' || result === 'long-line' || (result === 'break' && runner.failure?.code === 'pickle/truncated');

  if (result === 'stop') {
    if (n >= 3 || protoFirst || named) return yes;
    // Two opcodes ("N.") only count when nothing but another pickle follows them.
    if (runner.pos >= head.length) return yes;
    return depth === 0 && trial(head, runner.pos, depth + 1).isPickle ? yes : { isPickle: false };
  }
  if (!cut) return named && n >= 2 ? yes : { isPickle: false };

  // The head ended inside the stream.
  if (named || (protoFirst && n >= 1) || n >= 3) return yes;
  const pending = head[runner.pos];
  if (pending === undefined) return n >= 2 ? yes : { isPickle: false };
  if (LINE_STRINGS.has(pending) && n <= 1) {
    // A single text line running past the head: the start of a protocol-0 string.
    const quoted = pending !== 0x53 || head[runner.pos + 1] === 0x27 || head[runner.pos + 1] === 0x22;
    return quoted && head.length - runner.pos >= 512 ? yes : { isPickle: false };
  }
  if (LENGTH_PREFIXED.has(pending) && n >= 1) {
    const b = head;
    const p = runner.pos + 1;
    const len = pending === 0x55 || pending === 0x43 || pending === 0x8c ? (b[p] ?? 0) : ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
    const high = pending === 0x8d || pending === 0x8e || pending === 0x96 ? b.subarray(p + 4, p + 8).some((x) => x !== 0) : false;
    return !high && len < PLAUSIBLE_LENGTH ? yes : { isPickle: false };
  }
  return n >= 2 ? yes : { isPickle: false };
}
