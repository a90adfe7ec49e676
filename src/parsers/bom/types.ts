import type { ArtifactBase } from '../../types.js';

/** A bill of materials found by `scan` (CycloneDX JSON, SPDX 3 JSON-LD); the bom-lint helper fills in the fields. */
export interface BomArtifact extends ArtifactBase {
  format: 'ai-bom';
  bom: {
    spec: 'cyclonedx' | 'spdx';
    /** `1.6`, `1.7`, `3.0.1`… as the document says. */
    specVersion?: string;
  };
}
