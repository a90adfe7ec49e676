/**
 * Writes large safetensors, .npz and joblib files for the benchmark without holding their data in
 * memory: headers are written, tensor bytes are left as a sparse hole (zeros) the OS fills in.
 * The point is what a scan must not read, so the data's content does not matter.
 */
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const enc = new TextEncoder();

function u64le(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

/** `tensors` F32 tensors of `elements` each; data section all zeros. */
export async function writeSafetensors(path: string, tensors: number, elements: number): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const bytes = elements * 4;
  for (let i = 0; i < tensors; i++) header[`layers.${i}.weight`] = { dtype: 'F32', shape: [elements], data_offsets: [i * bytes, (i + 1) * bytes] };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the writer pads the header to 8 bytes with spaces
  const head = enc.encode(json);
  const fh = await open(path, 'w');
  try {
    await fh.write(u64le(head.length), 0, 8, 0);
    await fh.write(head, 0, head.length, 8);
    await fh.truncate(8 + head.length + tensors * bytes);
  } finally {
    await fh.close();
  }
}

/** CRC-32 continued over `n` zero bytes, computed in chunks. */
function crcOfZeros(n: number, start: number): number {
  const zeros = new Uint8Array(16 * 1024 * 1024);
  let crc = start;
  for (let left = n; left > 0; left -= zeros.length) crc = crc32(zeros.subarray(0, Math.min(zeros.length, left)), crc);
  return crc >>> 0;
}

/** np.savez-shaped archive: one stored member `arr_0.npy` holding a float32 vector of `elements` zeros. */
export async function writeNpz(path: string, elements: number): Promise<void> {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${elements},), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  dict += `${' '.repeat(pad % 64)}\n`;
  const npyHead = new Uint8Array(10 + dict.length);
  npyHead.set([0x93, ...enc.encode('NUMPY'), 1, 0, dict.length & 0xff, dict.length >> 8]);
  npyHead.set(enc.encode(dict), 10);
  const dataBytes = elements * 4;
  const size = npyHead.length + dataBytes;
  const crc = crcOfZeros(dataBytes, crc32(npyHead));
  const name = enc.encode('arr_0.npy');
  const local = new Uint8Array(30 + name.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint32(14, crc >>> 0, true);
  lv.setUint32(18, size, true);
  lv.setUint32(22, size, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30);
  const central = new Uint8Array(46 + name.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint32(16, crc >>> 0, true);
  cv.setUint32(20, size, true);
  cv.setUint32(24, size, true);
  cv.setUint16(28, name.length, true);
  central.set(name, 46);
  const cdOffset = local.length + size;
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, cdOffset, true);
  const fh = await open(path, 'w');
  try {
    await fh.write(local, 0, local.length, 0);
    await fh.write(npyHead, 0, npyHead.length, local.length);
    await fh.write(central, 0, central.length, cdOffset);
    await fh.write(eocd, 0, eocd.length, cdOffset + central.length);
  } finally {
    await fh.close();
  }
}

/**
 * `joblib.dump(np.zeros(elements, dtype=np.float32), path)` as joblib 1.6 writes it: the pickle of a
 * NumpyArrayWrapper (opcodes as joblib emits them, with the shape as BININT), the alignment padding,
 * the array bytes inline, then STOP.
 */
export async function writeJoblibArray(path: string, elements: number): Promise<void> {
  const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
  const shape = new Uint8Array(5);
  shape[0] = 0x4a; // BININT
  new DataView(shape.buffer).setInt32(1, elements, true);
  // Taken from a real joblib 1.6 dump of np.arange(4, dtype=np.float32), split around the shape's int.
  const before = hex(
    '8c136a6f626c69622e6e756d70795f7069636b6c65948c114e756d70794172726179577261707065729493942981947d94288c08737562636c617373948c056e756d7079948c076e6461727261799493948c05736861706594',
  );
  const after = hex(
    '85948c056f72646572948c0143948c0564747970659468068c0564747970659493948c02663494898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494628c0a616c6c6f775f6d6d617094888c1b6e756d70795f61727261795f616c69676e6d656e745f6279746573944b107562',
  );
  const body = new Uint8Array(before.length + shape.length + after.length);
  body.set(before, 0);
  body.set(shape, before.length);
  body.set(after, before.length + shape.length);
  const head = new Uint8Array(2 + 9 + body.length);
  head.set([0x80, 0x04, 0x95], 0);
  head.set(u64le(body.length), 3);
  head.set(body, 11);
  // joblib pads so the data starts on a 16-byte boundary: one length byte, then 0xff fill.
  const padLength = 16 - ((head.length + 1) % 16);
  const pad = new Uint8Array(1 + padLength).fill(0xff);
  pad[0] = padLength;
  const dataStart = head.length + pad.length;
  const fh = await open(path, 'w');
  try {
    await fh.write(head, 0, head.length, 0);
    await fh.write(pad, 0, pad.length, head.length);
    await fh.write(Uint8Array.of(0x2e), 0, 1, dataStart + elements * 4);
  } finally {
    await fh.close();
  }
}
