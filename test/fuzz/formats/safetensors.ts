/** safetensors: the u64 header length, and the JSON header itself (rebuilt with its length when a JSON mutation changes it). */
import { concat, u64 } from '../bytes.js';
import type { FamilySpec } from '../types.js';

const headerLength = (b: Uint8Array): number => {
  const n = u64(b, 0);
  return n >= 0 && 8 + n <= b.length ? n : -1;
};

export const safetensors: FamilySpec = {
  id: 'safetensors',
  claims: (b, name) => /\.safetensors$/i.test(name) || (headerLength(b) > 0 && b[8] === 0x7b),
  fields: (b) => [{ offset: 0, encoding: { kind: 'uint', width: 8, littleEndian: true }, label: 'header.length' }],
  json: {
    extract: (b) => {
      const n = headerLength(b);
      return n > 0 ? Buffer.from(b.subarray(8, 8 + n)).toString('utf8') : undefined;
    },
    rebuild: (b, json) => {
      const header = new TextEncoder().encode(json);
      const prefix = new Uint8Array(8);
      new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
      return concat(prefix, header, b.subarray(8 + Math.max(0, headerLength(b))));
    },
  },
};
