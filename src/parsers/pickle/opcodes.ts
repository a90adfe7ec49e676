/**
 * The pickle opcode table, protocols 0–5, after CPython's Lib/pickletools.py `opcodes` list.
 * Everything that reads pickle bytes (the analyser, the sniffer, resynchronisation) goes
 * through this one table, so an opcode is either known everywhere or nowhere.
 */

/** How an opcode's argument is laid out in the byte stream. */
export type ArgKind =
  | 'none'
  | 'u1' // unsigned byte
  | 'u2' // unsigned 2-byte little-endian
  | 'i4' // signed 4-byte little-endian
  | 'u4' // unsigned 4-byte little-endian
  | 'f8' // big-endian IEEE double
  | 'long1' // 1-byte length + two's complement little-endian bytes
  | 'long4' // signed 4-byte length + two's complement little-endian bytes
  | 'bytes1' // 1-byte length + raw bytes
  | 'bytes4' // unsigned 4-byte length + raw bytes
  | 'bytes8' // unsigned 8-byte length + raw bytes
  | 'sbytes4' // signed 4-byte length + raw bytes (BINSTRING rejects negative lengths)
  | 'frame8' // unsigned 8-byte frame length, nothing else
  | 'line' // bytes up to and including '\n'
  | 'line2'; // two such lines (GLOBAL, INST)

/** What an opcode's bytes mean once decoded: how the VM and the sniffer interpret `line` arguments. */
export type LineKind = 'int' | 'long' | 'float' | 'string' | 'unicode' | 'persid' | 'memo' | 'names';

export interface OpcodeInfo {
  code: number;
  name: string;
  arg: ArgKind;
  /** For line arguments: what the text must look like. */
  line?: LineKind;
  /** Protocol that introduced it. The C unpickler accepts every opcode whatever PROTO said. */
  proto: number;
}

const table: Array<[string, string, ArgKind, number, LineKind?]> = [
  // [char or \xNN, name, arg, proto, line kind]
  ['(', 'MARK', 'none', 0],
  ['.', 'STOP', 'none', 0],
  ['0', 'POP', 'none', 0],
  ['1', 'POP_MARK', 'none', 1],
  ['2', 'DUP', 'none', 0],
  ['F', 'FLOAT', 'line', 0, 'float'],
  ['I', 'INT', 'line', 0, 'int'],
  ['J', 'BININT', 'i4', 1],
  ['K', 'BININT1', 'u1', 1],
  ['L', 'LONG', 'line', 0, 'long'],
  ['M', 'BININT2', 'u2', 1],
  ['N', 'NONE', 'none', 0],
  ['P', 'PERSID', 'line', 0, 'persid'],
  ['Q', 'BINPERSID', 'none', 1],
  ['R', 'REDUCE', 'none', 0],
  ['S', 'STRING', 'line', 0, 'string'],
  ['T', 'BINSTRING', 'sbytes4', 1],
  ['U', 'SHORT_BINSTRING', 'bytes1', 1],
  ['V', 'UNICODE', 'line', 0, 'unicode'],
  ['X', 'BINUNICODE', 'bytes4', 1],
  ['a', 'APPEND', 'none', 0],
  ['b', 'BUILD', 'none', 0],
  ['c', 'GLOBAL', 'line2', 0, 'names'],
  ['d', 'DICT', 'none', 0],
  ['}', 'EMPTY_DICT', 'none', 1],
  ['e', 'APPENDS', 'none', 1],
  ['g', 'GET', 'line', 0, 'memo'],
  ['h', 'BINGET', 'u1', 1],
  ['i', 'INST', 'line2', 0, 'names'],
  ['j', 'LONG_BINGET', 'u4', 1],
  ['l', 'LIST', 'none', 0],
  [']', 'EMPTY_LIST', 'none', 1],
  ['o', 'OBJ', 'none', 1],
  ['p', 'PUT', 'line', 0, 'memo'],
  ['q', 'BINPUT', 'u1', 1],
  ['r', 'LONG_BINPUT', 'u4', 1],
  ['s', 'SETITEM', 'none', 0],
  ['t', 'TUPLE', 'none', 0],
  [')', 'EMPTY_TUPLE', 'none', 1],
  ['u', 'SETITEMS', 'none', 1],
  ['G', 'BINFLOAT', 'f8', 1],
  // Protocol 2
  ['\x80', 'PROTO', 'u1', 2],
  ['\x81', 'NEWOBJ', 'none', 2],
  ['\x82', 'EXT1', 'u1', 2],
  ['\x83', 'EXT2', 'u2', 2],
  ['\x84', 'EXT4', 'i4', 2],
  ['\x85', 'TUPLE1', 'none', 2],
  ['\x86', 'TUPLE2', 'none', 2],
  ['\x87', 'TUPLE3', 'none', 2],
  ['\x88', 'NEWTRUE', 'none', 2],
  ['\x89', 'NEWFALSE', 'none', 2],
  ['\x8a', 'LONG1', 'long1', 2],
  ['\x8b', 'LONG4', 'long4', 2],
  // Protocol 3
  ['B', 'BINBYTES', 'bytes4', 3],
  ['C', 'SHORT_BINBYTES', 'bytes1', 3],
  // Protocol 4
  ['\x8c', 'SHORT_BINUNICODE', 'bytes1', 4],
  ['\x8d', 'BINUNICODE8', 'bytes8', 4],
  ['\x8e', 'BINBYTES8', 'bytes8', 4],
  ['\x8f', 'EMPTY_SET', 'none', 4],
  ['\x90', 'ADDITEMS', 'none', 4],
  ['\x91', 'FROZENSET', 'none', 4],
  ['\x92', 'NEWOBJ_EX', 'none', 4],
  ['\x93', 'STACK_GLOBAL', 'none', 4],
  ['\x94', 'MEMOIZE', 'none', 4],
  ['\x95', 'FRAME', 'frame8', 4],
  // Protocol 5
  ['\x96', 'BYTEARRAY8', 'bytes8', 5],
  ['\x97', 'NEXT_BUFFER', 'none', 5],
  ['\x98', 'READONLY_BUFFER', 'none', 5],
];

/** Indexed by opcode byte; `undefined` for bytes no unpickler accepts. */
export const OPCODES: ReadonlyArray<OpcodeInfo | undefined> = (() => {
  const out: Array<OpcodeInfo | undefined> = new Array(256).fill(undefined);
  for (const [ch, name, arg, proto, line] of table) {
    const code = ch.charCodeAt(0);
    out[code] = { code, name, arg, proto, ...(line ? { line } : {}) };
  }
  return out;
})();

/** Opcode byte values by name, for readable code and tests. */
export const OP: Readonly<Record<string, number>> = Object.fromEntries(table.map(([ch, name]) => [name, ch.charCodeAt(0)]));

/** Highest protocol CPython knows; PROTO above it makes the unpickler raise. */
export const HIGHEST_PROTOCOL = 5;

export function opcodeName(code: number): string {
  return OPCODES[code]?.name ?? `0x${code.toString(16).padStart(2, '0')}`;
}
