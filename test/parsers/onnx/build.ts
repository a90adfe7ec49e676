import protobuf from 'protobufjs';
import type { AnalyseContext } from '../../../src/engine/format-handler.js';
import { DEFAULT_ANALYSE_OPTIONS, analyseReader } from '../../../src/engine/analyse.js';
import type { ByteReader } from '../../../src/types.js';
import { countingReader as countBytes } from '../zip/helpers/zip-writer.js';
import { bufferReader } from '../../../src/sources/readers.js';

/** An encoder-side onnx.proto subset that, unlike the parser's, declares the payload fields. */
const root = protobuf.parse(
  `syntax = "proto2"; package t;
  message StringStringEntryProto { optional string key = 1; optional string value = 2; }
  message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
  message TensorProto { repeated int64 dims = 1; optional int32 data_type = 2; repeated float float_data = 4 [packed = true];
    optional string name = 8; optional bytes raw_data = 9; repeated StringStringEntryProto external_data = 13; optional int32 data_location = 14; optional string doc_string = 12; }
  message AttributeProto { optional string name = 1; optional int32 type = 20; optional bytes s = 4; optional TensorProto t = 5; optional GraphProto g = 6; repeated GraphProto graphs = 11; }
  message NodeProto { repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4; optional string domain = 7; repeated AttributeProto attribute = 5; optional string doc_string = 6; }
  message GraphProto { repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5; optional string doc_string = 10; }
  message FunctionProto { optional string name = 1; repeated NodeProto node = 7; optional string domain = 10; }
  message ModelProto { optional int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8; optional string producer_name = 2; optional string producer_version = 3;
    optional int64 model_version = 5; optional GraphProto graph = 7; repeated FunctionProto functions = 25; optional string doc_string = 6; }`,
  { keepCase: true },
).root;

export const Model = root.lookupType('t.ModelProto');
export const Graph = root.lookupType('t.GraphProto');
export const Node = root.lookupType('t.NodeProto');

export type Json = Record<string, unknown>;

export const encodeModel = (model: Json): Uint8Array => Model.encode(Model.fromObject(model)).finish();
export const encodeGraph = (graph: Json): Uint8Array => Graph.encode(Graph.fromObject(graph)).finish();

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A length-delimited field, by hand. */
export const lenField = (field: number, bytes: number[] | Uint8Array): Uint8Array => new Uint8Array([...varint(field * 8 + 2), ...varint(bytes.length), ...bytes]);

export const node = (op_type: string, domain = '', extra: Json = {}): Json => ({ op_type, domain, input: ['x'], output: ['y'], ...extra });

export function externalTensor(name: string, entries: Record<string, string> | Array<[string, string]>): Json {
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  return { name, dims: [2, 2], data_type: 1, data_location: 1, external_data: list.map(([key, value]) => ({ key, value })) };
}

export const model = (graph: Json, extra: Json = {}): Uint8Array =>
  encodeModel({ ir_version: 9, producer_name: 'test', opset_import: [{ domain: '', version: 17 }], graph: { name: 'g', ...graph }, ...extra });

/** A reader over bytes that counts what was read. */
export const countingReader = (bytes: Uint8Array): ByteReader & { bytesRead: number; reads: number } => countBytes(bufferReader(bytes));

export const analyse = (reader: ByteReader, name = 'model.onnx', file?: AnalyseContext['file']) =>
  analyseReader(reader, name, 0, DEFAULT_ANALYSE_OPTIONS, file ? { file } : {});
