import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import type { ByteReader } from '../../types.js';
import { readAt } from './bytes.js';

const CHUNK = 256 * 1024;

export interface InflateOutcome {
  /** Bytes produced before the stream ended, failed, or the consumer stopped it. */
  produced: number;
  /** The deflate stream reached its final block. */
  complete: boolean;
  /** The consumer asked to stop early. */
  stopped: boolean;
  error?: string;
}

class Stop extends Error {}

/**
 * Inflates `[offset, offset + length)` chunk by chunk, handing each output chunk to `sink`,
 * which returns false to stop. Memory stays at one input and one output chunk; a stream of
 * empty blocks or a deflate bomb costs time bounded by the caller's budget, never memory.
 */
export async function inflateRange(
  reader: ByteReader,
  offset: number,
  length: number,
  sink: (chunk: Uint8Array) => boolean,
): Promise<InflateOutcome> {
  const outcome: InflateOutcome = { produced: 0, complete: false, stopped: false };
  async function* input(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < length; ) {
      const chunk = await readAt(reader, offset + at, Math.min(CHUNK, length - at));
      if (chunk.length === 0) return;
      at += chunk.length;
      yield chunk;
    }
  }
  let stopRequested = false;
  const inflater = createInflateRaw();
  inflater.once('end', () => {
    outcome.complete = true;
  });
  try {
    await pipeline(Readable.from(input()), inflater, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        outcome.produced += chunk.length;
        if (!sink(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
          stopRequested = true;
          throw new Stop();
        }
      }
    });
    outcome.complete = true;
  } catch (err) {
    // Tearing the pipeline down can surface as an AbortError rather than our Stop.
    if (stopRequested || err instanceof Stop) outcome.stopped = true;
    else if (isZlibError(err)) outcome.error = (err as Error).message;
    else throw err;
  }
  return outcome;
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE');
}
