/**
 * Raw LZMA and LZMA2 streams with their properties given apart, as 7z stores them: LZMA with
 * 5 property bytes (lc/lp/pb, dictionary size) and a known output size, LZMA2 with its
 * dictionary-size byte, ending at its end-of-data chunk.
 */
import type { ByteReader } from '../../types.js';
import { CorruptData } from './errors.js';
import type { InputCursor } from './input.js';
import { checkDictionary, decodePropsByte, LzmaDecoder, OutWindow } from './lzma-core.js';
import { syncStream, type SyncDecoder } from './sync-stream.js';
import type { DecodeStream } from './types.js';
import { Lzma2Decoder } from './xz.js';

const MARGIN = 64;

class RawLzma implements SyncDecoder {
  private decoder: LzmaDecoder | undefined;
  private window: OutWindow | undefined;
  private produced = 0;
  private end = 0;

  constructor(
    private readonly props: Uint8Array,
    private readonly size: number,
  ) {}

  get need(): number {
    return 64 * 1024;
  }

  get endOffset(): number {
    return this.end;
  }

  take(): Uint8Array {
    return this.window ? this.window.take() : new Uint8Array(0);
  }

  step(input: InputCursor, budget: number): boolean {
    if (!this.decoder) {
      const p = this.props;
      const props = p.length === 5 ? decodePropsByte(p[0]!) : null;
      if (!props) throw new CorruptData('invalid LZMA coder properties');
      const dictSize = Math.max(4096, (p[1]! | (p[2]! << 8) | (p[3]! << 16) | (p[4]! << 24)) >>> 0);
      checkDictionary(dictSize);
      this.window = new OutWindow(dictSize);
      this.decoder = new LzmaDecoder(this.window, props, dictSize);
      this.decoder.rc.init(input);
    }
    const limit = Math.min(budget, Math.max(1, this.window!.capacityBytes - 512));
    const r = this.decoder.decode(limit, this.size - this.produced, true, () => input.available >= MARGIN || input.atEnd);
    this.produced += r.produced;
    if (r.stop !== 'size' && r.stop !== 'marker') return false;
    this.end = input.offset;
    return true;
  }
}

class RawLzma2 implements SyncDecoder {
  private decoder: Lzma2Decoder | undefined;
  private end = 0;

  constructor(private readonly props: Uint8Array) {}

  get need(): number {
    return this.decoder?.need ?? 64 * 1024;
  }

  get endOffset(): number {
    return this.end;
  }

  take(): Uint8Array {
    return this.decoder ? this.decoder.window.take() : new Uint8Array(0);
  }

  step(input: InputCursor, budget: number): boolean {
    if (!this.decoder) {
      const b = this.props[0];
      if (this.props.length !== 1 || b === undefined || b > 40) throw new CorruptData('invalid LZMA2 coder properties');
      const dictSize = b === 40 ? 0xffffffff : (2 | (b & 1)) * 2 ** (Math.floor(b / 2) + 11);
      checkDictionary(dictSize);
      this.decoder = new Lzma2Decoder(dictSize);
    }
    if (!this.decoder.step(input, budget)) return false;
    this.end = input.offset;
    return true;
  }
}

export function rawLzmaStream(reader: ByteReader, props: Uint8Array, size: number): DecodeStream {
  return syncStream(reader, 0, () => new RawLzma(props, size));
}

export function rawLzma2Stream(reader: ByteReader, props: Uint8Array): DecodeStream {
  return syncStream(reader, 0, () => new RawLzma2(props));
}
