/**
 * `torch.serialization._is_zipfile`: the first four bytes must be a local file header
 * signature. Anything else, even a valid zip with bytes in front, goes to the legacy loader.
 */
export function isZipMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}
