/**
 * What Python's `lzma.LZMAFile` (joblib's reader for 'xz' and 'lzma' files) decodes: a
 * sequence of streams, each an .xz stream or an LZMA-alone (.lzma) stream by its first bytes
 * (FORMAT_AUTO). Data after a stream that does not start a valid stream is ignored, as
 * LZMAFile ignores a "trailing error"; an error later in a stream is an error.
 */
import type { ByteReader } from '../../types.js';
import { CorruptData, EndOfInput, UnsupportedData } from './errors.js';
import type { InputCursor } from './input.js';
import { checkDictionary, decodePropsByte, LzmaDecoder, OutWindow } from './lzma-core.js';
import { syncStream, type SyncDecoder } from './sync-stream.js';
import type { DecodeStream } from './types.js';
import { isXzMagic, XzStream } from './xz.js';

const MARGIN = 64;
const NEED = 64 * 1024;

interface SubStream {
  readonly need: number;
  step(input: InputCursor, budget: number): boolean;
  take(): Uint8Array;
}

/** An LZMA-alone stream: 13-byte header (properties, dictionary size, size or -1), then LZMA data. */
class AloneStream implements SubStream {
  private decoder: LzmaDecoder | undefined;
  private window: OutWindow | undefined;
  private size: number | undefined;
  private produced = 0;

  get need(): number {
    return NEED;
  }

  take(): Uint8Array {
    return this.window ? this.window.take() : new Uint8Array(0);
  }

  step(input: InputCursor, budget: number): boolean {
    if (!this.decoder) {
      const h = input.take(13);
      const props = decodePropsByte(h[0]!);
      if (!props) throw new CorruptData('invalid .lzma properties byte');
      const dictSize = Math.max(4096, (h[1]! | (h[2]! << 8) | (h[3]! << 16) | (h[4]! << 24)) >>> 0);
      checkDictionary(dictSize);
      const lo = (h[5]! | (h[6]! << 8) | (h[7]! << 16) | (h[8]! << 24)) >>> 0;
      const hi = (h[9]! | (h[10]! << 8) | (h[11]! << 16) | (h[12]! << 24)) >>> 0;
      this.size = lo === 0xffffffff && hi === 0xffffffff ? undefined : hi * 2 ** 32 + lo;
      this.window = new OutWindow(dictSize);
      this.decoder = new LzmaDecoder(this.window, props, dictSize);
      this.decoder.rc.init(input);
    }
    const limit = Math.min(budget, Math.max(1, this.window!.capacityBytes - 512));
    const remaining = this.size === undefined ? undefined : this.size - this.produced;
    const r = this.decoder.decode(limit, remaining, true, () => input.available >= MARGIN || input.atEnd);
    this.produced += r.produced;
    return r.stop === 'size' || r.stop === 'marker';
  }
}

class LzmaFileDecoder implements SyncDecoder {
  private current: SubStream | undefined;
  private streams = 0;
  private producedInStream = 0;
  private lastEnd: number;
  private finished = false;
  /** The current stream ended: its last output is taken before the next stream starts. */
  private switching = false;
  /** Output taken while deciding whether an error ends the data quietly. */
  private stash: Uint8Array | undefined;

  constructor(start: number) {
    this.lastEnd = start;
  }

  get need(): number {
    return this.current?.need ?? NEED;
  }

  get endOffset(): number {
    return this.lastEnd;
  }

  take(): Uint8Array {
    let out = this.current ? this.current.take() : new Uint8Array(0);
    if (this.stash) {
      out = this.stash;
      this.stash = undefined;
    }
    this.producedInStream += out.length;
    if (this.switching) {
      this.switching = false;
      this.current = undefined;
    }
    return out;
  }

  step(input: InputCursor, budget: number): boolean {
    if (this.finished) return true;
    if (!this.current) {
      if (input.exhausted) return (this.finished = true);
      const head = new Uint8Array(6);
      for (let i = 0; i < 6; i++) head[i] = input.peek(i) ?? 0;
      this.current = isXzMagic(head) ? new XzStream() : new AloneStream();
      this.streams++;
      this.producedInStream = 0;
    }
    try {
      if (this.current.step(input, budget)) {
        this.switching = true;
        this.lastEnd = input.offset;
      }
    } catch (err) {
      const partial = this.current.take();
      const quiet = this.streams > 1 && this.producedInStream === 0 && partial.length === 0;
      if (quiet && (err instanceof CorruptData || err instanceof EndOfInput || err instanceof UnsupportedData)) return (this.finished = true);
      this.stash = partial;
      throw err;
    }
    return false;
  }
}

/** Opens an 'xz' or 'lzma' file (joblib's two LZMAFile formats) as a decoded stream. */
export function lzmaFileStream(reader: ByteReader, start = 0): DecodeStream {
  return syncStream(reader, start, () => new LzmaFileDecoder(start));
}
