/**
 * Writes torch.save-shaped files of any size without torch and without holding tensor bytes in
 * memory: the pickles are the same opcodes torch's protocol-2 pickler emits for a state_dict.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { crc32 } from 'node:zlib';

const enc = new TextEncoder();

class PickleWriter {
  private parts: number[] = [];
  private memo = 0;
  bytes(...b: number[]): this {
    this.parts.push(...b);
    return this;
  }
  u32(n: number): this {
    return this.bytes(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  global(module: string, name: string): this {
    this.bytes(0x63, ...enc.encode(`${module}\n${name}\n`));
    return this.put();
  }
  put(): this {
    return this.memo < 256 ? this.bytes(0x71, this.memo++) : this.bytes(0x72).u32(this.memo++);
  }
  str(s: string): this {
    const b = enc.encode(s);
    return this.bytes(0x58).u32(b.length).bytes(...b).put();
  }
  int(n: number): this {
    return n < 256 ? this.bytes(0x4b, n) : this.bytes(0x4a).u32(n);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface TensorSpec {
  name: string;
  key: string;
  numel: number;
}

/** data.pkl of a state_dict: OrderedDict(name -> _rebuild_tensor_v2(persistent storage, 0, (n,), (1,), False, OrderedDict())). */
export function stateDictPickle(tensors: TensorSpec[], legacy = false): Uint8Array {
  const w = new PickleWriter().bytes(0x80, 0x02).global('collections', 'OrderedDict').bytes(0x29, 0x52).put().bytes(0x28);
  for (const t of tensors) {
    w.str(t.name).global('torch._utils', '_rebuild_tensor_v2').bytes(0x28, 0x28);
    w.str('storage').global('torch', 'FloatStorage').str(t.key).str('cpu').int(t.numel);
    if (legacy) w.bytes(0x4e); // legacy persistent ids carry a view_metadata slot
    w.bytes(0x74).put().bytes(0x51).int(0).int(t.numel).bytes(0x85).put().int(1).bytes(0x85).put().bytes(0x89);
    w.global('collections', 'OrderedDict').bytes(0x29, 0x52).put().bytes(0x74).put().bytes(0x52).put();
  }
  return w.bytes(0x75, 0x2e).done();
}

async function writeChunks(out: WriteStream, bytes: number, onChunk?: (c: Uint8Array) => void): Promise<void> {
  const chunk = new Uint8Array(8 * 1024 * 1024).fill(0x3f);
  for (let left = bytes; left > 0; left -= chunk.length) {
    const c = left >= chunk.length ? chunk : chunk.subarray(0, left);
    onChunk?.(c);
    if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
}

interface ZipRecord {
  name: string;
  offset: number;
  size: number;
  crc: number;
}

function localHeader(name: Uint8Array, size: number, crc: number): Uint8Array {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(size, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

/** A torch.save zip checkpoint (stored members, like torch writes) with `tensorBytes` of tensor data. */
export async function writeTorchZip(path: string, tensorCount: number, bytesPerTensor: number): Promise<void> {
  const tensors = Array.from({ length: tensorCount }, (_, i) => ({ name: `layers.${i}.weight`, key: String(i), numel: bytesPerTensor / 4 }));
  const real = createWriteStream(path);
  const rec: ZipRecord[] = [];
  let pos = 0;
  const put = async (name: string, body: Uint8Array | null, size: number): Promise<void> => {
    let crc = 0;
    if (body) crc = crc32(body);
    else {
      const chunk = new Uint8Array(8 * 1024 * 1024).fill(0x3f);
      for (let left = size; left > 0; left -= chunk.length) crc = crc32(left >= chunk.length ? chunk : chunk.subarray(0, left), crc);
    }
    const header = localHeader(enc.encode(name), size, crc);
    real.write(header);
    rec.push({ name, offset: pos, size, crc });
    pos += header.length + size;
    if (body) real.write(body);
    else await writeChunks(real, size);
  };
  const pkl = stateDictPickle(tensors);
  await put('archive/data.pkl', pkl, pkl.length);
  await put('archive/byteorder', enc.encode('little'), 6);
  for (const t of tensors) await put(`archive/data/${t.key}`, null, bytesPerTensor);
  await put('archive/version', enc.encode('3\n'), 2);
  const cdStart = pos;
  for (const r of rec) {
    const n = enc.encode(r.name);
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6);
    h.writeUInt32LE(r.crc >>> 0, 16);
    h.writeUInt32LE(r.size, 20);
    h.writeUInt32LE(r.size, 24);
    h.writeUInt16LE(n.length, 28);
    h.writeUInt32LE(r.offset, 42);
    real.write(Buffer.concat([h, n]));
    pos += 46 + n.length;
  }
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(rec.length, 8);
  e.writeUInt16LE(rec.length, 10);
  e.writeUInt32LE(pos - cdStart, 12);
  e.writeUInt32LE(cdStart, 16);
  real.write(e);
  real.end();
  await new Promise<void>((r) => real.once('close', () => r()));
}

/** A pre-1.6 torch.save file: five pickles, then each storage as an 8-byte count and its bytes. */
export async function writeTorchLegacy(path: string, tensorCount: number, bytesPerTensor: number): Promise<void> {
  const out = createWriteStream(path);
  const magic = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  out.write(Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, ...magic, 0x2e]));
  out.write(Uint8Array.from([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]));
  out.write(new PickleWriter().bytes(0x80, 0x02, 0x7d).put().bytes(0x28).str('protocol_version').bytes(0x4d, 0xe9, 0x03).str('little_endian').bytes(0x88).bytes(0x75, 0x2e).done());
  const tensors = Array.from({ length: tensorCount }, (_, i) => ({ name: `layers.${i}.weight`, key: String(i), numel: bytesPerTensor / 4 }));
  out.write(stateDictPickle(tensors, true));
  const keys = new PickleWriter().bytes(0x80, 0x02, 0x5d).put().bytes(0x28);
  for (const t of tensors) keys.str(t.key);
  out.write(keys.bytes(0x65, 0x2e).done());
  for (const t of tensors) {
    const count = Buffer.alloc(8);
    count.writeBigUInt64LE(BigInt(t.numel));
    out.write(count);
    await writeChunks(out, bytesPerTensor);
  }
  out.end();
  await new Promise<void>((r) => out.once('close', () => r()));
}

/** A raw pickle whose bulk is one BINBYTES8 argument (numpy/joblib style): tests that the engine streams. */
export async function writeBigBytesPickle(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(bytes));
  out.write(Uint8Array.from([0x80, 0x04, 0x8e]));
  out.write(len);
  await writeChunks(out, bytes);
  out.write(Uint8Array.from([0x94, 0x2e]));
  out.end();
  await new Promise<void>((r) => out.once('close', () => r()));
}
