/** GGUF metadata value types (gguf.h `enum gguf_type`). */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueType = (typeof GgufValueType)[keyof typeof GgufValueType];

const NAMES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'str', 'arr', 'u64', 'i64', 'f64'] as const;
/** Bytes of one scalar value; 0 for strings and arrays, whose size is read from the file. */
const SIZES = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8] as const;

export const isValueType = (t: number): t is GgufValueType => Number.isInteger(t) && t >= 0 && t < NAMES.length;
export const valueTypeName = (t: number): string => (isValueType(t) ? NAMES[t] : `type ${t}`);
export const scalarSize = (t: GgufValueType): number => SIZES[t];
