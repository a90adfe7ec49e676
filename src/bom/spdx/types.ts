/**
 * The part of SPDX 3.0.1 JSON-LD (Core, Software, AI, Dataset, SimpleLicensing, Extension) modelvet
 * writes. Property names are the JSON-LD context's compact terms (`ai_hyperparameter`, `software_*`).
 */

export const SPDX_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld';

/** SPDX's own individuals, referenced by their compact names (the context maps them). */
export const NO_ASSERTION_ELEMENT = 'NoAssertionElement';
export const NO_ASSERTION_LICENSE = 'expandedlicensing_NoAssertionLicense';
/**
 * The JSON schema takes an Agent (suppliedBy, originatedBy) only as an object or an IRI, not by a
 * compact individual name: there the NoAssertionElement is written as its full IRI.
 */
export const NO_ASSERTION_ELEMENT_IRI = 'https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement';
/**
 * SPDX 3 has no "no assertion" value for a literal; where an Artifact's required download location
 * or version has no source, the SPDX 2 literal says so instead of a made-up value.
 */
export const NOASSERTION = 'NOASSERTION';

export interface SpdxDocumentJson {
  '@context': typeof SPDX_CONTEXT;
  '@graph': SpdxNode[];
}

export type SpdxNode =
  | SpdxCreationInfo
  | SpdxDocumentElement
  | SpdxAgent
  | SpdxTool
  | SpdxAiPackage
  | SpdxDatasetPackage
  | SpdxPackage
  | SpdxFile
  | SpdxSnippet
  | SpdxLicenseExpression
  | SpdxRelationship
  | SpdxAnnotation;

export interface SpdxCreationInfo {
  type: 'CreationInfo';
  '@id': string;
  specVersion: '3.0.1';
  created: string;
  createdBy: string[];
  createdUsing?: string[];
  comment?: string;
}

interface ElementBase {
  spdxId: string;
  creationInfo: string;
  name?: string;
  comment?: string;
  description?: string;
  extension?: SpdxCdxExtension[];
  externalRef?: SpdxExternalRef[];
  verifiedUsing?: SpdxHash[];
}

export interface SpdxDocumentElement extends ElementBase {
  type: 'SpdxDocument';
  profileConformance: string[];
  rootElement: string[];
  element: string[];
}

export interface SpdxAgent extends ElementBase {
  type: 'Organization' | 'SoftwareAgent';
}

export interface SpdxTool extends ElementBase {
  type: 'Tool';
}

interface PackageBase extends ElementBase {
  software_primaryPurpose?: SpdxPurpose;
  software_downloadLocation?: string;
  software_packageVersion?: string;
  software_packageUrl?: string;
  software_homePage?: string;
  suppliedBy?: string;
  originatedBy?: string[];
  releaseTime?: string;
  builtTime?: string;
}

export interface SpdxAiPackage extends PackageBase {
  type: 'ai_AIPackage';
  ai_typeOfModel?: string[];
  ai_informationAboutApplication?: string;
  ai_hyperparameter?: SpdxDictionaryEntry[];
  ai_metric?: SpdxDictionaryEntry[];
}

export interface SpdxDatasetPackage extends PackageBase {
  type: 'dataset_DatasetPackage';
  dataset_datasetType: string[];
}

export interface SpdxPackage extends PackageBase {
  type: 'software_Package';
}

export interface SpdxFile extends ElementBase {
  type: 'software_File';
  software_primaryPurpose?: SpdxPurpose;
}

export interface SpdxSnippet extends ElementBase {
  type: 'software_Snippet';
  software_snippetFromFile: string;
  software_primaryPurpose?: SpdxPurpose;
}

export interface SpdxLicenseExpression extends ElementBase {
  type: 'simplelicensing_LicenseExpression';
  simplelicensing_licenseExpression: string;
  simplelicensing_customIdToUri?: SpdxDictionaryEntry[];
}

export type SpdxRelationshipType =
  | 'contains'
  | 'dependsOn'
  | 'descendantOf'
  | 'hasDataFile'
  | 'hasConcludedLicense'
  | 'hasDeclaredLicense'
  | 'testedOn'
  | 'trainedOn';

export interface SpdxRelationship extends ElementBase {
  type: 'Relationship';
  from: string;
  relationshipType: SpdxRelationshipType;
  to: string[];
}

export interface SpdxAnnotation extends ElementBase {
  type: 'Annotation';
  annotationType: 'review' | 'other';
  subject: string;
  statement: string;
}

export type SpdxPurpose = 'model' | 'data' | 'configuration' | 'source' | 'documentation' | 'framework' | 'other';

export interface SpdxDictionaryEntry {
  type: 'DictionaryEntry';
  key: string;
  value: string;
}

export interface SpdxHash {
  type: 'Hash';
  algorithm: 'sha256';
  hashValue: string;
  comment?: string;
}

export interface SpdxExternalRef {
  type: 'ExternalRef';
  externalRefType: 'vcs' | 'documentation' | 'license' | 'altDownloadLocation' | 'other';
  locator: string[];
  comment?: string;
}

export interface SpdxCdxExtension {
  type: 'extension_CdxPropertiesExtension';
  extension_cdxProperty: Array<{ type: 'extension_CdxPropertyEntry'; extension_cdxPropName: string; extension_cdxPropValue: string }>;
}
