import type { ArtifactBase } from '../../types.js';

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range within the data section (after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsInfo {
  /** Length of the JSON header in bytes (the 8-byte little-endian prefix). */
  headerLength: number;
  tensorCount: number;
  /** Sum of the element counts of all tensors, for the BOM; undefined when the header is invalid. */
  parameterCount?: number;
  dtypes: string[];
  /** `__metadata__`, string to string only. */
  metadata: Record<string, string>;
  /** Tensors in offset order; the BOM reads names from here. Capped so a hostile header cannot blow the report up. */
  tensors: SafetensorsTensor[];
}

export interface SafetensorsArtifact extends ArtifactBase {
  format: 'safetensors';
  safetensors: SafetensorsInfo;
}

/** `model.safetensors.index.json`: tensor name → shard file. */
export interface SafetensorsIndexArtifact extends ArtifactBase {
  format: 'safetensors-index';
  safetensorsIndex: { shards: string[]; tensorCount: number; totalSize?: number };
}
