/**
 * HDF5 (Keras .h5): the superblock's addresses and sizes, wherever the superblock sits (byte 0 or
 * after a user block of 512, 1024, … bytes, as libhdf5 looks). Version 2/3 superblocks carry a
 * checksum that is left broken on purpose: h5wasm must refuse such a file, not hang on it.
 */
import { startsWith } from '../bytes.js';
import type { FamilySpec, Field } from '../types.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function superblockAt(b: Uint8Array): number {
  for (let at = 0; at + 8 <= b.length; at = at === 0 ? 512 : at * 2) if (startsWith(b, SIGNATURE, at)) return at;
  return -1;
}

function fields(b: Uint8Array): Field[] {
  const sb = superblockAt(b);
  if (sb < 0) return [];
  const u = (offset: number, width: 1 | 2 | 4 | 8, label: string): Field => ({ offset: sb + offset, encoding: { kind: 'uint', width, littleEndian: true }, label });
  const version = b[sb + 8];
  if (version === 0 || version === 1) {
    const o = version === 1 ? 4 : 0;
    return [
      u(13, 1, 'sizeOfOffsets'), u(14, 1, 'sizeOfLengths'), u(16, 2, 'groupLeafK'), u(18, 2, 'groupInternalK'),
      u(24 + o, 8, 'baseAddress'), u(32 + o, 8, 'freeSpaceAddress'), u(40 + o, 8, 'eofAddress'), u(48 + o, 8, 'driverInfoAddress'),
      u(56 + o, 8, 'root.linkNameOffset'), u(64 + o, 8, 'root.objectHeaderAddress'), u(72 + o, 4, 'root.cacheType'),
      u(80 + o, 8, 'root.btreeAddress'), u(88 + o, 8, 'root.heapAddress'),
    ];
  }
  return [u(9, 1, 'sizeOfOffsets'), u(10, 1, 'sizeOfLengths'), u(12, 8, 'baseAddress'), u(20, 8, 'extensionAddress'), u(28, 8, 'eofAddress'), u(36, 8, 'root.objectHeaderAddress')];
}

export const hdf5: FamilySpec = {
  id: 'hdf5',
  claims: (b) => superblockAt(b) >= 0 && superblockAt(b) <= 4096,
  fields,
};
