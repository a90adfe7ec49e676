/**
 * bzip2, as Python's `bz2.BZ2File` (joblib's reader for 'bz2' files) reads it: concatenated
 * streams, each block's CRC and each stream's combined CRC verified, data after a stream that
 * does not start a valid stream ignored. A block is decoded whole (its Burrows–Wheeler array is
 * at most 900 000 entries), then its output is produced a chunk at a time, since one block can
 * expand to tens of megabytes through the final run-length stage.
 */
import type { ByteReader } from '../../types.js';
import { bzCrcByte } from './checks.js';
import { CorruptData, EndOfInput, UnsupportedData } from './errors.js';
import type { InputCursor } from './input.js';
import { syncStream, type SyncDecoder } from './sync-stream.js';
import type { DecodeStream } from './types.js';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
const MAX_SELECTORS = 18002;

class BitReader {
  private acc = 0;
  private count = 0;
  constructor(readonly input: InputCursor) {}

  bits(n: number): number {
    while (this.count < n) {
      this.acc = ((this.acc << 8) | this.input.byte()) & 0x7fffffff;
      this.count += 8;
    }
    this.count -= n;
    return (this.acc >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    return this.bits(1);
  }

  /** Drops the bits left in the current byte (streams end on a byte boundary). */
  align(): void {
    this.count -= this.count % 8;
    // Whole bytes still held are given back to the cursor's view by the caller via `held`.
  }

  get heldBytes(): number {
    return this.count >> 3;
  }

  reset(): void {
    this.acc = 0;
    this.count = 0;
  }
}

interface Huffman {
  minLen: number;
  maxLen: number;
  limit: Int32Array;
  base: Int32Array;
  perm: Uint16Array;
}

function buildHuffman(lengths: Uint8Array, alphaSize: number): Huffman {
  let minLen = MAX_CODE_LEN;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    minLen = Math.min(minLen, lengths[i]!);
    maxLen = Math.max(maxLen, lengths[i]!);
  }
  const perm = new Uint16Array(alphaSize);
  const limit = new Int32Array(MAX_CODE_LEN + 2).fill(-1);
  const base = new Int32Array(MAX_CODE_LEN + 2);
  let pp = 0;
  let code = 0;
  for (let len = minLen; len <= maxLen; len++) {
    const first = pp;
    for (let s = 0; s < alphaSize; s++) if (lengths[s] === len) perm[pp++] = s;
    const count = pp - first;
    // Codes of this length are [code, code + count); base maps a code to its index in perm.
    base[len] = first - code;
    limit[len] = code + count - 1;
    code = (code + count) << 1;
  }
  return { minLen, maxLen, limit, base, perm };
}

function decodeSymbol(br: BitReader, h: Huffman): number {
  let len = h.minLen;
  let code = br.bits(len);
  for (;;) {
    if (code <= h.limit[len]!) {
      const idx = code + h.base[len]!;
      if (idx < 0 || idx >= h.perm.length) throw new CorruptData('invalid bzip2 Huffman code');
      return h.perm[idx]!;
    }
    if (++len > h.maxLen) throw new CorruptData('invalid bzip2 Huffman code');
    code = (code << 1) | br.bit();
  }
}

/** One decoded block, producing its output incrementally (inverse BWT, then the run-length stage). */
class BlockOutput {
  private tPos: number;
  private left: number;
  private last = -1;
  private run = 0;
  private repeat = 0;
  private repeatByte = 0;
  crc = 0xffffffff;

  constructor(
    private readonly tt: Uint32Array,
    count: number,
    origPtr: number,
    readonly expectedCrc: number,
  ) {
    this.left = count;
    this.tPos = tt[origPtr]! >>> 8;
  }

  get done(): boolean {
    return this.left === 0 && this.repeat === 0;
  }

  /** Writes up to `room` bytes into out at `at`; returns the new position. */
  fill(out: Uint8Array, at: number, end: number): number {
    let crc = this.crc;
    while (at < end) {
      if (this.repeat > 0) {
        const n = Math.min(this.repeat, end - at);
        for (let i = 0; i < n; i++) {
          out[at++] = this.repeatByte;
          crc = bzCrcByte(crc, this.repeatByte);
        }
        this.repeat -= n;
        continue;
      }
      if (this.left === 0) break;
      const entry = this.tt[this.tPos]!;
      const b = entry & 0xff;
      this.tPos = entry >>> 8;
      this.left--;
      if (this.run === 4) {
        // After four equal bytes, the next one is a count of further copies.
        this.repeat = b;
        this.repeatByte = this.last;
        this.run = 0;
        this.last = -1;
        continue;
      }
      if (b === this.last) this.run++;
      else {
        this.last = b;
        this.run = 1;
      }
      out[at++] = b;
      crc = bzCrcByte(crc, b);
    }
    this.crc = crc;
    return at;
  }
}

class Bzip2Decoder implements SyncDecoder {
  private br: BitReader | undefined;
  private level = 0;
  private streams = 0;
  private streamCrc = 0;
  private block: BlockOutput | undefined;
  private tt: Uint32Array | undefined;
  private out: Uint8Array | undefined;
  private outAt = 0;
  private lastEnd: number;
  private producedInStream = 0;

  constructor(start: number) {
    this.lastEnd = start;
  }

  get need(): number {
    // A block's Huffman data is at most 20 bits per symbol: buffer a whole block before decoding it.
    return this.level ? Math.ceil((this.level * 100000 * MAX_CODE_LEN) / 8) + 8192 : 64 * 1024;
  }

  get endOffset(): number {
    return this.lastEnd;
  }

  take(): Uint8Array {
    if (!this.out || this.outAt === 0) return new Uint8Array(0);
    const bytes = this.out.slice(0, this.outAt);
    this.outAt = 0;
    return bytes;
  }

  step(input: InputCursor, budget: number): boolean {
    if (!this.out || this.out.length < budget) this.out = new Uint8Array(budget);
    for (;;) {
      if (this.block) {
        const before = this.outAt;
        this.outAt = this.block.fill(this.out, this.outAt, budget);
        this.producedInStream += this.outAt - before;
        if (!this.block.done) return false;
        const crc = ~this.block.crc >>> 0;
        if (crc !== this.block.expectedCrc) throw new CorruptData('a bzip2 block fails its CRC');
        this.streamCrc = (((this.streamCrc << 1) | (this.streamCrc >>> 31)) ^ crc) >>> 0;
        this.block = undefined;
        if (this.outAt > 0) return false;
      }
      if (!this.br) {
        if (input.exhausted) return true;
        // A later stream that does not even start is data BZ2File ignores.
        try {
          this.startStream(input);
        } catch (err) {
          if (this.streams > 0 && (err instanceof CorruptData || err instanceof EndOfInput)) return true;
          throw err;
        }
        return false;
      }
      if (input.available < this.need && !input.atEnd) return false;
      try {
        if (!this.readBlock(this.br)) {
          this.br = undefined;
          this.lastEnd = input.offset;
        }
      } catch (err) {
        // A later stream that fails before any output is treated as trailing junk, as BZ2File does.
        if (this.streams > 1 && this.producedInStream === 0 && (err instanceof CorruptData || err instanceof EndOfInput)) return true;
        throw err;
      }
    }
  }

  private startStream(input: InputCursor): void {
    const h = input.take(4);
    if (h[0] !== 0x42 || h[1] !== 0x5a || h[2] !== 0x68 || h[3]! < 0x31 || h[3]! > 0x39) throw new CorruptData('not a bzip2 stream header');
    this.level = h[3]! - 0x30;
    this.br = new BitReader(input);
    this.streams++;
    this.streamCrc = 0;
    this.producedInStream = 0;
    this.tt ??= new Uint32Array(900000);
  }

  /** Reads the next block into `this.block`; false at the end-of-stream marker. */
  private readBlock(br: BitReader): boolean {
    const hi = br.bits(24);
    const lo = br.bits(24);
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      const crc = ((br.bits(16) << 16) | br.bits(16)) >>> 0;
      if (crc !== this.streamCrc) throw new CorruptData('a bzip2 stream fails its combined CRC');
      br.align();
      if (br.heldBytes > 0) throw new CorruptData('bzip2 stream end out of step');
      return false;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw new CorruptData('bad bzip2 block magic');
    const expectedCrc = ((br.bits(16) << 16) | br.bits(16)) >>> 0;
    if (br.bit()) throw new UnsupportedData('a randomised bzip2 block (obsolete since bzip2 0.9.5) is not decoded here');
    const origPtr = br.bits(24);

    // The symbols in use: 16 ranges of 16 bytes.
    const seqToUnseq = new Uint8Array(256);
    let inUse = 0;
    const ranges = br.bits(16);
    for (let i = 0; i < 16; i++) {
      if (!(ranges & (0x8000 >> i))) continue;
      const bits = br.bits(16);
      for (let j = 0; j < 16; j++) if (bits & (0x8000 >> j)) seqToUnseq[inUse++] = i * 16 + j;
    }
    if (inUse === 0) throw new CorruptData('a bzip2 block uses no symbols');
    const alphaSize = inUse + 2;

    const groups = br.bits(3);
    if (groups < 2 || groups > MAX_GROUPS) throw new CorruptData('invalid bzip2 table count');
    const selectorCount = br.bits(15);
    if (selectorCount < 1) throw new CorruptData('invalid bzip2 selector count');
    const mtfGroups = [0, 1, 2, 3, 4, 5].slice(0, groups);
    const selectors = new Uint8Array(Math.min(selectorCount, MAX_SELECTORS));
    for (let i = 0; i < selectorCount; i++) {
      let j = 0;
      while (br.bit()) if (++j >= groups) throw new CorruptData('invalid bzip2 selector');
      // libbzip2 reads and ignores selectors past its maximum (CVE-2019-12900's fix).
      if (i >= MAX_SELECTORS) continue;
      const v = mtfGroups[j]!;
      mtfGroups.splice(j, 1);
      mtfGroups.unshift(v);
      selectors[i] = v;
    }

    const tables: Huffman[] = [];
    const lengths = new Uint8Array(alphaSize);
    for (let t = 0; t < groups; t++) {
      let len = br.bits(5);
      for (let s = 0; s < alphaSize; s++) {
        for (;;) {
          if (len < 1 || len > MAX_CODE_LEN) throw new CorruptData('invalid bzip2 code length');
          if (!br.bit()) break;
          len += br.bit() ? -1 : 1;
        }
        lengths[s] = len;
      }
      tables.push(buildHuffman(lengths, alphaSize));
    }

    // Huffman → MTF/RLE2 symbols → bytes into tt's low 8 bits, counted per byte for the inverse BWT.
    const tt = this.tt!;
    const limit = this.level * 100000;
    const counts = new Int32Array(256);
    const mtf = new Uint8Array(256);
    for (let i = 0; i < 256; i++) mtf[i] = i;
    const eob = inUse + 1;
    let count = 0;
    let groupLeft = 0;
    let groupIndex = 0;
    let table = tables[0]!;
    let run = 0;
    let runWeight = 1;
    for (;;) {
      if (groupLeft === 0) {
        if (groupIndex >= selectors.length) throw new CorruptData('a bzip2 block runs past its selectors');
        table = tables[selectors[groupIndex++]!]!;
        groupLeft = GROUP_SIZE;
      }
      groupLeft--;
      const sym = decodeSymbol(br, table);
      if (sym <= 1) {
        if (runWeight > limit) throw new CorruptData('a bzip2 run is longer than the block');
        run += sym === 0 ? runWeight : 2 * runWeight;
        runWeight <<= 1;
        continue;
      }
      if (run > 0) {
        if (count + run > limit) throw new CorruptData('a bzip2 block is larger than its declared size');
        const b = seqToUnseq[mtf[0]!]!;
        counts[b] += run;
        tt.fill(b, count, count + run);
        count += run;
        run = 0;
        runWeight = 1;
      }
      if (sym === eob) break;
      if (count >= limit) throw new CorruptData('a bzip2 block is larger than its declared size');
      const idx = sym - 1;
      const v = mtf[idx]!;
      mtf.copyWithin(1, 0, idx);
      mtf[0] = v;
      const b = seqToUnseq[v]!;
      counts[b]++;
      tt[count++] = b;
    }
    if (origPtr >= count) throw new CorruptData('invalid bzip2 origin pointer');

    // Inverse BWT: link each position to the next, stored in the high 24 bits.
    const starts = new Int32Array(256);
    for (let i = 0, sum = 0; i < 256; i++) {
      starts[i] = sum;
      sum += counts[i]!;
    }
    for (let i = 0; i < count; i++) {
      const b = tt[i]! & 0xff;
      tt[starts[b]!] = (tt[starts[b]!]! | (i << 8)) >>> 0;
      starts[b]!++;
    }
    this.block = new BlockOutput(tt, count, origPtr, expectedCrc);
    return true;
  }
}

/** Opens a bzip2 file as BZ2File reads it. */
export function bzip2Stream(reader: ByteReader, start = 0): DecodeStream {
  return syncStream(reader, start, () => new Bzip2Decoder(start));
}
