/**
 * 7z: the signature header's next-header offset and size; the fixup recomputes the start-header
 * and next-header CRCs, which the reader checks before parsing a header, so mutations reach the
 * header parser instead of stopping at the CRC.
 */
import { crc32 } from 'node:zlib';
import { startsWith, u64 } from '../bytes.js';
import type { FamilySpec } from '../types.js';

const SIGNATURE = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const HEADER = 32;

const putU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);

export const sevenzip: FamilySpec = {
  id: '7z',
  claims: (b) => startsWith(b, SIGNATURE),
  fields: () => [
    { offset: 12, encoding: { kind: 'uint', width: 8, littleEndian: true }, label: 'nextHeaderOffset' },
    { offset: 20, encoding: { kind: 'uint', width: 8, littleEndian: true }, label: 'nextHeaderSize' },
  ],
  fixup: (b) => {
    if (b.length < HEADER) return b;
    const out = b.slice();
    const offset = u64(out, 12), size = u64(out, 20);
    if (offset >= 0 && size >= 0 && HEADER + offset + size <= out.length) putU32(out, 28, crc32(out.subarray(HEADER + offset, HEADER + offset + size)));
    putU32(out, 8, crc32(out.subarray(12, 32)));
    return out;
  },
};
