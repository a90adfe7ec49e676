import type { ArtifactBase, Location } from '../../types.js';

/** A `trust_remote_code` key set in a config: the tool it configures imports the repository's Python code. */
export interface RemoteCodeFlag {
  /** Key path, `trust_remote_code` or `model_kwargs.trust_remote_code`. */
  keyPath: string;
  /** `true`: a value the loader takes as True; `unknown`: an interpolation filled in later. */
  value: 'true' | 'unknown';
  location?: Location;
}

/** A YAML or JSON configuration file (training, serving, merge configs) that names Hub models to load. */
export interface ModelConfigArtifact extends ArtifactBase {
  format: 'model-config';
  config: {
    syntax: 'yaml' | 'json';
    documents: number;
    /** `trust_remote_code` keys with a true (or not statically known) value. */
    remoteCode?: RemoteCodeFlag[];
  };
}
