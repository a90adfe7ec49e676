import type { ArtifactBase } from '../../types.js';

export interface OnnxExternalData {
  tensor: string;
  location: string;
  offset?: number;
  length?: number;
}

export interface OnnxInfo {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  /** Operator set imports: domain ('' is the default ONNX domain) → version. */
  opsets: Array<{ domain: string; version: number }>;
  /** Distinct (domain, op_type) pairs used by the graph and its functions/subgraphs. */
  operators: Array<{ domain: string; opType: string }>;
  externalData: OnnxExternalData[];
  /** Sum of initializer element counts, for the BOM. */
  parameterCount?: number;
}

export interface OnnxArtifact extends ArtifactBase {
  format: 'onnx';
  onnx: OnnxInfo;
}
