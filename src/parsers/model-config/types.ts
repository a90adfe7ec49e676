import type { ArtifactBase } from '../../types.js';

/** A YAML or JSON configuration file (training, serving, merge configs) that names Hub models to load. */
export interface ModelConfigArtifact extends ArtifactBase {
  format: 'model-config';
  config: { syntax: 'yaml' | 'json'; documents: number };
}
