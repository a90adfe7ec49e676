/**
 * A small GGUF writer for hand-made headers: real files come from gguf-py (make_gguf.py), these
 * bend one rule at a time. Offsets default to gguf.cpp's packed layout.
 */
import { GGML_TYPES } from '../../../src/parsers/gguf/ggml-types.js';
import { scalarSize, GgufValueType as V } from '../../../src/parsers/gguf/value-types.js';

export { V };

/** A Uint8Array is written as the raw bytes of an array of fixed-size elements (fast for large arrays). */
export type Value = number | bigint | boolean | string | Uint8Array | Value[];

export interface KvSpec {
  key: string;
  type: number;
  value: Value;
  /** Element type when `type` is ARRAY. */
  arrayType?: number;
  /** Element type of the inner arrays of an array of arrays. */
  innerType?: number;
}

export interface TensorSpec {
  name: string;
  dims: Array<number | bigint>;
  type: number;
  /** Data offset; packed after the previous tensor when left out. */
  offset?: bigint;
}

export interface GgufSpec {
  version?: number;
  bigEndian?: boolean;
  kvs?: KvSpec[];
  tensors?: TensorSpec[];
  /** Override the counts the header declares. */
  tensorCount?: bigint;
  kvCount?: bigint;
  alignment?: number;
  /** Bytes of tensor data written after the header (default: what the tensors need). */
  dataBytes?: number;
}

class Out {
  private chunks: Uint8Array[] = [];
  length = 0;
  constructor(private readonly le: boolean) {}
  private put(size: number, write: (v: DataView) => void): void {
    const b = new Uint8Array(size);
    write(new DataView(b.buffer));
    this.bytes(b);
  }
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u8 = (n: number): void => this.put(1, (v) => v.setUint8(0, n));
  i8 = (n: number): void => this.put(1, (v) => v.setInt8(0, n));
  u16 = (n: number): void => this.put(2, (v) => v.setUint16(0, n, this.le));
  i16 = (n: number): void => this.put(2, (v) => v.setInt16(0, n, this.le));
  u32 = (n: number): void => this.put(4, (v) => v.setUint32(0, n, this.le));
  i32 = (n: number): void => this.put(4, (v) => v.setInt32(0, n, this.le));
  f32 = (n: number): void => this.put(4, (v) => v.setFloat32(0, n, this.le));
  u64 = (n: bigint | number): void => this.put(8, (v) => v.setBigUint64(0, BigInt(n), this.le));
  i64 = (n: bigint | number): void => this.put(8, (v) => v.setBigInt64(0, BigInt(n), this.le));
  f64 = (n: number): void => this.put(8, (v) => v.setFloat64(0, n, this.le));
  done(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const pad = (x: bigint, n: bigint): bigint => ((x + n - 1n) / n) * n;

export function tensorBytes(t: TensorSpec): bigint {
  const ggml = GGML_TYPES.get(t.type)!;
  const elements = t.dims.reduce<bigint>((a, b) => a * BigInt(b), 1n);
  return (elements / BigInt(ggml.blockSize)) * BigInt(ggml.typeSize);
}

export function buildGguf(spec: GgufSpec): Uint8Array {
  const version = spec.version ?? 3;
  const o = new Out(!spec.bigEndian);
  const size = (n: bigint | number): void => (version === 1 ? o.u32(Number(n)) : o.u64(n));
  const str = (s: string): void => {
    const b = new TextEncoder().encode(s);
    size(b.length);
    o.bytes(b);
  };
  const value = (type: number, v: Value, arrayType?: number, innerType?: number): void => {
    switch (type) {
      case V.UINT8: return o.u8(Number(v));
      case V.INT8: return o.i8(Number(v));
      case V.UINT16: return o.u16(Number(v));
      case V.INT16: return o.i16(Number(v));
      case V.UINT32: return o.u32(Number(v));
      case V.INT32: return o.i32(Number(v));
      case V.FLOAT32: return o.f32(Number(v));
      case V.BOOL: return o.u8(v ? 1 : 0);
      case V.STRING: return str(String(v));
      case V.UINT64: return o.u64(BigInt(v as number));
      case V.INT64: return o.i64(BigInt(v as number));
      case V.FLOAT64: return o.f64(Number(v));
      case V.ARRAY: {
        if (v instanceof Uint8Array) {
          o.u32(arrayType!);
          size(v.length / scalarSize(arrayType as V));
          o.bytes(v);
          return;
        }
        const items = v as Value[];
        o.u32(arrayType!);
        size(items.length);
        for (const item of items) value(arrayType!, item, innerType);
        return;
      }
      default:
        // Not a GGUF type: only the type id is written.
        return;
    }
  };
  const kvs = spec.kvs ?? [];
  const tensors = spec.tensors ?? [];
  o.bytes(new TextEncoder().encode('GGUF'));
  o.u32(version);
  size(spec.tensorCount ?? BigInt(tensors.length));
  size(spec.kvCount ?? BigInt(kvs.length));
  for (const kv of kvs) {
    str(kv.key);
    o.u32(kv.type);
    value(kv.type, kv.value, kv.arrayType, kv.innerType);
  }
  const alignment = BigInt(spec.alignment ?? 32);
  let next = 0n;
  for (const t of tensors) {
    str(t.name);
    o.u32(t.dims.length);
    for (const d of t.dims) size(BigInt(d));
    o.u32(t.type);
    o.u64(t.offset ?? next);
    if (GGML_TYPES.has(t.type)) next = (t.offset ?? next) + pad(tensorBytes(t), alignment);
  }
  const headerEnd = BigInt(o.length);
  const dataBytes = spec.dataBytes ?? (tensors.length ? Number(pad(headerEnd, alignment) - headerEnd + next) : 0);
  o.bytes(new Uint8Array(Math.max(0, dataBytes)));
  return o.done();
}

/** A small sound model: the usual general.* keys, a vocabulary, a chat template and two tensors. */
export function soundSpec(extra: Partial<GgufSpec> = {}): GgufSpec {
  return {
    kvs: [
      { key: 'general.architecture', type: V.STRING, value: 'llama' },
      { key: 'general.name', type: V.STRING, value: 'hand-made' },
      { key: 'llama.context_length', type: V.UINT32, value: 256 },
      { key: 'tokenizer.ggml.tokens', type: V.ARRAY, arrayType: V.STRING, value: ['a', 'b', 'c'] },
      { key: 'tokenizer.ggml.scores', type: V.ARRAY, arrayType: V.FLOAT32, value: [0, 1, 2] },
      { key: 'tokenizer.chat_template', type: V.STRING, value: '{{ messages[0].content }}' },
    ],
    tensors: [
      { name: 'a.weight', dims: [32, 2], type: 0 },
      { name: 'b.weight', dims: [64], type: 8 },
    ],
    ...extra,
  };
}
