import type { ByteReader } from '../../types.js';
import { mapPython2Name } from './compat.js';
import type { EngineContext } from './context.js';
import { Recorder } from './record.js';
import { StreamRunner } from './stream.js';
import { decodeLatin1, decodeUtf8, isDottedIdentifier } from './text.js';
import type { ImportVia, PickleImport } from './types.js';
import { ByteWindow, ReaderError, WINDOW_CHUNK } from './window.js';

/** Longest module or name the pattern search recognises. */
const MAX_NAME = 512;
/** Bytes a pattern may extend past its first byte: two names plus opcodes. */
const OVERLAP = 2 * (MAX_NAME + 16);
/** Trial parses of PROTO-led streams per resync pass. */
const MAX_TRIALS = 256;

export interface ResyncResult {
  /** Where a complete PROTO-led stream starts, if one was found: analysis resumes there. */
  adoptAt?: number;
  /** Bytes searched. */
  scanned: number;
  /** Names found by pattern, as module.name. */
  found: string[];
  /** A trial ran into a budget: analysis must stop. */
  stopAll?: { code: string; message: string; offset: number; detail?: Record<string, unknown> };
}

interface Match {
  module: string;
  name: string;
  via: ImportVia;
  offset: number;
  /** Index just past the pattern: the search resumes there, not inside the names. */
  end: number;
}

/** A string push that could be a STACK_GLOBAL operand: returns [text, next index] or null. */
function stringPush(b: Uint8Array, j: number): [string, number] | null {
  const op = b[j];
  let len = -1;
  let at = 0;
  let latin1 = false;
  switch (op) {
    case 0x8c: // SHORT_BINUNICODE
      len = b[j + 1] ?? -1;
      at = j + 2;
      break;
    case 0x55: // SHORT_BINSTRING
      len = b[j + 1] ?? -1;
      at = j + 2;
      latin1 = true;
      break;
    case 0x58: // BINUNICODE
    case 0x54: // BINSTRING
      if (j + 5 > b.length) return null;
      len = (b[j + 1]! | (b[j + 2]! << 8) | (b[j + 3]! << 16) | (b[j + 4]! << 24)) >>> 0;
      at = j + 5;
      latin1 = op === 0x54;
      break;
    case 0x8d: // BINUNICODE8
      if (j + 9 > b.length) return null;
      for (let k = 3; k < 8; k++) if (b[j + 1 + k] !== 0) return null;
      len = b[j + 1]! | (b[j + 2]! << 8) | (b[j + 3]! << 16);
      at = j + 9;
      break;
    case 0x53: // STRING 'name'
    case 0x56: {
      // UNICODE name
      // Looked for only as far as a name may reach: an unbounded search per candidate byte is quadratic.
      const nl = b.subarray(0, j + MAX_NAME + 4).indexOf(0x0a, j + 1);
      if (nl < 0 || nl - j - 1 > MAX_NAME + 2) return null;
      let text = decodeLatin1(b.subarray(j + 1, nl));
      if (op === 0x53) {
        if (text.length < 2 || text[0] !== text[text.length - 1] || (text[0] !== "'" && text[0] !== '"')) return null;
        text = text.slice(1, -1);
      }
      return isDottedIdentifier(text) ? [text, nl + 1] : null;
    }
    default:
      return null;
  }
  if (len <= 0 || len > MAX_NAME || at + len > b.length) return null;
  const bytes = b.subarray(at, at + len);
  const text = latin1 ? decodeLatin1(bytes) : decodeUtf8(bytes).text;
  return isDottedIdentifier(text) ? [text, at + len] : null;
}

/** Skips up to two memo opcodes (MEMOIZE, BINPUT, LONG_BINPUT, PUT) that often sit between pushes. */
function skipMemo(b: Uint8Array, j: number): number {
  for (let n = 0; n < 2; n++) {
    const op = b[j];
    if (op === 0x94) j += 1;
    else if (op === 0x71) j += 2;
    else if (op === 0x72) j += 5;
    else if (op === 0x70) {
      let k = j + 1;
      while (k < b.length && k - j < 12 && b[k]! >= 0x30 && b[k]! <= 0x39) k++;
      if (b[k] !== 0x0a || k === j + 1) return j;
      j = k + 1;
    } else return j;
  }
  return j;
}

/** `c<module>\n<name>\n` (GLOBAL) or `i<module>\n<name>\n` (INST) with identifier names. */
function namePair(b: Uint8Array, j: number): [string, string, number] | null {
  const nl1 = b.subarray(0, j + MAX_NAME + 2).indexOf(0x0a, j + 1);
  if (nl1 < 0 || nl1 - j - 1 > MAX_NAME) return null;
  const nl2 = b.subarray(0, nl1 + MAX_NAME + 2).indexOf(0x0a, nl1 + 1);
  if (nl2 < 0 || nl2 - nl1 - 1 > MAX_NAME) return null;
  const module = decodeLatin1(b.subarray(j + 1, nl1));
  const name = decodeLatin1(b.subarray(nl1 + 1, nl2));
  return isDottedIdentifier(module) && isDottedIdentifier(name) ? [module, name, nl2 + 1] : null;
}

function matchAt(b: Uint8Array, j: number, base: number): Match | null {
  const op = b[j];
  if (op === 0x63 || op === 0x69) {
    const pair = namePair(b, j);
    if (pair) return { module: pair[0], name: pair[1], via: op === 0x63 ? 'GLOBAL' : 'INST', offset: base + j, end: pair[2] };
    return null;
  }
  const first = stringPush(b, j);
  if (!first) return null;
  const second = stringPush(b, skipMemo(b, first[1]));
  if (!second) return null;
  const k = skipMemo(b, second[1]);
  return b[k] === 0x93 ? { module: first[0], name: second[0], via: 'STACK_GLOBAL', offset: base + k, end: k + 1 } : null;
}

/**
 * After a stream breaks, searches what follows for opcode patterns that name callables, so a
 * payload hidden behind junk or a deliberate parse error cannot escape (bypasses A6–A8). A
 * PROTO-led stretch that parses to STOP is handed back to be analysed as a stream of its own.
 */
export async function resync(
  reader: ByteReader,
  ctx: EngineContext,
  rec: Recorder,
  from: number,
  budgetBytes: number,
  /** Trial parses start only after this offset (the stream that just failed started there). */
  trialsAfter: number,
): Promise<ResyncResult> {
  const end = Math.min(reader.size, from + budgetBytes);
  const found: string[] = [];
  let trials = 0;
  // Positions inside a pattern already matched are not searched again, across chunks too.
  let resumeAt = from;
  for (let chunkStart = from; chunkStart < end; chunkStart += WINDOW_CHUNK) {
    const scanEnd = Math.min(end, chunkStart + WINDOW_CHUNK);
    let b: Uint8Array;
    try {
      b = await reader.read(chunkStart, Math.min(reader.size - chunkStart, scanEnd - chunkStart + OVERLAP));
    } catch (err) {
      throw new ReaderError(err);
    }
    const limit = Math.min(b.length, scanEnd - chunkStart);
    for (let j = Math.max(0, resumeAt - chunkStart); j < limit; j++) {
      const op = b[j]!;
      if (op === 0x80 && trials < MAX_TRIALS && chunkStart + j > trialsAfter && (b[j + 1] ?? 0) >= 2 && (b[j + 1] ?? 0) <= 5) {
        trials++;
        const trial = new StreamRunner(ctx, new Recorder(ctx.budgets), new ByteWindow(reader), chunkStart + j);
        const complete = await trial.run();
        if (complete) return { adoptAt: chunkStart + j, scanned: chunkStart + j - from, found };
        if (trial.failure?.stopAll) {
          const { code, message, offset, detail } = trial.failure;
          return { scanned: chunkStart + j - from, found, stopAll: { code, message, offset, ...(detail ? { detail } : {}) } };
        }
        continue;
      }
      // Cheap first-byte filter before the pattern parsers.
      if (op !== 0x63 && op !== 0x69 && op !== 0x8c && op !== 0x55 && op !== 0x58 && op !== 0x54 && op !== 0x8d && op !== 0x53 && op !== 0x56) continue;
      const m = matchAt(b, j, chunkStart);
      if (!m) continue;
      j = m.end - 1;
      resumeAt = chunkStart + m.end;
      if (rec.importOffsets.has(m.offset)) continue;
      const protocol = m.via === 'STACK_GLOBAL' ? 4 : 0;
      const mapped = mapPython2Name(m.module, m.name, protocol);
      const imp: PickleImport = { module: mapped?.module ?? m.module, name: mapped?.name ?? m.name, via: m.via, offset: m.offset, protocol, resync: true };
      if (mapped) imp.mappedFrom = { module: m.module, name: m.name };
      rec.addImport(imp);
      rec.importOffsets.add(m.offset);
      found.push(`${imp.module}.${imp.name}`);
    }
  }
  return { scanned: end - from, found };
}
