import protobuf from 'protobufjs';

/** An encoder-side subset of TensorFlow's protos that, unlike the parser's, declares tensor_content. */
const root = protobuf.parse(
  `syntax = "proto3"; package t;
  message SavedModel { int64 saved_model_schema_version = 1; repeated MetaGraphDef meta_graphs = 2; }
  message MetaGraphDef {
    message MetaInfoDef { repeated string tags = 4; string tensorflow_version = 5; }
    MetaInfoDef meta_info_def = 1; GraphDef graph_def = 2; repeated AssetFileDef asset_file_def = 6; SavedObjectGraph object_graph_def = 7; }
  message TensorInfo { string name = 1; }
  message AssetFileDef { TensorInfo tensor_info = 1; string filename = 2; }
  message GraphDef { repeated NodeDef node = 1; FunctionDefLibrary library = 2; }
  message NodeDef { string name = 1; string op = 2; repeated string input = 3; map<string, AttrValue> attr = 5; }
  message FunctionDefLibrary { repeated FunctionDef function = 1; }
  message OpDef { message ArgDef { string name = 1; } string name = 1; repeated ArgDef input_arg = 2; }
  message FunctionDef { OpDef signature = 1; repeated NodeDef node_def = 3; }
  message AttrValue { message ListValue { repeated bytes s = 2; } oneof value { ListValue list = 1; bytes s = 2; int64 i = 3; TensorProto tensor = 8; } }
  message TensorProto { int32 dtype = 1; bytes tensor_content = 4; repeated bytes string_val = 8; }
  message SavedUserObject { string identifier = 1; string metadata = 3; }
  message SavedObject { SavedUserObject user_object = 4; }
  message SavedObjectGraph { repeated SavedObject nodes = 1; }
  message KerasObject { int32 node_id = 2; string node_path = 3; string identifier = 4; string metadata = 5; }
  message SavedMetadata { repeated KerasObject nodes = 1; }`,
  { keepCase: true },
).root;

const SavedModel = root.lookupType('t.SavedModel');
const SavedMetadata = root.lookupType('t.SavedMetadata');

export type Json = Record<string, unknown>;

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export const encodeSavedModel = (sm: Json): Uint8Array => SavedModel.encode(SavedModel.fromObject(sm)).finish();
export const encodeMetadata = (m: Json): Uint8Array => SavedMetadata.encode(SavedMetadata.fromObject(m)).finish();

export const stringConst = (name: string, ...values: string[]): Json => ({ name, op: 'Const', attr: { value: { tensor: { dtype: 7, string_val: values.map(bytes) } }, dtype: { i: 7 } } });
export const op = (name: string, opName: string, input: string[] = [], attr: Json = {}): Json => ({ name, op: opName, input, attr });
export const sAttr = (s: string): Json => ({ s: bytes(s) });
export const listAttr = (...s: string[]): Json => ({ list: { s: s.map(bytes) } });

export function fn(name: string, args: string[], nodes: Json[]): Json {
  return { signature: { name, input_arg: args.map((a) => ({ name: a })) }, node_def: nodes };
}

/** A SavedModel with one meta graph. */
export function savedModel(graph: { node?: Json[]; functions?: Json[] }, extra: Json = {}): Uint8Array {
  return encodeSavedModel({
    saved_model_schema_version: 1,
    meta_graphs: [{ meta_info_def: { tags: ['serve'], tensorflow_version: '2.21.0' }, graph_def: { node: graph.node ?? [], library: { function: graph.functions ?? [] } }, ...extra }],
  });
}
