import type { ByteReader } from '../../types.js';
import { GGUF_LIMIT, GGUF_MALFORMED } from './codes.js';
import { Cursor, OutOfBounds } from './cursor.js';
import { GGML_MAX_DIMS, GGML_MAX_NAME, GGML_TYPES, GGUF_DEFAULT_ALIGNMENT } from './ggml-types.js';
import { KEPT_STRING_BYTES, MAX_KEY_BYTES, type GgufLimits } from './limits.js';
import { printable } from './printable.js';
import type { AnomalySink } from './sink.js';
import { GgufValueType, isValueType, scalarSize, valueTypeName } from './value-types.js';

export type GgufScalar = number | bigint | boolean | string;

export interface GgufKv {
  key: string;
  /** File offset of the key's length field. */
  offset: number;
  type: GgufValueType;
  /** For arrays: the element type and count. */
  array?: { type: GgufValueType; length: bigint };
  /** A scalar's value; a string's only when kept (chat templates up to the cap, other strings up to KEPT_STRING_BYTES). */
  value?: GgufScalar;
  /** UTF-8 length of a string value, kept or not. */
  byteLength?: number;
}

export interface GgufTensorInfo {
  name: string;
  /** File offset of the tensor info. */
  offset: number;
  dims: bigint[];
  type: number;
  /** Offset of the tensor's data from the start of the data section, as declared. */
  dataOffset: bigint;
  /** Element count and byte size, when the shape and type are valid. */
  elements?: bigint;
  nbytes?: bigint;
}

export interface GgufHeader {
  version: number;
  littleEndian: boolean;
  tensorCount: bigint;
  kvCount: bigint;
  kvs: GgufKv[];
  tensors: GgufTensorInfo[];
  /** `general.alignment` when valid, else the default the checks fall back to. */
  alignment: number;
  /** End of the tensor-info table; unset when the header could not be read to its end. */
  headerEnd?: number;
}

/** `tokenizer.chat_template` and its named variants `tokenizer.chat_template.<name>`. */
export const isTemplateKey = (key: string): boolean => key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.');
export const TEMPLATE_LIST_KEY = 'tokenizer.chat_templates';

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const NESTED_ARRAY_DEPTH = 4;
/** The tensor count follows the magic and the version. */
const TENSOR_COUNT_OFFSET = 8;
const utf8 = new TextDecoder('utf-8');

/** Stops the walk after the reason has been recorded. */
class Stop extends Error {}

const plural = (n: bigint | number, word: string): string => `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;

/**
 * Walks a GGUF header the way llama.cpp's gguf.cpp reads it (gguf_init_from_file_impl), recording
 * each check it would fail instead of stopping at the first where the layout still lets us go on,
 * so one file shows all its problems and every chat template is still found.
 */
class HeaderWalk {
  /** What is being read, for the message when the bytes run out. */
  private where = 'the header';
  private readonly c: Cursor;

  constructor(
    reader: ByteReader,
    private readonly h: GgufHeader,
    private readonly limits: GgufLimits,
    private readonly sink: AnomalySink,
    private readonly fileSize: number,
  ) {
    this.c = new Cursor(reader, limits.maxHeaderBytes);
  }

  async run(): Promise<void> {
    try {
      await this.walk();
    } catch (err) {
      if (err instanceof Stop) return;
      if (err instanceof OutOfBounds) return this.outOfBounds(err);
      this.sink.add(GGUF_MALFORMED.readError, `the GGUF header could not be read (${(err as Error).message}), so nothing in it was checked`, this.c.pos);
    }
  }

  private outOfBounds(err: OutOfBounds): void {
    if (err.capped) {
      this.sink.add(GGUF_LIMIT.header, `${this.where} lies past the first ${this.limits.maxHeaderBytes} bytes of header that modelvet reads, so the rest of the file was not analysed`, err.at, { limit: this.limits.maxHeaderBytes });
      return;
    }
    this.sink.add(
      GGUF_MALFORMED.truncated,
      `${this.where} needs ${err.need} bytes at offset ${err.at}, past the end of the file (${this.fileSize} bytes): llama.cpp refuses it, and a loader that trusts the length reads out of bounds`,
      err.at,
      { field: this.where, need: err.need.toString(), fileSize: this.fileSize },
    );
  }

  private async size(): Promise<bigint> {
    return this.h.version === 1 ? BigInt(await this.c.u32()) : this.c.u64();
  }

  private get lengthSize(): 4 | 8 {
    return this.h.version === 1 ? 4 : 8;
  }

  private async string(maxBytes: number): Promise<{ text?: string; byteLength: number }> {
    const n = await this.size();
    this.c.check(n);
    const byteLength = Number(n);
    if (byteLength > maxBytes) {
      this.c.skip(byteLength);
      return { byteLength };
    }
    return { text: utf8.decode(await this.c.bytes(byteLength)), byteLength };
  }

  private async walk(): Promise<void> {
    await this.readPreamble();
    await this.readKvs();
    this.checkAlignment();
    await this.readTensorInfos();
    this.h.headerEnd = this.c.pos;
  }

  private async readPreamble(): Promise<void> {
    const c = this.c;
    this.where = 'the magic and version';
    const magic = await c.bytes(4);
    if (magic[0] !== 0x47 || magic[1] !== 0x47 || magic[2] !== 0x55 || magic[3] !== 0x46) {
      this.sink.add(GGUF_MALFORMED.version, 'the file does not start with the GGUF magic', 0);
      throw new Stop();
    }
    const raw = await c.u32();
    // gguf.cpp tells a file of the other byte order by a version whose low 16 bits are zero.
    const version = (raw & 0xffff) === 0 ? ((raw >>> 24) | ((raw >>> 8) & 0xff00) | ((raw << 8) & 0xff0000) | (raw << 24)) >>> 0 : raw;
    if (version < 1 || version > 3) {
      this.sink.add(GGUF_MALFORMED.version, `the header's version is ${raw}; GGUF versions are 1 to 3, so llama.cpp refuses the file`, 4, { version: raw });
      throw new Stop();
    }
    this.h.version = version;
    this.h.littleEndian = c.littleEndian = version === raw;
    this.where = 'the tensor count';
    this.h.tensorCount = await this.size();
    this.where = 'the key-value count';
    this.h.kvCount = await this.size();
    this.checkCounts();
  }

  /** Each key-value takes at least a key length, a type and one byte; each tensor info a name length, n_dims, a type and an offset. */
  private checkCounts(): void {
    const { tensorCount, kvCount } = this.h;
    const room = BigInt(this.fileSize - this.c.pos);
    const minKv = BigInt(this.lengthSize + 4 + 1);
    const minTensor = BigInt(this.lengthSize + 4 + 4 + 8);
    const fail = (what: string, count: bigint, fits: bigint, offset: number): never => {
      this.sink.add(
        GGUF_MALFORMED.count,
        `the header declares ${count} ${what}, but the ${this.fileSize}-byte file has room for at most ${fits}: llama.cpp refuses it, and builds before the 2024 fixes overflowed the heap on such counts`,
        offset,
        { field: what, count: count.toString(), max: fits.toString() },
      );
      throw new Stop();
    };
    if (kvCount * minKv > room) fail('key-value pairs', kvCount, room / minKv, this.kvCountOffset);
    if (tensorCount * minTensor > room) fail('tensors', tensorCount, room / minTensor, TENSOR_COUNT_OFFSET);
    const left = room - kvCount * minKv;
    if (tensorCount * minTensor > left) fail(`tensors beside its ${kvCount} key-value pairs`, tensorCount, left / minTensor, TENSOR_COUNT_OFFSET);
  }

  private get kvCountOffset(): number {
    return TENSOR_COUNT_OFFSET + this.lengthSize;
  }

  private limitReached(what: string, count: bigint, offset: number): void {
    this.sink.add(GGUF_LIMIT.count, `the header declares ${count} ${what}; modelvet reads at most ${this.limits.maxEntries}, so the rest of the file was not analysed`, offset, {
      field: what,
      count: count.toString(),
      limit: this.limits.maxEntries,
    });
  }

  private async readKvs(): Promise<void> {
    const seen = new Set<string>();
    const { kvCount } = this.h;
    const capped = kvCount > BigInt(this.limits.maxEntries);
    const n = capped ? this.limits.maxEntries : Number(kvCount);
    for (let i = 0; i < n; i++) {
      const offset = this.c.pos;
      this.where = `the key of key-value pair ${i}`;
      const { text: key = '', byteLength } = await this.string(MAX_KEY_BYTES);
      if (byteLength > MAX_KEY_BYTES) {
        this.sink.add(GGUF_LIMIT.string, `key-value pair ${i} has a ${byteLength}-byte key, longer than modelvet reads (${MAX_KEY_BYTES}), so the rest of the file was not analysed`, offset, { byteLength });
        throw new Stop();
      }
      if (key === '') this.sink.add(GGUF_MALFORMED.emptyKey, `key-value pair ${i} has an empty key, which llama.cpp refuses`, offset, { index: i });
      if (seen.has(key)) {
        this.sink.add(GGUF_MALFORMED.duplicateKey, `the key ${printable(key)} is duplicated: llama.cpp refuses the file, while other readers keep the first or the last value`, offset, { key, index: i });
      }
      seen.add(key);
      this.h.kvs.push(await this.readValue(key, offset));
    }
    if (capped) {
      this.limitReached('key-value pairs', kvCount, this.kvCountOffset);
      throw new Stop();
    }
  }

  private async valueType(key: string, what: string, at: number): Promise<GgufValueType> {
    const t = await this.c.u32();
    if (!isValueType(t)) {
      this.sink.add(GGUF_MALFORMED.valueType, `${key} has ${what} ${t}, which is not a GGUF value type: llama.cpp refuses the file and the rest of the header cannot be read`, at, { key, type: t });
      throw new Stop();
    }
    return t;
  }

  private async readValue(key: string, offset: number): Promise<GgufKv> {
    const c = this.c;
    const shown = printable(key);
    this.where = `the type of ${shown}`;
    const type = await this.valueType(shown, 'value type', c.pos);
    const kv: GgufKv = { key, offset, type };
    const template = isTemplateKey(key);
    if (type === GgufValueType.ARRAY) {
      kv.array = await this.readArray(shown, 0);
    } else if (type === GgufValueType.STRING) {
      this.where = `the value of ${shown} (a string)`;
      // A chat template is kept whole: it lies inside the header, which the cursor caps already.
      const { text, byteLength } = await this.string(template ? Number.MAX_SAFE_INTEGER : KEPT_STRING_BYTES);
      kv.byteLength = byteLength;
      if (text !== undefined) kv.value = text;
    } else {
      this.where = `the value of ${shown} (a ${valueTypeName(type)})`;
      kv.value = await this.scalar(type);
    }
    const label = kv.array ? `an array of ${valueTypeName(kv.array.type)}` : `a ${valueTypeName(type)}`;
    if (template && type !== GgufValueType.STRING) {
      this.sink.add(GGUF_MALFORMED.templateType, `the chat template ${shown} is ${label}, not a string, so what a loader renders from it cannot be analysed`, offset, { key, type: label });
    }
    if (key === TEMPLATE_LIST_KEY && kv.array?.type !== GgufValueType.STRING) {
      this.sink.add(GGUF_MALFORMED.templateType, `${shown} should list template names as an array of strings but is ${label}`, offset, { key, type: label });
    }
    return kv;
  }

  private async scalar(type: GgufValueType): Promise<GgufScalar> {
    const c = this.c;
    switch (type) {
      case GgufValueType.UINT8:
        return c.u8();
      case GgufValueType.INT8:
        return c.i8();
      case GgufValueType.UINT16:
        return c.u16();
      case GgufValueType.INT16:
        return c.i16();
      case GgufValueType.UINT32:
        return c.u32();
      case GgufValueType.INT32:
        return c.i32();
      case GgufValueType.FLOAT32:
        return c.f32();
      case GgufValueType.BOOL:
        return (await c.u8()) !== 0;
      case GgufValueType.UINT64:
        return c.u64();
      case GgufValueType.INT64:
        return c.i64();
      case GgufValueType.FLOAT64:
        return c.f64();
      default:
        throw new Error(`no scalar reader for ${valueTypeName(type)}`);
    }
  }

  /** Steps over an array's elements, checking the declared count against the bytes left before trusting it. */
  private async readArray(key: string, depth: number): Promise<{ type: GgufValueType; length: bigint }> {
    const c = this.c;
    this.where = `the element type of the array ${key}`;
    const at = c.pos;
    const type = await this.valueType(key, 'array element type', at);
    this.where = `the length of the array ${key}`;
    const length = await this.size();
    if (type === GgufValueType.ARRAY) {
      if (depth === 0) this.sink.add(GGUF_MALFORMED.valueType, `${key} is an array of arrays, which llama.cpp refuses`, at, { key });
      if (depth + 1 >= NESTED_ARRAY_DEPTH) {
        this.sink.add(GGUF_MALFORMED.valueType, `${key} nests arrays ${NESTED_ARRAY_DEPTH} deep, so the rest of the header was not read`, at, { key });
        throw new Stop();
      }
    }
    const element = type === GgufValueType.STRING ? this.lengthSize : type === GgufValueType.ARRAY ? 4 + this.lengthSize : scalarSize(type);
    this.where = `the array ${key} (${plural(length, valueTypeName(type) + ' element')})`;
    this.c.check(length * BigInt(element));
    if (type === GgufValueType.STRING) {
      this.where = `a string in the array ${key}`;
      await c.skipStrings(Number(length), this.lengthSize);
    } else if (type === GgufValueType.ARRAY) {
      for (let i = 0; i < Number(length); i++) await this.readArray(key, depth + 1);
    } else {
      c.skip(length * BigInt(element));
    }
    return { type, length };
  }

  /** gguf.cpp requires `general.alignment` to be a u32 power of two. */
  private checkAlignment(): void {
    const kv = this.h.kvs.find((k) => k.key === 'general.alignment');
    if (!kv) return;
    if (kv.type !== GgufValueType.UINT32) {
      this.sink.add(GGUF_MALFORMED.alignment, `general.alignment is a ${valueTypeName(kv.type)}; llama.cpp requires a u32 and refuses the file`, kv.offset, { type: valueTypeName(kv.type) });
      return;
    }
    const a = kv.value as number;
    if (a === 0 || (a & (a - 1)) !== 0) {
      this.sink.add(GGUF_MALFORMED.alignment, `general.alignment is ${a}, not a power of two, so llama.cpp refuses the file`, kv.offset, { alignment: a });
      return;
    }
    this.h.alignment = a;
  }

  private async readTensorInfos(): Promise<void> {
    const names = new Set<string>();
    const { tensorCount } = this.h;
    const capped = tensorCount > BigInt(this.limits.maxEntries);
    const n = capped ? this.limits.maxEntries : Number(tensorCount);
    for (let i = 0; i < n; i++) {
      const info = await this.readTensorInfo(i);
      if (names.has(info.name)) {
        this.sink.add(GGUF_MALFORMED.duplicateTensor, `the tensor name ${printable(info.name)} is duplicated: llama.cpp refuses the file, while other readers load one tensor or the other`, info.offset, { tensor: info.name, index: i });
      }
      names.add(info.name);
      this.h.tensors.push(info);
    }
    if (capped) {
      this.limitReached('tensors', tensorCount, TENSOR_COUNT_OFFSET);
      throw new Stop();
    }
  }

  private async readTensorInfo(i: number): Promise<GgufTensorInfo> {
    const c = this.c;
    const offset = c.pos;
    this.where = `the name of tensor ${i}`;
    const { text: name = '', byteLength } = await this.string(MAX_KEY_BYTES);
    if (byteLength >= GGML_MAX_NAME) {
      this.sink.add(GGUF_MALFORMED.tensorName, `tensor ${i}'s name is ${byteLength} bytes long (${printable(name, 80)}); llama.cpp allows fewer than ${GGML_MAX_NAME} and refuses the file`, offset, { index: i, byteLength });
      if (name === '' && byteLength > 0) throw new Stop();
    }
    const label = name ? printable(name) : `tensor ${i}`;
    this.where = `n_dims of tensor ${label}`;
    const nDims = await c.u32();
    if (nDims > GGML_MAX_DIMS) {
      this.sink.add(GGUF_MALFORMED.nDims, `tensor ${label} has n_dims ${nDims}, above GGML_MAX_DIMS (${GGML_MAX_DIMS}): llama.cpp refuses the file, and the rest of the table cannot be read`, c.pos - 4, { tensor: label, nDims });
      throw new Stop();
    }
    const dims: bigint[] = [];
    for (let d = 0; d < nDims; d++) {
      this.where = `dimension ${d} of tensor ${label}`;
      dims.push(await this.size());
    }
    this.where = `the type of tensor ${label}`;
    const type = await c.u32();
    this.where = `the data offset of tensor ${label}`;
    const dataOffset = await c.u64();
    const info: GgufTensorInfo = { name, offset, dims, type, dataOffset };
    this.measure(info, label);
    return info;
  }

  /** Element count and byte size as ggml computes them, with gguf.cpp's checks on each. */
  private measure(info: GgufTensorInfo, label: string): void {
    const { dims, type, offset } = info;
    const bad = dims.findIndex((d) => d > INT64_MAX);
    if (bad >= 0) {
      this.sink.add(GGUF_MALFORMED.dimension, `dimension ${bad} of tensor ${label} is ${dims[bad]}, negative as llama.cpp reads it (int64), so it refuses the file`, offset, { tensor: label, dimension: bad, value: dims[bad].toString() });
      return;
    }
    const ggml = GGML_TYPES.get(type);
    if (!ggml) {
      this.sink.add(GGUF_MALFORMED.tensorType, `tensor ${label} has ggml type ${type}, which no current ggml defines (or whose support was removed), so llama.cpp refuses the file`, offset, { tensor: label, type });
      return;
    }
    const ne0 = dims[0] ?? 1n;
    if (ne0 % BigInt(ggml.blockSize) !== 0n) {
      this.sink.add(GGUF_MALFORMED.blockSize, `tensor ${label} is ${ggml.name} with ${ne0} elements per row, not a multiple of its block size ${ggml.blockSize}, so llama.cpp refuses the file`, offset, { tensor: label, type: ggml.name, row: ne0.toString() });
      return;
    }
    const elements = dims.reduce((a, b) => a * b, 1n);
    const nbytes = (elements / BigInt(ggml.blockSize)) * BigInt(ggml.typeSize);
    if (elements >= INT64_MAX || nbytes > UINT64_MAX) {
      this.sink.add(GGUF_MALFORMED.overflow, `tensor ${label} has shape [${dims.join(', ')}], whose element count or byte size overflows 64 bits, so llama.cpp refuses the file`, offset, { tensor: label, shape: dims.map(String) });
      return;
    }
    info.elements = elements;
    info.nbytes = nbytes;
  }
}

/** Reads a GGUF header; anomalies go to the sink, the header holds whatever could be read. */
export async function readHeader(reader: ByteReader, limits: GgufLimits, sink: AnomalySink): Promise<GgufHeader> {
  const header: GgufHeader = { version: 0, littleEndian: true, tensorCount: 0n, kvCount: 0n, kvs: [], tensors: [], alignment: GGUF_DEFAULT_ALIGNMENT };
  await new HeaderWalk(reader, header, limits, sink, reader.size).run();
  return header;
}
