import type { AnalyseOptions } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { decodeLazy, toNumber, type LazyLimits } from '../protobuf/lazy.js';
import { problemAnomalies } from '../protobuf/problems.js';
import { ONNX_CODES } from './codes.js';
import type { ExternalRef } from './external-data.js';
import { DATA_LOCATION_EXTERNAL, OnnxTypes, type Attribute, type Graph, type Model, type Node, type SparseTensor, type Tensor } from './schema.js';
import type { OnnxInfo } from './types.js';

/** Messages up to this size are decoded in one protobufjs call; bigger ones are walked over ranged reads. */
const INLINE_BYTES = 64 * 1024;
/** Tensors are mostly payload: past this size they are walked, and their data stepped over unread. */
const TENSOR_INLINE_BYTES = 1024;
/** Strings and bytes kept per field (names, attribute strings); longer ones (doc strings, blobs) are skipped. */
const PAYLOAD_BYTES = 64 * 1024;

export function onnxLimits(options: AnalyseOptions): LazyLimits {
  // The graph without its tensors is the model's "document": it gets the document budget.
  return {
    inlineBytes: INLINE_BYTES,
    inlineBytesFor: (type) => (type === OnnxTypes['onnx.TensorProto'] ? TENSOR_INLINE_BYTES : undefined),
    payloadBytes: PAYLOAD_BYTES,
    budgetBytes: options.maxJsonBytes,
  };
}

export interface OnnxModelScan {
  info: Omit<OnnxInfo, 'externalData'>;
  external: ExternalRef[];
  anomalies: Anomaly[];
  /** Whether the bytes decoded to a ModelProto with a graph. */
  hasGraph: boolean;
}

const num = (v: unknown): number | undefined => {
  const n = toNumber(v);
  return Number.isFinite(n) ? n : undefined;
};

class Walker {
  readonly operators = new Map<string, { domain: string; opType: string; count: number }>();
  readonly external: ExternalRef[] = [];
  nodeCount = 0;
  parameters = 0;
  parametersKnown = true;

  tensor(t: Tensor | null | undefined, initializer: boolean): void {
    if (!t) return;
    if (t.data_location === DATA_LOCATION_EXTERNAL) {
      this.external.push({ tensor: t.name ?? '', entries: (t.external_data ?? []).map((e) => ({ key: e.key ?? '', value: e.value ?? '' })) });
    }
    if (!initializer) return;
    let count = 1;
    for (const d of t.dims ?? []) {
      const n = num(d);
      if (n === undefined || n < 0) {
        this.parametersKnown = false;
        return;
      }
      count *= n;
    }
    this.parameters += count;
    // Hostile dims can claim more elements than a number holds exactly: then the count is unknown.
    if (!Number.isSafeInteger(this.parameters)) this.parametersKnown = false;
  }

  sparse(s: SparseTensor | null | undefined, initializer: boolean): void {
    if (!s) return;
    this.tensor(s.values, initializer);
    this.tensor(s.indices, false);
  }

  attribute(a: Attribute, depth: number): void {
    this.tensor(a.t, false);
    for (const t of a.tensors ?? []) this.tensor(t, false);
    this.sparse(a.sparse_tensor, false);
    for (const s of a.sparse_tensors ?? []) this.sparse(s, false);
    if (a.g) this.graph(a.g, depth + 1);
    for (const g of a.graphs ?? []) this.graph(g, depth + 1);
  }

  node(n: Node, depth: number): void {
    this.nodeCount++;
    const domain = n.domain ?? '';
    const opType = n.op_type ?? '';
    const key = `${domain}\u0000${opType}`;
    const entry = this.operators.get(key);
    if (entry) entry.count++;
    else this.operators.set(key, { domain, opType, count: 1 });
    for (const a of n.attribute ?? []) this.attribute(a, depth);
  }

  graph(g: Graph, depth: number): void {
    // The decoder already refuses nesting past protobuf's limit; this only keeps the walk's own stack bounded.
    if (depth > 100) return;
    for (const t of g.initializer ?? []) this.tensor(t, true);
    for (const s of g.sparse_initializer ?? []) this.sparse(s, true);
    for (const n of g.node ?? []) this.node(n, depth);
  }
}

/** Decodes a ModelProto over the reader (tensor payloads skipped) and collects what the rules and the BOM read. */
export async function scanOnnxModel(reader: ByteReader, options: AnalyseOptions): Promise<OnnxModelScan> {
  const { message, problems } = await decodeLazy(OnnxTypes['onnx.ModelProto'], reader, onnxLimits(options));
  const model = message as unknown as Model;
  const anomalies = problemAnomalies(problems, { truncated: ONNX_CODES.truncated, malformed: ONNX_CODES.malformed, depth: ONNX_CODES.depthLimit, budget: ONNX_CODES.sizeLimit }, 'onnx.load');
  const walker = new Walker();
  if (model.graph) walker.graph(model.graph, 0);
  for (const ti of model.training_info ?? []) {
    if (ti.initialization) walker.graph(ti.initialization, 0);
    if (ti.algorithm) walker.graph(ti.algorithm, 0);
  }
  for (const f of model.functions ?? []) {
    for (const n of f.node ?? []) walker.node(n, 0);
    for (const a of f.attribute_proto ?? []) walker.attribute(a, 0);
  }
  const hasGraph = Boolean(model.graph);
  if (!hasGraph && problems.length === 0) {
    anomalies.push(anomaly(ONNX_CODES.noGraph, 'the file decodes as protobuf but holds no ONNX graph, so onnx.load gives no runnable model and the file is not what its name says'));
  }
  const irVersion = num(model.ir_version);
  const modelVersion = num(model.model_version);
  // IR version 3 introduced opset_import; onnx.checker and onnxruntime refuse a newer model without one.
  if (hasGraph && problems.length === 0 && (irVersion ?? 0) >= 3 && (model.opset_import ?? []).length === 0) {
    anomalies.push(anomaly(ONNX_CODES.noOpset, `the model (IR version ${irVersion}) imports no operator set, so onnx.checker and onnxruntime refuse to load it`));
  }
  const info: OnnxModelScan['info'] = {
    ...(irVersion !== undefined && irVersion !== 0 ? { irVersion } : {}),
    ...(model.producer_name ? { producerName: model.producer_name } : {}),
    ...(model.producer_version ? { producerVersion: model.producer_version } : {}),
    ...(model.domain ? { domain: model.domain } : {}),
    ...(modelVersion !== undefined && modelVersion !== 0 ? { modelVersion } : {}),
    opsets: (model.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: num(o.version) ?? 0 })),
    operators: [...walker.operators.values()],
    functions: (model.functions ?? []).map((f) => ({ domain: f.domain ?? '', name: f.name ?? '' })),
    ...(walker.parametersKnown ? { parameterCount: walker.parameters } : {}),
    nodeCount: walker.nodeCount,
    metadata: (model.metadata_props ?? []).map((e) => ({ key: e.key ?? '', value: e.value ?? '' })),
  };
  return { info, external: walker.external, anomalies, hasGraph };
}
