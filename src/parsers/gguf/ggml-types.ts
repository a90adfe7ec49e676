/**
 * ggml tensor types as ggml's type traits define them (ggml/src/ggml.c, ggml-common.h): block size in
 * elements and block size in bytes. Ids whose support was removed (4, 5, 31–33, 36–38) have a block
 * size of 0 there, so gguf.cpp rejects them; they are left out here for the same reason.
 * Q8_1 is 36 bytes (two f16 and 32 int8) in ggml; gguf-py's table still says 40.
 */
export interface GgmlType {
  name: string;
  blockSize: number;
  typeSize: number;
}

const T = (name: string, blockSize: number, typeSize: number): GgmlType => ({ name, blockSize, typeSize });

export const GGML_TYPES: ReadonlyMap<number, GgmlType> = new Map([
  [0, T('F32', 1, 4)],
  [1, T('F16', 1, 2)],
  [2, T('Q4_0', 32, 18)],
  [3, T('Q4_1', 32, 20)],
  [6, T('Q5_0', 32, 22)],
  [7, T('Q5_1', 32, 24)],
  [8, T('Q8_0', 32, 34)],
  [9, T('Q8_1', 32, 36)],
  [10, T('Q2_K', 256, 84)],
  [11, T('Q3_K', 256, 110)],
  [12, T('Q4_K', 256, 144)],
  [13, T('Q5_K', 256, 176)],
  [14, T('Q6_K', 256, 210)],
  [15, T('Q8_K', 256, 292)],
  [16, T('IQ2_XXS', 256, 66)],
  [17, T('IQ2_XS', 256, 74)],
  [18, T('IQ3_XXS', 256, 98)],
  [19, T('IQ1_S', 256, 50)],
  [20, T('IQ4_NL', 32, 18)],
  [21, T('IQ3_S', 256, 110)],
  [22, T('IQ2_S', 256, 82)],
  [23, T('IQ4_XS', 256, 136)],
  [24, T('I8', 1, 1)],
  [25, T('I16', 1, 2)],
  [26, T('I32', 1, 4)],
  [27, T('I64', 1, 8)],
  [28, T('F64', 1, 8)],
  [29, T('IQ1_M', 256, 56)],
  [30, T('BF16', 1, 2)],
  [34, T('TQ1_0', 256, 54)],
  [35, T('TQ2_0', 256, 66)],
  [39, T('MXFP4', 32, 17)],
  [40, T('NVFP4', 64, 36)],
  [41, T('Q1_0', 128, 18)],
  [42, T('Q2_0', 64, 18)],
]);

/** GGML_MAX_DIMS */
export const GGML_MAX_DIMS = 4;
/** GGML_MAX_NAME: tensor names must be shorter. */
export const GGML_MAX_NAME = 64;
/** GGUF_DEFAULT_ALIGNMENT */
export const GGUF_DEFAULT_ALIGNMENT = 32;
