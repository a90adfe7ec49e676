import { protoTypes } from '../protobuf/schema.js';

/*
 * The parts of TensorFlow's SavedModel protos that modelvet reads, with the official field
 * numbers (tensorflow/core/protobuf/saved_model.proto, meta_graph.proto, saved_object_graph.proto;
 * tensorflow/core/framework/graph.proto, node_def.proto, function.proto, op_def.proto,
 * attr_value.proto, tensor.proto; checked against the descriptors of tensorflow 2.21), and
 * tf.keras's saved_metadata.proto (tensorflow/python/keras/protobuf). Tensor payloads
 * (tensor_content, float_val, …) are left out so protobufjs skips them; DataType enums are
 * read as int32 (same wire encoding).
 */
const TF_PROTO = `
syntax = "proto3";
package tensorflow;

message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}

message MetaGraphDef {
  message MetaInfoDef {
    string meta_graph_version = 1;
    repeated string tags = 4;
    string tensorflow_version = 5;
    string tensorflow_git_version = 6;
  }
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  repeated AssetFileDef asset_file_def = 6;
  SavedObjectGraph object_graph_def = 7;
}

message TensorInfo {
  string name = 1;
}

message AssetFileDef {
  TensorInfo tensor_info = 1;
  string filename = 2;
}

message GraphDef {
  repeated NodeDef node = 1;
  FunctionDefLibrary library = 2;
  int32 version = 3;
  VersionDef versions = 4;
}

message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
}

message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}

message FunctionDefLibrary {
  repeated FunctionDef function = 1;
}

message OpDef {
  message ArgDef {
    string name = 1;
  }
  string name = 1;
  repeated ArgDef input_arg = 2;
}

message FunctionDef {
  OpDef signature = 1;
  map<string, AttrValue> attr = 5;
  repeated NodeDef node_def = 3;
}

message NameAttrList {
  string name = 1;
  map<string, AttrValue> attr = 2;
}

message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3;
    repeated TensorProto tensor = 8;
    repeated NameAttrList func = 9;
  }
  oneof value {
    ListValue list = 1;
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    int32 type = 6;
    TensorProto tensor = 8;
    string placeholder = 9;
    NameAttrList func = 10;
  }
}

message TensorProto {
  int32 dtype = 1;
  repeated bytes string_val = 8;
}

message SavedUserObject {
  string identifier = 1;
  string metadata = 3;
}

message SavedObject {
  SavedUserObject user_object = 4;
}

message SavedObjectGraph {
  repeated SavedObject nodes = 1;
}
`;

const KERAS_METADATA_PROTO = `
syntax = "proto3";
package keras_saved_metadata;

message SavedObject {
  int32 node_id = 2;
  string node_path = 3;
  string identifier = 4;
  string metadata = 5;
}

message SavedMetadata {
  repeated SavedObject nodes = 1;
}
`;

export const TfTypes = protoTypes(TF_PROTO, ['tensorflow.SavedModel', 'tensorflow.SavedUserObject', 'tensorflow.TensorProto'] as const);
export const KerasMetadataTypes = protoTypes(KERAS_METADATA_PROTO, ['keras_saved_metadata.SavedMetadata', 'keras_saved_metadata.SavedObject'] as const);

/** DataType DT_STRING (tensorflow/core/framework/types.proto). */
export const DT_STRING = 7;

/** The decoded shapes modelvet reads (field names as in the .proto files; int64 fields may be Long). */
export interface TensorValue { dtype: number; string_val: Uint8Array[] }
export interface AttrList { s: Uint8Array[]; tensor: TensorValue[] }
export interface AttrValue { list?: AttrList | null; s?: Uint8Array; tensor?: TensorValue | null }
export interface NodeDef { name: string; op: string; input: string[]; attr: Record<string, AttrValue> }
export interface FunctionDef { signature?: { name: string; input_arg: Array<{ name: string }> } | null; node_def: NodeDef[] }
export interface GraphDef { node: NodeDef[]; library?: { function: FunctionDef[] } | null }
export interface MetaGraphDef {
  meta_info_def?: { tags: string[]; tensorflow_version: string; tensorflow_git_version: string } | null;
  graph_def?: GraphDef | null;
  asset_file_def: Array<{ filename: string; tensor_info?: { name: string } | null }>;
  object_graph_def?: { nodes: Array<{ user_object?: { identifier: string; metadata: string } | null }> } | null;
}
export interface SavedModel { saved_model_schema_version: unknown; meta_graphs: MetaGraphDef[] }
export interface SavedMetadata { nodes: Array<{ node_id: number; node_path: string; identifier: string; metadata: string }> }
