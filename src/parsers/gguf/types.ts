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
}

export interface GgufArtifact extends ArtifactBase {
  format: 'gguf';
  gguf: GgufInfo;
}
