import type { ArtifactBase } from '../../types.js';

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  /** Dimensions as numbers; a dimension past 2^53 (only in a header already reported) is approximate. */
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
  /** `__metadata__`, string to string only (a prototype-less object: keys come from the file). */
  metadata: Record<string, string>;
  /** Tensors in offset order; the BOM reads names from here. Capped so a hostile header cannot blow the report up. */
  tensors: SafetensorsTensor[];
  /** Set when `tensors` lists only the first MAX_LISTED_TENSORS of `tensorCount`; all were validated. */
  tensorsTruncated?: boolean;
  /** Set when `metadata` keeps only the first MAX_METADATA_ENTRIES entries. */
  metadataTruncated?: boolean;
  /** Bytes after the 8-byte prefix and header: the data section the offsets index. */
  dataLength: number;
}

export interface SafetensorsArtifact extends ArtifactBase {
  format: 'safetensors';
  safetensors: SafetensorsInfo;
}

/**
 * Whether the shards an index names were compared with it: beside a local file, or in the repo
 * listing `check` reads; inside an archive there is no folder to look in.
 */
export type ShardCheck = 'checked' | 'not-local';

/** `model.safetensors.index.json`: tensor name → shard file. */
export interface SafetensorsIndexArtifact extends ArtifactBase {
  format: 'safetensors-index';
  safetensorsIndex: {
    /** Distinct shard names in first-mention order. */
    shards: string[];
    /** Entries in `weight_map`. */
    tensorCount: number;
    /** `metadata.total_size` when it is a non-negative integer. */
    totalSize?: number;
    /** `metadata.total_parameters` when present (transformers ≥ 4.5x writes it). */
    totalParameters?: number;
    shardCheck: ShardCheck;
  };
}
