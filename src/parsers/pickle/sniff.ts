import { resolveBudgets } from './budgets.js';
import { EngineContext } from './context.js';
import { Recorder } from './record.js';
import { StreamRunner } from './stream.js';
import { ByteWindow } from './window.js';

const PROTO = 0x80;
/** Opcodes whose argument is a long text line: a protocol-0 pickle may start with a string longer than the head. */
const LINE_STRINGS = new Set([0x56 /* UNICODE */, 0x53 /* STRING */]);
/** Opcodes with a 4- or 8-byte length prefix: cut by the head end, their declared length must be plausible. */
const LONG_LENGTH = new Set([0x58 /* BINUNICODE */, 0x54 /* BINSTRING */, 0x42 /* BINBYTES */, 0x8d /* BINUNICODE8 */, 0x8e /* BINBYTES8 */, 0x96 /* BYTEARRAY8 */]);
/** Head size callers use (engine/detect.ts); a shorter head is taken to be the whole file. */
const DEFAULT_HEAD = 4096;
/** Without the file size, a longer declared length is taken for text or noise. */
const PLAUSIBLE_LENGTH = 1 << 24;

const SNIFF_BUDGETS = resolveBudgets({ maxOpcodes: 100_000, maxStackDepth: 100_000, maxMemo: 100_000, maxRecords: 1_000 });

/** Valid UTF-8, allowing a character cut at the end. */
function isUtf8Prefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

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
 * read before the error (bypass A6), so that file must be analysed. Anything that executes
 * names a global literally, so the stricter rules for unnamed heads only risk missing data.
 * `fileSize`, when known, tells a head from a whole file and makes the check of a large first
 * string exact; without it a head shorter than 4 KiB is taken to be the whole file.
 */
export function sniffPickle(head: Uint8Array, fileSize?: number): { isPickle: boolean; protocol?: number } {
  return trial(head, 0, 0, fileSize);
}

function trial(head: Uint8Array, start: number, depth: number, fileSize: number | undefined): Trial {
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
    if (protoFirst || named) return yes;
    // A pickler's STOP leaves nothing behind and numbers memo slots in order; text that
    // happens to parse rarely does either. What follows must be nothing or another pickle.
    if (runner.vm.stack.length > 0 || runner.vm.marks.length > 0 || runner.vm.memoDisorder) return { isPickle: false };
    if (runner.pos >= head.length) return yes;
    return depth === 0 && trial(head, runner.pos, depth + 1, undefined).isPickle ? yes : { isPickle: false };
  }
  // Broken: still a pickle when it named a callable first (that ran), or declared PROTO and
  // parsed on (no other format starts with 0x80 0x02..0x05 and valid opcodes).
  if (!cut) return (named || protoFirst) && n >= 2 ? yes : { isPickle: false };

  // The head ended inside the stream.
  if (named || (protoFirst && n >= 1)) return yes;
  // When the head is the whole file, the pickle is truncated; one that names nothing runs nothing.
  const wholeFile = fileSize !== undefined ? head.length >= fileSize : head.length < DEFAULT_HEAD;
  if (wholeFile || runner.vm.memoDisorder) return { isPickle: false };
  const pending = head[runner.pos];
  if (pending === undefined) return n >= 4 ? yes : { isPickle: false };
  if (LINE_STRINGS.has(pending) && n < 4) {
    // A single text line running past the head: the start of a protocol-0 string.
    const quoted = pending !== 0x53 || head[runner.pos + 1] === 0x27 || head[runner.pos + 1] === 0x22;
    return quoted && head.length - runner.pos >= 512 ? yes : { isPickle: false };
  }
  // BINBYTES/BINBYTES8/BYTEARRAY8 (protocol 3+) never start a pickle a pickler wrote without PROTO.
  if (LONG_LENGTH.has(pending) && (n >= 1 || pending === 0x58 || pending === 0x54)) {
    // A large string or bytes object running past the head (a protocol-1 pickle may start
    // with one and carry its payload after it): plausible only with a sane declared length.
    const b = head;
    const p = runner.pos + 1;
    if (p + 4 > b.length) return n >= 4 ? yes : { isPickle: false };
    const len = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    const wide = pending === 0x8d || pending === 0x8e || pending === 0x96;
    if (wide && p + 8 > b.length) return n >= 4 ? yes : { isPickle: false };
    if (wide && b.subarray(p + 4, p + 8).some((x) => x !== 0)) return { isPickle: false };
    const dataStart = runner.pos + 1 + (wide ? 8 : 4);
    if (fileSize !== undefined ? dataStart + len > fileSize : len >= PLAUSIBLE_LENGTH) return { isPickle: false };
    if ((pending === 0x58 || pending === 0x8d) && !isUtf8Prefix(b.subarray(dataStart))) return { isPickle: false };
    return yes;
  }
  return n >= 4 ? yes : { isPickle: false };
}
