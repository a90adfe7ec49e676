/**
 * Whole-file compression (joblib's compress=, .tar.gz, .pkl.gz): the gzip and zlib layers are
 * opened so mutations reach the format inside and the result is recompressed, which is how a
 * hostile pickle or tar arrives through a valid stream. bz2, xz, lzma and lz4 get byte mutations.
 */
import { deflateSync, gzipSync, gunzipSync, inflateSync } from 'node:zlib';
import { startsWith } from '../bytes.js';
import type { FamilySpec } from '../types.js';

/** Largest inner content a mutation opens (the fuzzer's own memory, not the engine's limit). */
const MAX_INNER = 16 << 20;

const isGzip = (b: Uint8Array) => startsWith(b, [0x1f, 0x8b]);
const isZlib = (b: Uint8Array) => b[0] === 0x78 && b.length >= 2 && ((0x78 << 8) | b[1]!) % 31 === 0;

export const compressed: FamilySpec = {
  id: 'compressed',
  claims: (b) =>
    isGzip(b) || isZlib(b) || startsWith(b, [0x42, 0x5a, 0x68]) || startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) || startsWith(b, [0x5d, 0x00]) || startsWith(b, [0x04, 0x22, 0x4d, 0x18]),
  layer: {
    open: (b) => {
      try {
        if (isGzip(b)) return new Uint8Array(gunzipSync(b, { maxOutputLength: MAX_INNER }));
        if (isZlib(b)) return new Uint8Array(inflateSync(b, { maxOutputLength: MAX_INNER }));
      } catch {
        // a stream already broken by an earlier mutation: nothing to open
      }
      return undefined;
    },
    close: (inner, original) => new Uint8Array(isGzip(original) ? gzipSync(inner) : deflateSync(inner)),
  },
};
