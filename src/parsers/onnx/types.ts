import type { ArtifactBase } from '../../types.js';

export interface OnnxExternalData {
  tensor: string;
  location: string;
  offset?: number;
  length?: number;
  checksum?: string;
  /** Every external_data key, in file order (unknown ones included). */
  keys: string[];
}

export interface OnnxInfo {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  /** Operator set imports: domain ('' is the default ONNX domain) → version. */
  opsets: Array<{ domain: string; version: number }>;
  /** Distinct (domain, op_type) pairs used by the graph and its functions/subgraphs, with how many nodes use each. */
  operators: Array<{ domain: string; opType: string; count: number }>;
  /** Model-local functions (ModelProto.functions): a node naming one calls that function, not a kernel. */
  functions: Array<{ domain: string; name: string }>;
  externalData: OnnxExternalData[];
  /** Sum of initializer element counts, for the BOM. */
  parameterCount?: number;
  /** Graph nodes, subgraphs and function bodies included. */
  nodeCount: number;
  /** ModelProto.metadata_props, as written. */
  metadata: Array<{ key: string; value: string }>;
}

export interface OnnxArtifact extends ArtifactBase {
  format: 'onnx';
  onnx: OnnxInfo;
}
