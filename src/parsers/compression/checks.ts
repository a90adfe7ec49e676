/** The integrity checks the loaders' decompressors verify: CRC-64 (xz), bzip2's CRC-32, xxHash32 (LZ4 frames). */

const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
const BZ_CRC = new Uint32Array(256);
{
  // ECMA-182 polynomial, reflected, as xz uses it.
  const polyHi = 0xc96c5795;
  const polyLo = 0xd7870f42;
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const odd = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (odd) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_LO[i] = lo;
    CRC64_HI[i] = hi;
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    BZ_CRC[i] = c >>> 0;
  }
}

/** Incremental CRC-64/XZ. */
export class Crc64 {
  private lo = 0xffffffff;
  private hi = 0xffffffff;

  update(bytes: Uint8Array): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < bytes.length; i++) {
      const idx = (lo ^ bytes[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_HI[idx]!) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** The check as xz stores it: 8 bytes, little-endian. */
  digest(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, ~this.lo >>> 0, true);
    view.setUint32(4, ~this.hi >>> 0, true);
    return out;
  }
}

/** bzip2's CRC-32 (not reflected, unlike zlib's), updated one byte at a time by the block decoder. */
export function bzCrcByte(crc: number, b: number): number {
  return ((crc << 8) ^ BZ_CRC[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
}

const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const round = (acc: number, lane: number): number => Math.imul(rotl((acc + Math.imul(lane, P2)) >>> 0, 13), P1) >>> 0;
const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** Incremental xxHash32 (seed 0), as LZ4 frames use it for header, block and content checksums. */
export class XxHash32 {
  private v1 = (P1 + P2) >>> 0;
  private v2 = P2;
  private v3 = 0;
  private v4 = (0 - P1) >>> 0;
  private total = 0;
  private readonly mem = new Uint8Array(16);
  private memSize = 0;

  update(bytes: Uint8Array): void {
    let i = 0;
    this.total += bytes.length;
    if (this.memSize > 0) {
      const fill = Math.min(16 - this.memSize, bytes.length);
      this.mem.set(bytes.subarray(0, fill), this.memSize);
      this.memSize += fill;
      i = fill;
      if (this.memSize < 16) return;
      this.lanes(this.mem, 0);
      this.memSize = 0;
    }
    for (; i + 16 <= bytes.length; i += 16) this.lanes(bytes, i);
    if (i < bytes.length) {
      this.mem.set(bytes.subarray(i), 0);
      this.memSize = bytes.length - i;
    }
  }

  private lanes(b: Uint8Array, i: number): void {
    this.v1 = round(this.v1, u32(b, i));
    this.v2 = round(this.v2, u32(b, i + 4));
    this.v3 = round(this.v3, u32(b, i + 8));
    this.v4 = round(this.v4, u32(b, i + 12));
  }

  digest(): number {
    let h = this.total >= 16 ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) >>> 0 : P5;
    h = (h + this.total) >>> 0;
    let i = 0;
    for (; i + 4 <= this.memSize; i += 4) h = Math.imul(rotl((h + Math.imul(u32(this.mem, i), P3)) >>> 0, 17), P4) >>> 0;
    for (; i < this.memSize; i++) h = Math.imul(rotl((h + Math.imul(this.mem[i]!, P5)) >>> 0, 11), P1) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, P2) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, P3) >>> 0;
    h ^= h >>> 16;
    return h >>> 0;
  }
}

export function xxh32(bytes: Uint8Array): number {
  const h = new XxHash32();
  h.update(bytes);
  return h.digest();
}
