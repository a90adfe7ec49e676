export { decompress, measure, openStream, RATIO_FLOOR, streamAnomalies, type Decompressed, type DecompressionCaps, type Measured } from './decompress.js';
export { streamReader, DEFAULT_WINDOW, type StreamReader, type StreamReaderStats } from './window-reader.js';
export { rawDeflateStream, gzipStream, zlibStream } from './zlib.js';
export { bzip2Stream } from './bzip2.js';
export { lz4Stream } from './lz4.js';
export { lzmaFileStream } from './lzma-file.js';
export type { CompressionKind, DecodeStream, OpenStream, StreamEnd } from './types.js';
export { rawLzmaStream, rawLzma2Stream } from './lzma-raw.js';
