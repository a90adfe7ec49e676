/**
 * LZ4 frames (lz4frame_format.md), as `lz4.frame.LZ4FrameFile` (joblib's reader for 'lz4'
 * files) reads them: concatenated frames, skippable frames skipped, header, block and content
 * checksums verified. Blocks are at most 4 MiB, so one block is decoded at a time; linked
 * blocks keep the previous 64 KiB as their dictionary.
 */
import type { ByteReader } from '../../types.js';
import { xxh32, XxHash32 } from './checks.js';
import { CorruptData, EndOfInput, UnsupportedData } from './errors.js';
import type { InputCursor } from './input.js';
import { syncStream, type SyncDecoder } from './sync-stream.js';
import type { DecodeStream } from './types.js';
import { joinChunks } from './join.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const HISTORY = 64 * 1024;
const BLOCK_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

const le32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

interface Frame {
  blockMax: number;
  independent: boolean;
  blockChecksum: boolean;
  contentChecksum: XxHash32 | undefined;
  contentSize: number | undefined;
  produced: number;
}

/** Decodes one LZ4 block into `dst` after `dstStart` bytes of history; returns the end. */
export function decodeBlock(src: Uint8Array, dst: Uint8Array, dstStart: number, dstLimit: number): number {
  let ip = 0;
  let op = dstStart;
  const end = src.length;
  for (;;) {
    if (ip >= end) throw new CorruptData('an LZ4 block ends inside a sequence');
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) throw new CorruptData('an LZ4 literal length runs past the block');
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > end || op + lit > dstLimit) throw new CorruptData('LZ4 literals run past the block');
    dst.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip === end) return op;
    if (ip + 2 > end) throw new CorruptData('an LZ4 match offset runs past the block');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new CorruptData('an LZ4 match points before the data');
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= end) throw new CorruptData('an LZ4 match length runs past the block');
        b = src[ip++]!;
        len += b;
      } while (b === 255);
    }
    if (op + len > dstLimit) throw new CorruptData('an LZ4 match runs past the block size');
    let from = op - offset;
    if (offset >= len) {
      dst.copyWithin(op, from, from + len);
      op += len;
    } else {
      for (let i = 0; i < len; i++) dst[op++] = dst[from++]!;
    }
  }
}

class Lz4Decoder implements SyncDecoder {
  private frame: Frame | undefined;
  private frames = 0;
  private lastEnd: number;
  private pending: Uint8Array[] = [];
  private history = new Uint8Array(0);
  private producedInFrame = 0;
  private needBytes = 64 * 1024;

  constructor(start: number) {
    this.lastEnd = start;
  }

  get need(): number {
    return this.needBytes;
  }

  get endOffset(): number {
    return this.lastEnd;
  }

  take(): Uint8Array {
    const parts = this.pending;
    this.pending = [];
    return joinChunks(parts);
  }

  step(input: InputCursor, budget: number): boolean {
    let produced = 0;
    for (;;) {
      if (produced >= budget) return false;
      if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, input.available);
        input.skip(n);
        this.skipLeft -= n;
        if (this.skipLeft === 0) this.lastEnd = input.offset;
        else if (input.atEnd) throw new EndOfInput();
        else return false;
        continue;
      }
      if (!this.frame) {
        if (input.exhausted) return true;
        try {
          if (!this.startFrame(input)) continue;
        } catch (err) {
          // Data after a frame that does not start a frame is ignored, as LZ4FrameFile ignores it.
          if (this.frames > 0 && (err instanceof CorruptData || err instanceof EndOfInput || err instanceof UnsupportedData)) return true;
          throw err;
        }
        continue;
      }
      const f = this.frame;
      if (input.available < 4 + f.blockMax + 4 && !input.atEnd) {
        this.needBytes = 4 + f.blockMax + 8;
        return false;
      }
      const word = le32(input.take(4), 0);
      if (word === 0) {
        this.endFrame(input, f);
        continue;
      }
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > f.blockMax) throw new CorruptData('an LZ4 block is larger than the frame allows');
      const data = input.take(size);
      if (f.blockChecksum && xxh32(data) !== le32(input.take(4), 0)) throw new CorruptData('an LZ4 block fails its checksum');
      let out: Uint8Array;
      if (stored) out = data.slice();
      else {
        const keep = f.independent ? 0 : this.history.length;
        const dst = new Uint8Array(keep + f.blockMax);
        dst.set(this.history, 0);
        const end = decodeBlock(data, dst, keep, dst.length);
        out = dst.slice(keep, end);
      }
      if (!f.independent) {
        const joined = new Uint8Array(Math.min(HISTORY, this.history.length + out.length));
        const fromOut = Math.min(out.length, joined.length);
        joined.set(this.history.subarray(this.history.length - (joined.length - fromOut)), 0);
        joined.set(out.subarray(out.length - fromOut), joined.length - fromOut);
        this.history = joined;
      }
      f.contentChecksum?.update(out);
      f.produced += out.length;
      this.producedInFrame += out.length;
      produced += out.length;
      if (out.length > 0) this.pending.push(out);
    }
  }

  /** Reads a frame header; false for a skippable frame (skipped). */
  private startFrame(input: InputCursor): boolean {
    const magic = le32(input.take(4), 0);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      // Skipped over later steps: it may be larger than what is buffered.
      this.skipLeft = le32(input.take(4), 0);
      if (this.skipLeft === 0) this.lastEnd = input.offset;
      return false;
    }
    if (magic !== FRAME_MAGIC) throw new CorruptData('not an LZ4 frame');
    const start = input.offset;
    const flg = input.byte();
    const bd = input.byte();
    if (flg >>> 6 !== 1) throw new UnsupportedData('an LZ4 frame version this decoder does not know');
    if (flg & 0x02 || bd & 0x8f) throw new CorruptData('reserved LZ4 frame bits are set');
    const blockMax = BLOCK_SIZES[(bd >>> 4) & 7];
    if (!blockMax) throw new CorruptData('invalid LZ4 block size');
    let contentSize: number | undefined;
    if (flg & 0x08) {
      const s = input.take(8);
      contentSize = le32(s, 4) * 2 ** 32 + le32(s, 0);
    }
    if (flg & 0x01) {
      input.skip(4);
      throw new UnsupportedData('an LZ4 frame that needs a dictionary cannot be decoded');
    }
    const descriptor = input.since(start);
    const hc = input.byte();
    if (((xxh32(descriptor) >>> 8) & 0xff) !== hc) throw new CorruptData('the LZ4 frame header fails its checksum');
    this.frame = {
      blockMax,
      independent: (flg & 0x20) !== 0,
      blockChecksum: (flg & 0x10) !== 0,
      contentChecksum: flg & 0x04 ? new XxHash32() : undefined,
      contentSize,
      produced: 0,
    };
    this.frames++;
    this.producedInFrame = 0;
    this.history = new Uint8Array(0);
    return true;
  }

  /** Bytes of a skippable frame still to skip. */
  private skipLeft = 0;

  private endFrame(input: InputCursor, f: Frame): void {
    if (f.contentChecksum && f.contentChecksum.digest() !== le32(input.take(4), 0)) throw new CorruptData('an LZ4 frame fails its content checksum');
    if (f.contentSize !== undefined && f.contentSize !== f.produced) throw new CorruptData('an LZ4 frame is not the size its header declares');
    this.frame = undefined;
    this.lastEnd = input.offset;
  }
}

/** Opens an LZ4 frame file as LZ4FrameFile reads it. */
export function lz4Stream(reader: ByteReader, start = 0): DecodeStream {
  return syncStream(reader, start, () => new Lz4Decoder(start));
}
