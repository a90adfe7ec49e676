import type { ArtifactBase } from '../../types.js';

/** Where a node's data input comes from, as far as the graph says statically. */
export type TfInput =
  | { kind: 'const'; values: string[] }
  /** A TF1 asset tensor (MetaGraphDef.asset_file_def): the loader feeds it the path of `file` in assets/. */
  | { kind: 'asset'; file: string }
  | { kind: 'arg'; name: string }
  | { kind: 'node'; op: string }
  | { kind: 'unknown' };

/** One node using an op, with the strings it carries (what file, stream or URL it names). */
export interface SavedModelOpUse {
  /** `graph` of meta graph N, or the function whose body holds the node. */
  scope: string;
  node: string;
  /** String and string-list attributes (`output_stream`, `debug_urls`, …), truncated. */
  attrs: Array<{ name: string; values: string[] }>;
  /** Data inputs in order (control inputs dropped). */
  inputs: TfInput[];
}

export interface SavedModelInfo {
  /** `saved-model`: saved_model.pb; `keras-metadata`: keras_metadata.pb (tf.keras layer configs). */
  kind: 'saved-model' | 'keras-metadata';
  schemaVersion?: number;
  metaGraphCount: number;
  tensorflowVersion?: string;
  /** Tag sets of the meta graphs (`serve`, `train`). */
  tags: string[][];
  /** Distinct op names used by the graphs and function library, with counts (library function calls excluded). */
  ops: Array<{ op: string; count: number }>;
  /** Functions in the graphs' libraries. */
  functionCount: number;
  /** Nodes whose op names a library function: they run that function's body, which is walked too. */
  functionCalls: number;
  /** Files the SavedModel ships in assets/ (MetaGraphDef.asset_file_def), fed to the graph at load time. */
  assetFiles: string[];
  /** For each op, a few of its nodes, plus every node that names an absolute, climbing or remote path. */
  opUses: Array<{ op: string; uses: SavedModelOpUse[] }>;
  /** keras metadata nodes (keras_metadata.pb, or SavedUserObject.metadata of older tf.keras saves) inspected. */
  kerasObjects: number;
}

/** `saved_model.pb` (or `keras_metadata.pb`, whose Keras config is analysed like a `.keras` config). */
export interface SavedModelArtifact extends ArtifactBase {
  format: 'tf-savedmodel';
  savedModel: SavedModelInfo;
}
