import type { ArtifactBase } from '../../types.js';

export interface SavedModelInfo {
  schemaVersion?: number;
  metaGraphCount: number;
  tensorflowVersion?: string;
  /** Distinct op names used by the graphs and function library, with counts. */
  ops: Array<{ op: string; count: number }>;
}

/** `saved_model.pb` (or `keras_metadata.pb`, whose Keras config is analysed like a `.keras` config). */
export interface SavedModelArtifact extends ArtifactBase {
  format: 'tf-savedmodel';
  savedModel: SavedModelInfo;
}
