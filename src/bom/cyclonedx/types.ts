/**
 * The part of CycloneDX 1.6/1.7 JSON modelvet writes, as plain types. `@cyclonedx/cyclonedx-library`'s
 * models are not used: they have no `modelCard`, `data` or `pedigree`, and its serializer drops a
 * model card set by hand (see reference/aibom.md).
 */

export type CdxSpecVersion = '1.6' | '1.7';

export interface CdxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: CdxSpecVersion;
  version: 1;
  metadata: CdxMetadata;
  components?: CdxComponent[];
  dependencies?: CdxDependency[];
  vulnerabilities?: CdxVulnerability[];
  /** 1.7 only: who supplied which field. */
  citations?: CdxCitation[];
}

export interface CdxMetadata {
  timestamp?: string;
  tools: { components: CdxComponent[] };
  component: CdxComponent;
  properties?: CdxProperty[];
}

export type CdxComponentType = 'application' | 'framework' | 'file' | 'machine-learning-model' | 'data';

export interface CdxComponent {
  type: CdxComponentType;
  name: string;
  'bom-ref'?: string;
  group?: string;
  version?: string;
  description?: string;
  supplier?: { name: string; url?: string[] };
  purl?: string;
  hashes?: CdxHash[];
  licenses?: CdxLicenseChoice[];
  externalReferences?: CdxExternalReference[];
  pedigree?: { ancestors?: CdxComponent[]; notes?: string };
  modelCard?: CdxModelCard;
  data?: CdxComponentData[];
  components?: CdxComponent[];
  properties?: CdxProperty[];
  tags?: string[];
}

export interface CdxHash {
  alg: 'SHA-256';
  content: string;
}

export type CdxLicenseChoice =
  | { license: { id: string; acknowledgement?: 'declared' | 'concluded' } }
  | { license: { name: string; url?: string; acknowledgement?: 'declared' | 'concluded' } }
  | { expression: string; acknowledgement?: 'declared' | 'concluded' };

export type CdxExternalReferenceType = 'distribution' | 'vcs' | 'model-card' | 'license' | 'documentation' | 'citation' | 'website';

export interface CdxExternalReference {
  type: CdxExternalReferenceType;
  url: string;
  comment?: string;
}

export interface CdxProperty {
  name: string;
  value?: string;
}

export interface CdxModelCard {
  modelParameters?: {
    task?: string;
    architectureFamily?: string;
    modelArchitecture?: string;
    datasets?: Array<{ ref: string }>;
  };
  quantitativeAnalysis?: { performanceMetrics: CdxPerformanceMetric[] };
  properties?: CdxProperty[];
}

export interface CdxPerformanceMetric {
  type: string;
  value: string;
  slice?: string;
}

export interface CdxComponentData {
  type: 'dataset' | 'configuration';
  name?: string;
  contents?: { url: string };
}

export interface CdxDependency {
  ref: string;
  dependsOn?: string[];
}

export type CdxSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface CdxVulnerability {
  'bom-ref': string;
  id: string;
  source: { name: 'modelvet' };
  ratings: Array<{ source: { name: 'modelvet' }; severity: CdxSeverity; method: 'other' }>;
  description: string;
  affects: Array<{ ref: string }>;
  properties?: CdxProperty[];
}

export interface CdxCitation {
  pointers: string[];
  timestamp: string;
  attributedTo: string;
  note?: string;
}
