import type { ByteReader } from '../../types.js';
import { CorruptData, EndOfInput, UnsupportedData } from './errors.js';
import { InputCursor } from './input.js';
import type { DecodeStream, StreamEnd } from './types.js';

/** Output handed out per `next()`: the unit the window reader and the caps work in. */
export const OUTPUT_CHUNK = 256 * 1024;

/** A decoder written as synchronous steps over buffered input (bzip2, LZMA/xz, LZ4). */
export interface SyncDecoder {
  /** Input bytes the next step may need buffered; it is given all that is left when fewer remain. */
  readonly need: number;
  /** Decodes until about `budget` output bytes are ready or the data ends; true once the loader's last stream ended. */
  step(input: InputCursor, budget: number): boolean;
  /** Output produced since the last call. */
  take(): Uint8Array;
  /** Offset just past the last stream the loader reads; valid once `step` returned true. */
  readonly endOffset: number;
}

/** Runs a SyncDecoder as a DecodeStream, refilling its input between steps. */
export function syncStream(reader: ByteReader, start: number, make: () => SyncDecoder): DecodeStream {
  const input = new InputCursor(reader, start);
  const decoder = make();
  let end: StreamEnd | undefined;
  let stalled = 0;
  return {
    get consumed() {
      return input.offset - start;
    },
    get end() {
      return end;
    },
    close() {
      end ??= { state: 'corrupt', message: 'closed' };
    },
    async next() {
      while (end === undefined) {
        await input.ensure(decoder.need);
        const before = input.offset;
        let finished: boolean;
        try {
          finished = decoder.step(input, OUTPUT_CHUNK);
        } catch (err) {
          end = classify(err, input.offset);
          const partial = decoder.take();
          return partial.length > 0 ? partial : null;
        }
        const out = decoder.take();
        if (finished) end = { state: 'complete', end: decoder.endOffset };
        if (out.length > 0) return out;
        // A step that neither decodes nor consumes would loop forever on a decoder bug: stop, fail closed.
        stalled = input.offset === before ? stalled + 1 : 0;
        if (stalled > 3) end = { state: 'corrupt', message: 'the decoder made no progress', offset: input.offset };
      }
      return null;
    },
  };
}

/**
 * A step never touches the reader (refills happen outside it), so whatever it throws is about the
 * data; anything unexpected (a decoder bug meeting hostile input) fails closed as corrupt.
 */
function classify(err: unknown, offset: number): StreamEnd {
  if (err instanceof EndOfInput) return { state: 'truncated', message: 'the compressed data ends before the end of the stream' };
  if (err instanceof UnsupportedData) return { state: 'unsupported', message: err.message };
  if (err instanceof CorruptData) return { state: 'corrupt', message: err.message, offset };
  return { state: 'corrupt', message: `the decoder stopped: ${err instanceof Error ? err.message : String(err)}`, offset };
}
