/**
 * The .xz container (xz-file-format-1.2.0): stream header, blocks of LZMA2 data each followed by
 * its check (CRC-32, CRC-64 or SHA-256), the index and the footer, all verified as liblzma does,
 * since Python's lzma module raises on any mismatch.
 */
import { createHash, type Hash } from 'node:crypto';
import zlib from 'node:zlib';
import { Crc64 } from './checks.js';
import { CorruptData, UnsupportedData } from './errors.js';
import type { InputCursor } from './input.js';
import { checkDictionary, decodePropsByte, LzmaDecoder, OutWindow, type ByteSource } from './lzma-core.js';
import { joinChunks } from './join.js';

export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] as const;
const FOOTER_MAGIC = [0x59, 0x5a] as const;
const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64] as const;
const FILTER_LZMA2 = 0x21;
/** An LZMA2 chunk is at most 64 KiB packed plus its 6-byte header. */
const CHUNK_NEED = 65536 + 64;
/** Keeps the dictionary from overwriting output not yet taken (a match adds at most 273 bytes). */
const WINDOW_SLACK = 512;

export function isXzMagic(head: Uint8Array): boolean {
  return XZ_MAGIC.every((b, i) => head[i] === b);
}

class ChunkSource implements ByteSource {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new CorruptData('an LZMA2 chunk overruns its packed size');
    return this.bytes[this.pos++]!;
  }
  get done(): boolean {
    return this.pos === this.bytes.length;
  }
}

const u16be = (input: InputCursor): number => (input.byte() << 8) | input.byte();

/** LZMA2: chunks of LZMA data or stored bytes, with dictionary, state and property resets. */
export class Lzma2Decoder {
  readonly window: OutWindow;
  private lzma: LzmaDecoder | undefined;
  private phase: 'control' | 'lzma' | 'stored' = 'control';
  private needDictReset = true;
  private needProps = true;
  private left = 0;
  private source: ChunkSource | undefined;

  constructor(private readonly dictSize: number) {
    this.window = new OutWindow(dictSize);
  }

  get need(): number {
    return CHUNK_NEED;
  }

  private budget(budget: number): number {
    return Math.min(budget, Math.max(1, this.window.capacityBytes - WINDOW_SLACK));
  }

  /** Decodes until the budget or the end of the LZMA2 data (true). */
  step(input: InputCursor, budget: number): boolean {
    const limit = this.budget(budget);
    for (;;) {
      if (this.window.pending >= limit) return false;
      if (this.phase === 'control') {
        if (input.available < CHUNK_NEED && !input.atEnd) return false;
        const control = input.byte();
        if (control === 0x00) return true;
        if (control === 0x01 || control === 0x02) {
          if (control === 0x01) {
            this.window.reset();
            this.needDictReset = false;
          } else if (this.needDictReset) throw new CorruptData('the first LZMA2 chunk does not reset the dictionary');
          this.left = u16be(input) + 1;
          this.phase = 'stored';
          continue;
        }
        if (control < 0x80) throw new CorruptData(`invalid LZMA2 control byte 0x${control.toString(16)}`);
        if (control >= 0xe0) {
          this.window.reset();
          this.needDictReset = false;
        } else if (this.needDictReset) throw new CorruptData('the first LZMA2 chunk does not reset the dictionary');
        this.left = (control & 0x1f) * 65536 + u16be(input) + 1;
        const packed = u16be(input) + 1;
        if (control >= 0xc0) {
          const props = decodePropsByte(input.byte());
          if (!props || props.lc + props.lp > 4) throw new CorruptData('invalid LZMA2 properties');
          if (this.lzma) this.lzma.setProps(props);
          else this.lzma = new LzmaDecoder(this.window, props, this.dictSize);
          this.lzma.resetState();
          this.needProps = false;
        } else if (this.needProps || !this.lzma) throw new CorruptData('an LZMA2 chunk without properties');
        else if (control >= 0xa0) this.lzma.resetState();
        this.source = new ChunkSource(input.take(packed));
        this.lzma!.rc.init(this.source);
        this.phase = 'lzma';
        continue;
      }
      if (this.phase === 'stored') {
        const n = Math.min(this.left, input.available, limit - this.window.pending);
        if (n === 0) {
          if (input.available === 0 && input.atEnd) input.byte();
          return false;
        }
        this.window.putBytes(input.take(n));
        this.left -= n;
        if (this.left === 0) this.phase = 'control';
        continue;
      }
      const r = this.lzma!.decode(limit, this.left, false, () => true);
      this.left -= r.produced;
      if (r.stop === 'size') {
        if (!this.lzma!.rc.finishedOk || !this.source!.done) throw new CorruptData('an LZMA2 chunk does not end where its sizes say');
        this.phase = 'control';
      }
    }
  }
}

function readVli(input: InputCursor): number {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const b = input.byte();
    value += (b & 0x7f) * 2 ** (7 * i);
    if (!(b & 0x80)) {
      if (i > 0 && b === 0) throw new CorruptData('a non-minimal xz integer');
      return value;
    }
  }
  throw new CorruptData('an xz integer longer than 9 bytes');
}

const le32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

type Checker = { update(b: Uint8Array): void; digest(): Uint8Array };

function checker(type: number): Checker | undefined {
  if (type === 1) {
    let crc = 0;
    return {
      update: (b) => void (crc = zlib.crc32(b, crc)),
      digest: () => {
        const out = new Uint8Array(4);
        new DataView(out.buffer).setUint32(0, crc >>> 0, true);
        return out;
      },
    };
  }
  if (type === 4) return new Crc64();
  if (type === 10) {
    const h: Hash = createHash('sha256');
    return { update: (b) => void h.update(b), digest: () => new Uint8Array(h.digest()) };
  }
  // liblzma skips checks it does not implement, and so does this.
  return undefined;
}

interface BlockRecord {
  unpadded: number;
  uncompressed: number;
}

/** One .xz stream, from its header to its footer. */
export class XzStream {
  private phase: 'header' | 'block' | 'data' | 'check' | 'index' | 'footer' = 'header';
  private flags = new Uint8Array(2);
  private checkType = 0;
  private records: BlockRecord[] = [];
  private lzma2: Lzma2Decoder | undefined;
  private hash: Checker | undefined;
  private blockHeaderSize = 0;
  private dataStart = 0;
  private declaredCompressed: number | undefined;
  private declaredUncompressed: number | undefined;
  private uncompressed = 0;
  private indexNeed = 0;
  /** Output of the current block not yet handed out. */
  private out: Uint8Array[] = [];

  get need(): number {
    return Math.max(CHUNK_NEED, this.indexNeed);
  }

  take(): Uint8Array {
    if (this.lzma2) this.collect();
    const parts = this.out;
    this.out = [];
    return joinChunks(parts);
  }

  private collect(): void {
    const bytes = this.lzma2!.window.take();
    if (bytes.length === 0) return;
    this.hash?.update(bytes);
    this.uncompressed += bytes.length;
    this.out.push(bytes);
  }

  step(input: InputCursor, budget: number): boolean {
    for (;;) {
      switch (this.phase) {
        case 'header': {
          const h = input.take(12);
          if (!isXzMagic(h)) throw new CorruptData('not an xz stream header');
          this.flags = h.slice(6, 8);
          if (this.flags[0] !== 0 || this.flags[1]! & 0xf0) throw new UnsupportedData('xz stream flags this decoder does not know');
          if (zlib.crc32(this.flags) >>> 0 !== le32(h, 8)) throw new CorruptData('the xz stream header fails its CRC-32');
          this.checkType = this.flags[1]! & 0x0f;
          this.phase = 'block';
          break;
        }
        case 'block': {
          if (input.available < 1024 && !input.atEnd) return false;
          const start = input.offset;
          const first = input.peek(0);
          if (first === undefined) input.byte();
          if (first === 0) {
            this.phase = 'index';
            this.indexNeed = this.records.length * 20 + 64;
            if (input.available < this.indexNeed && !input.atEnd) return false;
            break;
          }
          this.readBlockHeader(input, start);
          this.phase = 'data';
          break;
        }
        case 'data': {
          const done = this.lzma2!.step(input, budget);
          this.collect();
          if (!done) return false;
          const compressed = input.offset - this.dataStart;
          if (this.declaredCompressed !== undefined && compressed !== this.declaredCompressed) throw new CorruptData('an xz block is not the compressed size its header declares');
          if (this.declaredUncompressed !== undefined && this.uncompressed !== this.declaredUncompressed) throw new CorruptData('an xz block is not the uncompressed size its header declares');
          this.phase = 'check';
          return false;
        }
        case 'check': {
          if (input.available < 128 && !input.atEnd) return false;
          const compressed = input.offset - this.dataStart;
          for (let pad = compressed; pad % 4 !== 0; pad++) if (input.byte() !== 0) throw new CorruptData('non-zero xz block padding');
          const size = CHECK_SIZES[this.checkType]!;
          const stored = input.take(size);
          if (this.hash) {
            const want = this.hash.digest();
            if (want.some((b, i) => b !== stored[i])) throw new CorruptData('an xz block fails its integrity check');
          }
          this.records.push({ unpadded: this.blockHeaderSize + compressed + size, uncompressed: this.uncompressed });
          this.lzma2 = undefined;
          this.phase = 'block';
          break;
        }
        case 'index': {
          const start = input.offset;
          input.byte();
          const count = readVli(input);
          if (count !== this.records.length) throw new CorruptData('the xz index does not list the blocks decoded');
          for (const r of this.records) {
            if (readVli(input) !== r.unpadded || readVli(input) !== r.uncompressed) throw new CorruptData('the xz index does not match the blocks decoded');
          }
          while ((input.offset - start) % 4 !== 0) if (input.byte() !== 0) throw new CorruptData('non-zero xz index padding');
          const crc = zlib.crc32(input.since(start)) >>> 0;
          const stored = input.take(4);
          if (crc !== le32(stored, 0)) throw new CorruptData('the xz index fails its CRC-32');
          this.indexNeed = input.offset - start;
          this.phase = 'footer';
          break;
        }
        case 'footer': {
          const f = input.take(12);
          if (zlib.crc32(f.subarray(4, 10)) >>> 0 !== le32(f, 0)) throw new CorruptData('the xz stream footer fails its CRC-32');
          if ((le32(f, 4) + 1) * 4 !== this.indexNeed) throw new CorruptData('the xz footer does not point at the index');
          if (f[8] !== this.flags[0] || f[9] !== this.flags[1] || f[10] !== FOOTER_MAGIC[0] || f[11] !== FOOTER_MAGIC[1]) throw new CorruptData('the xz stream footer does not match its header');
          this.indexNeed = 0;
          return true;
        }
      }
    }
  }

  private readBlockHeader(input: InputCursor, start: number): void {
    const size = (input.byte() + 1) * 4;
    const header = input.take(size - 1);
    if (zlib.crc32(input.since(start).subarray(0, size - 4)) >>> 0 !== le32(header, size - 5)) throw new CorruptData('an xz block header fails its CRC-32');
    const flags = header[0]!;
    if (flags & 0x3c) throw new UnsupportedData('xz block flags this decoder does not know');
    // Parse the fields from a cursor over the header alone, so a bad length cannot read past it.
    let pos = 1;
    const body = header.subarray(0, size - 5);
    const vli = (): number => {
      let value = 0;
      for (let i = 0; i < 9; i++) {
        if (pos >= body.length) throw new CorruptData('an xz block header field runs past the header');
        const b = body[pos++]!;
        value += (b & 0x7f) * 2 ** (7 * i);
        if (!(b & 0x80)) return value;
      }
      throw new CorruptData('an xz integer longer than 9 bytes');
    };
    this.declaredCompressed = flags & 0x40 ? vli() : undefined;
    this.declaredUncompressed = flags & 0x80 ? vli() : undefined;
    const filters = (flags & 0x03) + 1;
    let dictSize = -1;
    for (let i = 0; i < filters; i++) {
      const id = vli();
      const propsSize = vli();
      if (pos + propsSize > body.length) throw new CorruptData('xz filter properties run past the header');
      const props = body.subarray(pos, pos + propsSize);
      pos += propsSize;
      if (id !== FILTER_LZMA2 || i !== filters - 1) throw new UnsupportedData(`xz filter 0x${id.toString(16)} is not decoded here`);
      if (propsSize !== 1 || props[0]! > 40) throw new CorruptData('invalid LZMA2 dictionary size');
      const b = props[0]!;
      dictSize = b === 40 ? 0xffffffff : (2 | (b & 1)) * 2 ** (Math.floor(b / 2) + 11);
    }
    for (; pos < body.length; pos++) if (body[pos] !== 0) throw new CorruptData('non-zero xz block header padding');
    checkDictionary(dictSize);
    this.lzma2 = new Lzma2Decoder(dictSize);
    this.hash = checker(this.checkType);
    this.blockHeaderSize = size;
    this.dataStart = input.offset;
    this.uncompressed = 0;
  }
}
