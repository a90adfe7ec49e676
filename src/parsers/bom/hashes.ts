import type { BomHash } from './types.js';

/**
 * Hash algorithms by their CycloneDX names, with the hex length each gives. Keys are the names
 * folded (lowercase, no `-`/`_`), so CycloneDX `SHA-256`, SPDX 2 `SHA256` and SPDX 3 `sha256`
 * (`sha3_256`, `blake2b256`) meet.
 */
const ALGORITHMS = new Map<string, readonly [name: string, hexLength: number | undefined]>([
  ['md2', ['MD2', 32]],
  ['md4', ['MD4', 32]],
  ['md5', ['MD5', 32]],
  ['md6', ['MD6', undefined]],
  ['sha1', ['SHA-1', 40]],
  ['sha224', ['SHA-224', 56]],
  ['sha256', ['SHA-256', 64]],
  ['sha384', ['SHA-384', 96]],
  ['sha512', ['SHA-512', 128]],
  ['sha3224', ['SHA3-224', 56]],
  ['sha3256', ['SHA3-256', 64]],
  ['sha3384', ['SHA3-384', 96]],
  ['sha3512', ['SHA3-512', 128]],
  ['blake2b256', ['BLAKE2b-256', 64]],
  ['blake2b384', ['BLAKE2b-384', 96]],
  ['blake2b512', ['BLAKE2b-512', 128]],
  ['blake3', ['BLAKE3', 64]],
  ['streebog256', ['Streebog-256', 64]],
  ['streebog512', ['Streebog-512', 128]],
  ['adler32', ['ADLER32', 8]],
]);

/** Collisions for these can be made at will: a hash of them proves nothing against a chosen swap. */
export const WEAK_ALGORITHMS: ReadonlySet<string> = new Set(['MD2', 'MD4', 'MD5', 'SHA-1', 'ADLER32']);

const HEX = /^[0-9a-fA-F]+$/;

export function bomHash(algorithm: string, value: string): BomHash {
  const known = ALGORITHMS.get(algorithm.toLowerCase().replace(/[-_ ]/g, ''));
  const hex = HEX.test(value);
  const wellFormed = hex && (known?.[1] === undefined || value.length === known[1]);
  return { algorithm: known?.[0] ?? algorithm, value: hex ? value.toLowerCase() : value, wellFormed };
}

export const isSha256 = (hash: BomHash): boolean => hash.algorithm === 'SHA-256' && hash.wellFormed;

export const hasSha256 = (hashes: readonly BomHash[]): boolean => hashes.some(isSha256);

/** Algorithms of the well-formed hashes, for messages (`SHA-1, MD5`). */
export const algorithmsOf = (hashes: readonly BomHash[]): string[] => [...new Set(hashes.filter((h) => h.wellFormed).map((h) => h.algorithm))];
