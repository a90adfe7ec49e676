/**
 * The LZMA decoder (after Igor Pavlov's LzmaSpec reference), shared by `.lzma` (LZMA-alone)
 * files and xz's LZMA2 chunks. It decodes symbol by symbol into a dictionary window, so a
 * caller can stop at any output budget and resume; the window grows with the output up to the
 * stream's dictionary size, so a hostile dictionary size costs no more memory than the output.
 */
import { CorruptData, UnsupportedData } from './errors.js';
import { joinChunks } from './join.js';

/** Where the range decoder takes its bytes from: the streaming input, or one LZMA2 chunk. */
export interface ByteSource {
  byte(): number;
}

/** Largest dictionary decoded: xz -9 and joblib's presets use at most 64 MiB. */
export const MAX_DICTIONARY = 128 * 1024 * 1024;
const MIN_DICTIONARY = 4096;

class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  src!: ByteSource;

  init(src: ByteSource): void {
    this.src = src;
    this.range = 0xffffffff;
    this.code = 0;
    const first = src.byte();
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | src.byte()) >>> 0;
    if (first !== 0 || this.code === this.range) throw new CorruptData('invalid range coder start');
  }

  get finishedOk(): boolean {
    return this.code === 0;
  }

  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.src.byte()) >>> 0;
    }
  }

  bit(probs: Uint16Array, i: number): number {
    const v = probs[i]!;
    const bound = (this.range >>> 11) * v;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = v + ((2048 - v) >>> 5);
      if (this.range < 0x1000000) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.src.byte()) >>> 0;
      }
      return 0;
    }
    this.range -= bound;
    this.code -= bound;
    probs[i] = v - (v >>> 5);
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.src.byte()) >>> 0;
    }
    return 1;
  }

  direct(numBits: number): number {
    let res = 0;
    for (let i = 0; i < numBits; i++) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      res = res * 2 + b;
      this.normalize();
    }
    return res;
  }

  tree(probs: Uint16Array, offset: number, numBits: number): number {
    let m = 1;
    for (let i = 0; i < numBits; i++) m = (m << 1) + this.bit(probs, offset + m);
    return m - (1 << numBits);
  }

  reverse(probs: Uint16Array, offset: number, numBits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < numBits; i++) {
      const bit = this.bit(probs, offset + m);
      m = (m << 1) + bit;
      sym |= bit << i;
    }
    return sym;
  }
}

/** The dictionary: a linear buffer while it grows, a ring once it reached the dictionary size. */
export class OutWindow {
  private buf: Uint8Array;
  private pos = 0;
  private full = false;
  /** Bytes written since the last `take`. */
  pending = 0;
  /** Bytes written since the last dictionary reset. */
  total = 0;
  private carry: Uint8Array[] = [];
  private capacity: number;

  constructor(dictSize: number) {
    this.capacity = Math.max(MIN_DICTIONARY, dictSize);
    this.buf = new Uint8Array(Math.min(this.capacity, 64 * 1024));
  }

  /** The dictionary size: output not yet taken must stay below it, or the ring overwrites it. */
  get capacityBytes(): number {
    return this.capacity;
  }

  setDictSize(dictSize: number): void {
    // LZMA2 may announce a smaller dictionary after a reset; the buffer never needs to shrink.
    this.capacity = Math.max(this.capacity, MIN_DICTIONARY, dictSize);
  }

  reset(): void {
    const out = this.take();
    if (out.length > 0) this.carry.push(out);
    this.pos = 0;
    this.full = false;
    this.total = 0;
  }

  get isEmpty(): boolean {
    return this.pos === 0 && !this.full;
  }

  put(b: number): void {
    if (this.pos === this.buf.length) this.wrapOrGrow();
    this.buf[this.pos++] = b;
    this.total++;
    this.pending++;
  }

  private wrapOrGrow(): void {
    if (this.buf.length < this.capacity) {
      const next = new Uint8Array(Math.min(this.capacity, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    } else {
      this.pos = 0;
      this.full = true;
    }
  }

  /** The byte `dist` positions back (1 = the last byte written). */
  get(dist: number): number {
    let i = this.pos - dist;
    if (i < 0) i += this.buf.length;
    return this.buf[i]!;
  }

  hasDistance(dist: number): boolean {
    return dist <= this.pos || (this.full && dist <= this.buf.length);
  }

  copyMatch(dist: number, len: number): void {
    this.total += len;
    this.pending += len;
    let buf = this.buf;
    let pos = this.pos;
    let src = pos - dist;
    if (src < 0) src += buf.length;
    while (len > 0) {
      if (pos === buf.length) {
        this.pos = pos;
        this.wrapOrGrow();
        buf = this.buf;
        pos = this.pos;
      }
      // Only a full ring wraps its source index; while the buffer grows, the source stays behind pos.
      if (src === buf.length) src = 0;
      buf[pos++] = buf[src++]!;
      len--;
    }
    this.pos = pos;
  }

  putBytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.put(bytes[i]!);
  }

  /** Output written since the last call. */
  take(): Uint8Array {
    const n = this.pending;
    this.pending = 0;
    let out: Uint8Array;
    if (n === 0) out = new Uint8Array(0);
    else if (n <= this.pos) out = this.buf.slice(this.pos - n, this.pos);
    else {
      out = new Uint8Array(n);
      const head = n - this.pos;
      out.set(this.buf.subarray(this.buf.length - head), 0);
      out.set(this.buf.subarray(0, this.pos), head);
    }
    if (this.carry.length === 0) return out;
    const parts = [...this.carry, out];
    this.carry = [];
    return joinChunks(parts);
  }
}

export interface LzmaProps {
  lc: number;
  lp: number;
  pb: number;
}

/** lc/lp/pb from the properties byte; null when it is out of range (≥ 225). */
export function decodePropsByte(d: number): LzmaProps | null {
  if (d >= 9 * 5 * 5) return null;
  return { lc: d % 9, lp: Math.floor(d / 9) % 5, pb: Math.floor(d / 45) };
}

const STATES = 12;
const POS_STATES_MAX = 16;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const MATCH_MIN_LEN = 2;

// Offsets into one probability array.
const IS_MATCH = 0;
const IS_REP = IS_MATCH + STATES * POS_STATES_MAX;
const IS_REP_G0 = IS_REP + STATES;
const IS_REP_G1 = IS_REP_G0 + STATES;
const IS_REP_G2 = IS_REP_G1 + STATES;
const IS_REP0_LONG = IS_REP_G2 + STATES;
const POS_SLOT = IS_REP0_LONG + STATES * POS_STATES_MAX;
const POS_DECODERS = POS_SLOT + 4 * 64;
const ALIGN = POS_DECODERS + 1 + FULL_DISTANCES - END_POS_MODEL_INDEX;
const LEN = ALIGN + (1 << ALIGN_BITS);
const LEN_SIZE = 2 + 2 * POS_STATES_MAX * 8 + 256;
const REP_LEN = LEN + LEN_SIZE;
const LITERAL = REP_LEN + LEN_SIZE;

export type LzmaStop = 'budget' | 'input' | 'size' | 'marker';

/**
 * One LZMA decoder state: probabilities, the state machine and the rep distances. `decode`
 * runs until the output budget, the input margin, the size or the end marker stops it.
 */
export class LzmaDecoder {
  readonly rc = new RangeDecoder();
  private probs: Uint16Array;
  private props: LzmaProps;
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  constructor(
    readonly window: OutWindow,
    props: LzmaProps,
    private dictSize: number,
  ) {
    this.props = props;
    this.probs = new Uint16Array(LITERAL + (0x300 << (props.lc + props.lp)));
    this.resetState();
  }

  setProps(props: LzmaProps, dictSize = this.dictSize): void {
    if (props.lc + props.lp > 4 && this.props.lc + this.props.lp <= 4) {
      // LZMA2 limits lc + lp to 4; the array was sized for the first properties.
      throw new CorruptData('LZMA2 properties with lc + lp > 4');
    }
    const size = LITERAL + (0x300 << (props.lc + props.lp));
    if (size > this.probs.length) this.probs = new Uint16Array(size);
    this.props = props;
    this.dictSize = dictSize;
  }

  resetState(): void {
    this.probs.fill(1024);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /**
   * Decodes until `budget` output bytes are pending, `remaining` bytes were produced (when
   * given), an end marker, or the input margin runs low (`hasInput` false). With a known size
   * and `allowMarker`, an end marker may still follow the last byte (liblzma accepts both).
   */
  decode(budget: number, remaining: number | undefined, allowMarker: boolean, hasInput: () => boolean): { stop: LzmaStop; produced: number } {
    const { rc, window: out, probs } = this;
    const { lc, lp, pb } = this.props;
    const pbMask = (1 << pb) - 1;
    const lpMask = (1 << lp) - 1;
    let produced = 0;
    for (;;) {
      const left = remaining === undefined ? Infinity : remaining - produced;
      const atSize = left <= 0;
      if (atSize && (!allowMarker || rc.finishedOk)) return { stop: 'size', produced };
      if (out.pending >= budget) return { stop: 'budget', produced };
      if (!hasInput()) return { stop: 'input', produced };
      const posState = out.total & pbMask;
      const state = this.state;
      if (rc.bit(probs, IS_MATCH + (state << 4) + posState) === 0) {
        if (atSize) throw new CorruptData('LZMA data continues past the declared size');
        const prev = out.isEmpty ? 0 : out.get(1);
        const litState = ((out.total & lpMask) << lc) + (prev >>> (8 - lc));
        const base = LITERAL + 0x300 * litState;
        let sym = 1;
        if (state >= 7) {
          let matchByte = out.get(this.rep0 + 1);
          do {
            const matchBit = (matchByte >>> 7) & 1;
            matchByte <<= 1;
            const bit = rc.bit(probs, base + ((1 + matchBit) << 8) + sym);
            sym = (sym << 1) | bit;
            if (matchBit !== bit) break;
          } while (sym < 0x100);
        }
        while (sym < 0x100) sym = (sym << 1) | rc.bit(probs, base + sym);
        out.put(sym - 0x100);
        produced++;
        this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(probs, IS_REP + state) !== 0) {
        if (atSize) throw new CorruptData('LZMA data continues past the declared size');
        if (out.isEmpty) throw new CorruptData('LZMA repeat match before any output');
        if (rc.bit(probs, IS_REP_G0 + state) === 0) {
          if (rc.bit(probs, IS_REP0_LONG + (state << 4) + posState) === 0) {
            this.state = state < 7 ? 9 : 11;
            out.put(out.get(this.rep0 + 1));
            produced++;
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(probs, IS_REP_G1 + state) === 0) dist = this.rep1;
          else {
            if (rc.bit(probs, IS_REP_G2 + state) === 0) dist = this.rep2;
            else {
              dist = this.rep3;
              this.rep3 = this.rep2;
            }
            this.rep2 = this.rep1;
          }
          this.rep1 = this.rep0;
          this.rep0 = dist;
        }
        len = this.length(REP_LEN, posState);
        this.state = state < 7 ? 8 : 11;
      } else {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = this.rep0;
        len = this.length(LEN, posState);
        this.state = state < 7 ? 7 : 10;
        this.rep0 = this.distance(len);
        if (this.rep0 === 0xffffffff) {
          if (!allowMarker) throw new CorruptData('unexpected LZMA end marker');
          if (!rc.finishedOk) throw new CorruptData('LZMA end marker with data left in the range coder');
          return { stop: 'marker', produced };
        }
        if (atSize) throw new CorruptData('LZMA data continues past the declared size');
        if (this.rep0 >= this.dictSize || !out.hasDistance(this.rep0 + 1)) throw new CorruptData('LZMA match distance beyond the dictionary');
      }
      len += MATCH_MIN_LEN;
      if (left < len) throw new CorruptData('LZMA match runs past the declared size');
      out.copyMatch(this.rep0 + 1, len);
      produced += len;
    }
  }

  private length(base: number, posState: number): number {
    const { rc, probs } = this;
    // Layout: choice, choice2, low[16][8], mid[16][8], high[256]; trees index from 1.
    if (rc.bit(probs, base) === 0) return rc.tree(probs, base + 2 + posState * 8, 3);
    if (rc.bit(probs, base + 1) === 0) return 8 + rc.tree(probs, base + 2 + POS_STATES_MAX * 8 + posState * 8, 3);
    return 16 + rc.tree(probs, base + 2 + 2 * POS_STATES_MAX * 8, 8);
  }

  private distance(len: number): number {
    const { rc, probs } = this;
    const lenState = Math.min(len, 3);
    const slot = rc.tree(probs, POS_SLOT + lenState * 64, 6);
    if (slot < 4) return slot;
    const directBits = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** directBits;
    if (slot < END_POS_MODEL_INDEX) dist += rc.reverse(probs, POS_DECODERS + dist - slot, directBits);
    else {
      dist += rc.direct(directBits - ALIGN_BITS) * 16;
      dist += rc.reverse(probs, ALIGN, ALIGN_BITS);
    }
    return dist;
  }
}

export function checkDictionary(dictSize: number): void {
  if (dictSize > MAX_DICTIONARY) throw new UnsupportedData(`an LZMA dictionary of ${dictSize} bytes is larger than the ${MAX_DICTIONARY} decoded here`);
}
