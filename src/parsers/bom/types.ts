import type { ArtifactBase, Location, ModelRef } from '../../types.js';

/** What a component is to an AI supply chain, whatever the spec calls it. */
export type BomComponentKind = 'model' | 'file' | 'data' | 'library' | 'other';

/** One hash a BOM records, algorithm by its CycloneDX name whatever the spec wrote. */
export interface BomHash {
  /** `SHA-256`, `SHA-1`, `MD5`, `SHA-512`, `BLAKE3`…; an algorithm modelvet does not know stays as written. */
  algorithm: string;
  /** Lowercased when it is hex. */
  value: string;
  /** Hex of the length the algorithm gives (any hex for an unknown algorithm): a hash a checker could compare. */
  wellFormed: boolean;
}

/** The Hugging Face repository a component names (its `pkg:huggingface` purl or a huggingface.co download location). */
export interface BomHubName {
  repo: string;
  repoType: ModelRef['repoType'];
  /** The purl version or the URL's revision, as written; absent when it names none. */
  revision?: string;
  /** Where in the document the name is, as a JSON pointer. */
  pointer: string;
  location?: Location;
}

export interface BomComponent {
  /** Where the component is in the document, as a JSON pointer (`/metadata/component/components/0`, `/@graph/7`, `/packages/1`). */
  pointer: string;
  kind: BomComponentKind;
  /** The type as the document writes it (`machine-learning-model`, `ai_AIPackage`, `software_File`, an SPDX 2 file or package). */
  type: string;
  /** `bom-ref`, `spdxId` or `SPDXID`. */
  id?: string;
  name?: string;
  /** CycloneDX `group`. */
  group?: string;
  /** CycloneDX `version`, SPDX `software_packageVersion` / `versionInfo` (`NOASSERTION` and empty values are absent). */
  version?: string;
  purl?: string;
  hub?: BomHubName;
  supplier?: { name?: string; urls: string[] };
  hashes: BomHash[];
  /**
   * The file's path relative to the BOM's folder when the document says it: CycloneDX `modelvet:path`
   * property, SPDX 3 `software_File` name, SPDX 2 `fileName` / `packageFileName` (a leading `./` dropped).
   */
  path?: string;
  /** Indices into `components` of what it consists of: nested CycloneDX components, SPDX `contains` / `hasFiles`. */
  parts: number[];
  /** The BOM's subject: CycloneDX `metadata.component`, an SPDX root or described element. */
  subject: boolean;
  /**
   * Named only as an ancestor of another model (CycloneDX `pedigree.ancestors`, SPDX 3 `ancestorOf` /
   * `descendantOf`, SPDX 2 ANCESTOR_OF / DESCENDANT_OF): lineage the BOM records, not something it describes.
   */
  lineage?: true;
  /** Line and column of the component's name (else type) in the document. */
  location?: Location;
}

/** A bill of materials found by `scan` (CycloneDX JSON, SPDX 3 JSON-LD, SPDX 2.2/2.3 JSON). */
export interface BomArtifact extends ArtifactBase {
  format: 'ai-bom';
  bom: {
    spec: 'cyclonedx' | 'spdx';
    /** `1.6`, `1.7`, `3.0.1`, `2.3`… as the document says. */
    specVersion?: string;
    /** Every component read, in document order (nested ones after their parent); empty when the document could not be read. */
    components: BomComponent[];
  };
}
