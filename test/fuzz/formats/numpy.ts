/** .npy: the format version and the header length (u16 in 1.0, u32 in 2.0 and 3.0) before the dict literal. */
import { startsWith } from '../bytes.js';
import type { FamilySpec } from '../types.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export const numpy: FamilySpec = {
  id: 'numpy',
  claims: (b) => startsWith(b, MAGIC),
  fields: (b) => [
    { offset: 6, encoding: { kind: 'uint', width: 1, littleEndian: true }, label: 'version.major' },
    { offset: 8, encoding: { kind: 'uint', width: b[6] === 1 ? 2 : 4, littleEndian: true }, label: 'header.length' },
  ],
};
