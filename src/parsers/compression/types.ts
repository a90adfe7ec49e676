/** Compressions a loader decompresses by content (joblib dispatches on the same magic bytes). */
export type CompressionKind = 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

/** How a decompressed stream ended, as the loader's decompressor would see it. */
export type StreamEnd =
  /** The last stream the loader reads ended cleanly; `end` is the offset just past it. */
  | { state: 'complete'; end: number }
  /** The compressed data stops before the stream's end. */
  | { state: 'truncated'; message: string }
  /** The decompressor rejects the data here; `offset` is about where. */
  | { state: 'corrupt'; message: string; offset?: number }
  /** The data uses a feature no decoder here implements (a filter, a preset dictionary). */
  | { state: 'unsupported'; message: string };

/**
 * Pull-based decompression: each `next()` decodes a bounded chunk, so a consumer that stops
 * pulling stops the work, and memory is the decoder's state plus one chunk.
 */
export interface DecodeStream {
  /** The next chunk of output, or null once the stream ended (`end` then says how). */
  next(): Promise<Uint8Array | null>;
  /** Compressed bytes consumed so far (an upper bound where the decoder buffers input). */
  readonly consumed: number;
  readonly end: StreamEnd | undefined;
  /** Releases the decoder when the stream is abandoned before its end. */
  close(): void;
}

/** Opens the same stream afresh: readers restart decompression for a backward read. */
export type OpenStream = () => DecodeStream;
