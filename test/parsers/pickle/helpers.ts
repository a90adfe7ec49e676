/**
 * Hand assembly of pickle byte sequences for tests: hostile sequences are built here, never by
 * running Python. Opcode bytes come from the engine's table so a typo fails loudly.
 */
import { OP } from '../../../src/parsers/pickle/opcodes.js';
import { analysePickle, type AnalysePickleOptions } from '../../../src/parsers/pickle/index.js';
import type { PickleAnalysis } from '../../../src/parsers/pickle/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { ByteReader } from '../../../src/types.js';

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const latin1 = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const le = (n: number, bytes: number): number[] => {
  const out: number[] = [];
  let v = BigInt(n);
  for (let i = 0; i < bytes; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
};

export class Asm {
  private readonly parts: number[] = [];

  get length(): number {
    return this.parts.length;
  }

  /** Raw bytes: numbers, byte arrays, or latin-1 strings. */
  raw(...items: Array<number | Uint8Array | number[] | string>): this {
    for (const it of items) {
      if (typeof it === 'number') this.parts.push(it);
      else if (typeof it === 'string') this.parts.push(...latin1(it));
      else this.parts.push(...it);
    }
    return this;
  }

  /** Opcodes without arguments, by name: op('EMPTY_TUPLE', 'REDUCE'). */
  op(...names: string[]): this {
    for (const name of names) {
      const code = OP[name];
      if (code === undefined) throw new Error(`unknown opcode ${name}`);
      this.parts.push(code);
    }
    return this;
  }

  proto(n: number): this {
    return this.raw(OP.PROTO!, n);
  }
  frame(len: number): this {
    return this.raw(OP.FRAME!, le(len, 8));
  }
  global(module: string, name: string): this {
    return this.raw('c', utf8(module), 0x0a, utf8(name), 0x0a);
  }
  inst(module: string, name: string): this {
    return this.raw('i', module, 0x0a, name, 0x0a);
  }
  /** SHORT_BINUNICODE */
  sbu(s: string): this {
    const b = utf8(s);
    return this.raw(OP.SHORT_BINUNICODE!, b.length, b);
  }
  /** BINUNICODE */
  bu(s: string): this {
    const b = utf8(s);
    return this.raw(OP.BINUNICODE!, le(b.length, 4), b);
  }
  /** BINUNICODE8 */
  bu8(s: string): this {
    const b = utf8(s);
    return this.raw(OP.BINUNICODE8!, le(b.length, 8), b);
  }
  /** STRING 'text' (protocol 0, quoted). */
  str(s: string): this {
    return this.raw('S', `'${s}'`, 0x0a);
  }
  /** SHORT_BINSTRING */
  sbs(s: string): this {
    return this.raw(OP.SHORT_BINSTRING!, s.length, s);
  }
  /** BINSTRING */
  bs(s: string): this {
    return this.raw(OP.BINSTRING!, le(s.length, 4), s);
  }
  /** UNICODE line (raw-unicode-escape). */
  unicode(s: string): this {
    return this.raw('V', s, 0x0a);
  }
  /** BININT1 */
  k(n: number): this {
    return this.raw(OP.BININT1!, n);
  }
  /** BININT */
  int(n: number): this {
    return this.raw(OP.BININT!, le(n >>> 0, 4));
  }
  /** INT text line. */
  intLine(text: string): this {
    return this.raw('I', text, 0x0a);
  }
  long1(v: bigint): this {
    const out: number[] = [];
    let x = v;
    // Two's complement little-endian, minimal length.
    do {
      out.push(Number(x & 0xffn));
      x >>= 8n;
    } while (!((x === 0n && (out[out.length - 1]! & 0x80) === 0) || (x === -1n && (out[out.length - 1]! & 0x80) !== 0)));
    return this.raw(OP.LONG1!, out.length, out);
  }
  put(n: number): this {
    return this.raw('p', String(n), 0x0a);
  }
  get(n: number): this {
    return this.raw('g', String(n), 0x0a);
  }
  binput(n: number): this {
    return this.raw(OP.BINPUT!, n);
  }
  longBinput(n: number): this {
    return this.raw(OP.LONG_BINPUT!, le(n, 4));
  }
  binget(n: number): this {
    return this.raw(OP.BINGET!, n);
  }
  longBinget(n: number): this {
    return this.raw(OP.LONG_BINGET!, le(n, 4));
  }
  memoize(): this {
    return this.op('MEMOIZE');
  }
  /** SHORT_BINBYTES or BINBYTES depending on length. */
  bytes(b: Uint8Array | number[]): this {
    const arr = Array.from(b);
    return arr.length < 256 ? this.raw(OP.SHORT_BINBYTES!, arr.length, arr) : this.raw(OP.BINBYTES!, le(arr.length, 4), arr);
  }
  binbytes8(b: Uint8Array | number[]): this {
    const arr = Array.from(b);
    return this.raw(OP.BINBYTES8!, le(arr.length, 8), arr);
  }
  bytearray8(b: Uint8Array | number[]): this {
    const arr = Array.from(b);
    return this.raw(OP.BYTEARRAY8!, le(arr.length, 8), arr);
  }
  ext(width: 1 | 2 | 4, code: number): this {
    return this.raw(width === 1 ? OP.EXT1! : width === 2 ? OP.EXT2! : OP.EXT4!, le(code >>> 0, width));
  }
  /** `module.name()` with no arguments: GLOBAL, EMPTY_TUPLE, REDUCE. */
  callGlobal(module: string, name: string): this {
    return this.global(module, name).op('EMPTY_TUPLE', 'REDUCE');
  }
  stop(): this {
    return this.op('STOP');
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export const asm = (): Asm => new Asm();

export function concat(...arrays: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function analyse(bytes: Uint8Array, options?: AnalysePickleOptions): Promise<PickleAnalysis> {
  return analysePickle(bufferReader(bytes), options);
}

export const importNames = (a: PickleAnalysis): string[] => a.imports.map((i) => `${i.module}.${i.name}`);
export const callTargets = (a: PickleAnalysis): string[] =>
  a.calls.map((c) => `${c.via}:${c.target.kind === 'global' ? `${c.target.module}.${c.target.name}` : '?'}`);
export const anomalyCodes = (a: PickleAnalysis): string[] => a.anomalies.map((x) => x.code);

/** A reader that records how it is used, to check memory stays flat. */
export function countingReader(bytes: Uint8Array): ByteReader & { reads: number; bytesRead: number; maxChunk: number } {
  const inner = bufferReader(bytes);
  const r = {
    size: inner.size,
    reads: 0,
    bytesRead: 0,
    maxChunk: 0,
    async read(offset: number, length: number) {
      r.reads++;
      const out = await inner.read(offset, length);
      r.bytesRead += out.length;
      r.maxChunk = Math.max(r.maxChunk, length);
      return out;
    },
  };
  return r;
}
