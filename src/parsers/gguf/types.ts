import type { ArtifactBase } from '../../types.js';

export interface GgufInfo {
  version: number;
  tensorCount: number;
  kvCount: number;
  architecture?: string;
  /** Sum of tensor element counts, for the BOM. */
  parameterCount?: number;
  /** Scalar metadata worth reporting (general.*, context length…); arrays such as the vocabulary are left out. */
  metadata: Record<string, string | number | boolean | bigint>;
  hasChatTemplate: boolean;
  /** False for a big-endian file (llama.cpp on a little-endian host refuses it). */
  littleEndian: boolean;
  /** Alignment of tensor data (`general.alignment`, 32 by default). */
  alignment: number;
  /** File offset where tensor data starts; unset when the header could not be read to its end. */
  dataOffset?: number;
  /** Tensors per ggml type name (`Q8_0: 1, F32: 2`), what a file's quantisation really is. */
  tensorTypes: Record<string, number>;
}

export interface GgufArtifact extends ArtifactBase {
  format: 'gguf';
  gguf: GgufInfo;
}
