import { protoTypes } from '../protobuf/schema.js';

/*
 * The parts of onnx/onnx.proto (onnx 1.23, IR version 13) that modelvet reads, with the official
 * field numbers. Tensor payload fields (raw_data, float_data, int32_data, string_data, int64_data,
 * double_data, uint64_data) are deliberately left out: protobufjs skips undeclared fields, so
 * weights are never copied into memory. Enums are read as int32 so unexpected values stay visible.
 */
const ONNX_PROTO = `
syntax = "proto2";
package onnx;

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional string name = 8;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
}

message SparseTensorProto {
  optional TensorProto values = 1;
  optional TensorProto indices = 2;
  repeated int64 dims = 3;
}

message AttributeProto {
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional int32 type = 20;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  optional SparseTensorProto sparse_tensor = 22;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  repeated SparseTensorProto sparse_tensors = 23;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  optional string overload = 8;
  repeated AttributeProto attribute = 5;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated SparseTensorProto sparse_initializer = 15;
}

message TrainingInfoProto {
  optional GraphProto initialization = 1;
  optional GraphProto algorithm = 2;
}

message FunctionProto {
  optional string name = 1;
  repeated AttributeProto attribute_proto = 11;
  repeated NodeProto node = 7;
  repeated OperatorSetIdProto opset_import = 9;
  optional string domain = 10;
  optional string overload = 13;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
  repeated TrainingInfoProto training_info = 20;
  repeated FunctionProto functions = 25;
}
`;

export const OnnxTypes = protoTypes(ONNX_PROTO, [
  'onnx.ModelProto',
  'onnx.GraphProto',
  'onnx.NodeProto',
  'onnx.AttributeProto',
  'onnx.TensorProto',
  'onnx.SparseTensorProto',
  'onnx.FunctionProto',
  'onnx.TrainingInfoProto',
] as const);

/** TensorProto.DataLocation.EXTERNAL: the tensor's bytes are in another file. */
export const DATA_LOCATION_EXTERNAL = 1;

/** The decoded shapes modelvet reads (field names as in onnx.proto; int64 fields may be Long). */
export interface StringEntry { key: string; value: string }
export interface OperatorSetId { domain: string; version: unknown }
export interface Tensor { dims: unknown[]; data_type: number; name: string; external_data: StringEntry[]; data_location: number }
export interface SparseTensor { values?: Tensor | null; indices?: Tensor | null; dims: unknown[] }
export interface Attribute {
  name: string;
  t?: Tensor | null;
  g?: Graph | null;
  sparse_tensor?: SparseTensor | null;
  tensors: Tensor[];
  graphs: Graph[];
  sparse_tensors: SparseTensor[];
}
export interface Node { input: string[]; output: string[]; name: string; op_type: string; domain: string; overload: string; attribute: Attribute[] }
export interface Graph { node: Node[]; name: string; initializer: Tensor[]; sparse_initializer: SparseTensor[] }
export interface TrainingInfo { initialization?: Graph | null; algorithm?: Graph | null }
export interface FunctionDef { name: string; node: Node[]; opset_import: OperatorSetId[]; domain: string; overload: string; attribute_proto: Attribute[] }
export interface Model {
  ir_version: unknown;
  opset_import: OperatorSetId[];
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: unknown;
  graph?: Graph | null;
  metadata_props: StringEntry[];
  training_info: TrainingInfo[];
  functions: FunctionDef[];
}
