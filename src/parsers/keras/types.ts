import type { Anomaly, ArtifactBase } from '../../types.js';

/** One layer (or other serialized object) from a Keras model config. */
export interface KerasObjectRef {
  /** JSON pointer-like path into the config, e.g. `config.layers[3]`. */
  at: string;
  className: string;
  module?: string;
  registeredName?: string;
  /** The object's own `config.name` (a layer's name), when it has one. */
  name?: string;
}

/** Which serialization the config uses. */
export type KerasConfigFormat =
  /** Keras 3 (`module` / `class_name` / `config` / `registered_name` on every object). */
  | 'keras3'
  /** Keras 2 / tf.keras and the legacy `.h5` layout (`class_name` / `config`, no modules). */
  | 'legacy';

export interface KerasModelInfo {
  kerasVersion?: string;
  backend?: string;
  /** Every serialized object in the config, in document order (capped). */
  objects: KerasObjectRef[];
  /** Set when the object list stopped at its cap (every object was still checked). */
  objectsTruncated?: boolean;
  /** The root object's class (`Sequential`, `Functional`, a custom model class). */
  modelClass?: string;
  configFormat?: KerasConfigFormat;
  /** metadata.json `date_saved` (`.keras` only). */
  dateSaved?: string;
}

/** A payload a config carries as text, which loading decodes and deserializes itself. */
export interface KerasEmbeddedPayload {
  /** Where it is in the config. */
  at: string;
  /** `torch-module`: TorchModuleWrapper's base64 `torch.save()` bytes, which loading torch.load()s. */
  kind: 'torch-module';
  /** The base64 text as found (bounded by the config size cap). */
  base64: string;
}

/** What inspecting one Keras config found. */
export interface KerasConfigInspection {
  objects: KerasObjectRef[];
  anomalies: Anomaly[];
  objectsTruncated?: boolean;
  modelClass?: string;
  configFormat?: KerasConfigFormat;
  /** Payloads the caller may analyse as child artifacts (a pickled torch module). */
  embedded: KerasEmbeddedPayload[];
}

/** A Keras v3 `.keras` zip (config.json, metadata.json, model.weights.h5). */
export interface KerasArtifact extends ArtifactBase {
  format: 'keras';
  keras: KerasModelInfo & {
    /** Member names in central-directory order (capped). */
    members: string[];
    /** The weights member's name (`model.weights.h5` or `model.weights.npz`), when present. */
    weights?: string;
    /**
     * `signature-only`: model.weights.h5 was larger than options.maxMemberBytes, so it was only
     * confirmed to be HDF5, not opened (Keras reads nothing but datasets from it).
     */
    weightsInspection?: 'signature-only';
  };
}

/** An HDF5 external link found while walking the file. */
export interface Hdf5ExternalLink {
  /** Path of the link inside the file. */
  at: string;
  file: string;
  target: string;
}

/** An HDF5 file; a legacy Keras `.h5` model carries its config in the `model_config` attribute. */
export interface Hdf5Artifact extends ArtifactBase {
  format: 'hdf5';
  hdf5: {
    hasModelConfig: boolean;
    keras?: KerasModelInfo;
    /** Root attribute names. */
    rootAttributes?: string[];
    /** Groups, datasets and links walked (capped by maxArchiveMembers). */
    objectCount?: number;
    externalLinks?: Hdf5ExternalLink[];
    /** How the file was opened: in place, or through a private temporary copy (archive members). */
    openedFrom?: 'file' | 'temp-copy';
  };
}
