import type { ArtifactBase } from '../../types.js';

/** One layer (or other serialized object) from a Keras model config. */
export interface KerasObjectRef {
  /** JSON pointer-like path into the config, e.g. `config.layers[3]`. */
  at: string;
  className: string;
  module?: string;
  registeredName?: string;
}

export interface KerasModelInfo {
  kerasVersion?: string;
  backend?: string;
  /** Every serialized object in the config, in document order (capped). */
  objects: KerasObjectRef[];
}

/** A Keras v3 `.keras` zip (config.json, metadata.json, model.weights.h5). */
export interface KerasArtifact extends ArtifactBase {
  format: 'keras';
  keras: KerasModelInfo;
}

/** An HDF5 file; a legacy Keras `.h5` model carries its config in the `model_config` attribute. */
export interface Hdf5Artifact extends ArtifactBase {
  format: 'hdf5';
  hdf5: { hasModelConfig: boolean; keras?: KerasModelInfo };
}
