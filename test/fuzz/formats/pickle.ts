/**
 * Pickle (plain pickles, joblib, legacy torch, the records inside torch zips): walks the opcode
 * stream as pickletools does, without running anything, to find each opcode's length prefix or
 * integer argument, and each opcode as a unit. Stacked pickles (legacy torch) are walked in turn.
 */
import { u32le, u64 } from '../bytes.js';
import type { FamilySpec, Field, Region } from '../types.js';

/** An opcode's argument: a fixed-width integer, a length-prefixed payload, a newline-ended line (or two), or nothing. */
type Arg = { int: 1 | 2 | 4 | 8 } | { len: 1 | 4 | 8 } | { lines: 1 | 2 } | { fixed: number } | null;

const ARGS = new Map<number, Arg>();
const op = (c: string | number, arg: Arg) => ARGS.set(typeof c === 'number' ? c : c.charCodeAt(0), arg);
// Protocol 0–5 opcodes (CPython Lib/pickletools.py).
for (const c of '().012NQRabdelostu}]' + '\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98') op(c, null);
for (const c of 'IFLSVgpP') op(c, { lines: 1 });
op('c', { lines: 2 });
op('i', { lines: 2 });
op('K', { int: 1 }), op('h', { int: 1 }), op('q', { int: 1 }), op(0x80, { int: 1 }), op(0x82, { int: 1 });
op('M', { int: 2 }), op(0x83, { int: 2 });
op('J', { int: 4 }), op('j', { int: 4 }), op('r', { int: 4 }), op(0x84, { int: 4 });
op(0x95, { int: 8 });
op('G', { fixed: 8 });
op('U', { len: 1 }), op('C', { len: 1 }), op(0x8c, { len: 1 }), op(0x8a, { len: 1 });
op('T', { len: 4 }), op('X', { len: 4 }), op('B', { len: 4 }), op(0x8b, { len: 4 });
op(0x8d, { len: 8 }), op(0x8e, { len: 8 }), op(0x96, { len: 8 });

const NAMES: Record<number, string> = { 0x55: 'SHORT_BINSTRING', 0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8a: 'LONG1', 0x54: 'BINSTRING', 0x58: 'BINUNICODE', 0x42: 'BINBYTES', 0x8b: 'LONG4', 0x8d: 'BINUNICODE8', 0x8e: 'BINBYTES8', 0x96: 'BYTEARRAY8', 0x95: 'FRAME', 0x80: 'PROTO', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT', 0x68: 'BINGET', 0x6a: 'LONG_BINGET', 0x4b: 'BININT1', 0x4d: 'BININT2', 0x4a: 'BININT', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4' };
const name = (code: number): string => NAMES[code] ?? `0x${code.toString(16)}`;

/** Opcodes walked at most per file. */
const MAX_OPCODES = 20_000;

interface Walk {
  fields: Field[];
  regions: Region[];
}

function walk(b: Uint8Array): Walk {
  const fields: Field[] = [];
  const regions: Region[] = [];
  let at = 0;
  for (let n = 0; at < b.length && n < MAX_OPCODES; n++) {
    const code = b[at]!;
    const arg = ARGS.get(code);
    if (arg === undefined) break;
    const start = at;
    at += 1;
    if (arg === null) {
      // past STOP another pickle may follow (legacy torch stacks five)
    } else if ('int' in arg) {
      fields.push({ offset: at, encoding: { kind: 'uint', width: arg.int, littleEndian: true }, label: `${name(code)}.arg` });
      at += arg.int;
    } else if ('fixed' in arg) {
      at += arg.fixed;
    } else if ('len' in arg) {
      const length = arg.len === 1 ? b[at] ?? -1 : arg.len === 4 ? u32le(b, at) : u64(b, at);
      fields.push({ offset: at, encoding: { kind: 'uint', width: arg.len, littleEndian: true }, label: `${name(code)}.length` });
      if (length < 0) break;
      at += arg.len + length;
    } else {
      for (let l = 0; l < arg.lines; l++) {
        const nl = b.indexOf(0x0a, at);
        if (nl < 0) return { fields, regions };
        at = nl + 1;
      }
    }
    if (at > b.length) break;
    regions.push({ start, end: at });
  }
  return { fields, regions };
}

export const pickleFields = (b: Uint8Array): Field[] => walk(b).fields;
export const pickleRegions = (b: Uint8Array): Region[] => walk(b).regions;


const PICKLE_NAME = /\.(pkl|pickle|pt|pth|bin|joblib|ckpt|dat|data)$/i;

export const pickle: FamilySpec = {
  id: 'pickle',
  // PROTO 2+ starts most; protocol 0/1 pickles and legacy torch are recognised by name.
  claims: (b, n) => (b[0] === 0x80 && (b[1] ?? 99) <= 5) || (PICKLE_NAME.test(n) && ARGS.has(b[0] ?? -1)),
  fields: pickleFields,
  regions: pickleRegions,
};
