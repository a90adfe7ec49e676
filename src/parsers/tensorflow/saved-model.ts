import type { AnalyseOptions } from '../../engine/format-handler.js';
import type { Anomaly, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { decodeLazy, toNumber, type LazyLimits } from '../protobuf/lazy.js';
import { problemAnomalies } from '../protobuf/problems.js';
import { TF_CODES } from './codes.js';
import { leavesModel } from './paths.js';
import { DT_STRING, TfTypes, type AttrValue, type NodeDef, type SavedModel } from './schema.js';
import type { SavedModelInfo, SavedModelOpUse, TfInput } from './types.js';

/** Messages up to this size are decoded in one protobufjs call; bigger ones are walked over ranged reads. */
const INLINE_BYTES = 64 * 1024;
/** Tensors are mostly payload: past this size they are walked, and their data stepped over unread. */
const TENSOR_INLINE_BYTES = 1024;
/** Strings kept per field; a bigger constant or attribute is recorded as skipped. */
const PAYLOAD_BYTES = 64 * 1024;

/** Per op, how many ordinary nodes are kept as samples, and how many naming a path outside the model. */
const SAMPLES_PER_OP = 3;
const NOTABLE_PER_OP = 20;
/** Per sample: strings per attribute/constant, characters per string, inputs listed. */
const VALUES_KEPT = 8;
const CHARS_KEPT = 512;
const INPUTS_KEPT = 16;
/** Identity hops followed from an input back to its constant. */
const IDENTITY_HOPS = 4;

export const tfLimits = (options: AnalyseOptions, fieldCap?: LazyLimits['fieldCap']): LazyLimits => ({
  inlineBytes: INLINE_BYTES,
  inlineBytesFor: (type) => (type === TfTypes['tensorflow.TensorProto'] ? TENSOR_INLINE_BYTES : undefined),
  payloadBytes: PAYLOAD_BYTES,
  // The graph without its tensors is the model's "document": it gets the document budget.
  budgetBytes: options.maxJsonBytes,
  ...(fieldCap ? { fieldCap } : {}),
});

export const TF_PROBLEM_CODES = { truncated: TF_CODES.truncated, malformed: TF_CODES.malformed, depth: TF_CODES.depthLimit, budget: TF_CODES.sizeLimit };

const utf8 = new TextDecoder('utf-8', { fatal: false });
const text = (b: Uint8Array | string): string => {
  const s = typeof b === 'string' ? b : utf8.decode(b);
  return s.length > CHARS_KEPT ? `${s.slice(0, CHARS_KEPT)}…` : s;
};

/** Attributes whose strings are internal bookkeeping (or a serialised ConfigProto), never a path or stream. */
const isInternalAttr = (name: string): boolean => name.startsWith('_') || name === 'config_proto';

function attrStrings(attr: Record<string, AttrValue> | undefined): Array<{ name: string; values: string[] }> {
  const out: Array<{ name: string; values: string[] }> = [];
  for (const name of Object.keys(attr ?? {})) {
    if (isInternalAttr(name)) continue;
    const v = attr![name];
    const values: string[] = [];
    if (v.s instanceof Uint8Array && v.s.length > 0) values.push(text(v.s));
    for (const s of v.list?.s ?? []) if (values.length < VALUES_KEPT) values.push(text(s));
    if (values.length > 0) out.push({ name, values });
  }
  return out;
}

function constStrings(node: NodeDef): string[] | undefined {
  const t = node.attr?.value?.tensor;
  if (!t || t.dtype !== DT_STRING) return undefined;
  return (t.string_val ?? []).slice(0, VALUES_KEPT).map(text);
}

/** `^ctrl` is a control edge; `name:out:0` (function bodies) and `name:0` (graphs) name the producing node. */
function producerOf(input: string): string | undefined {
  if (input.startsWith('^')) return undefined;
  const colon = input.indexOf(':');
  return colon < 0 ? input : input.slice(0, colon);
}

/** One graph or function body: the nodes by name, so inputs can be traced to their constants. */
class Scope {
  private readonly byName = new Map<string, NodeDef>();

  constructor(
    readonly name: string,
    nodes: readonly NodeDef[],
    private readonly args: ReadonlySet<string>,
    /** TF1 asset tensors of this graph: node name → file in assets/. */
    private readonly assets: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const n of nodes) this.byName.set(n.name ?? '', n);
  }

  input(ref: string): TfInput | undefined {
    let name = producerOf(ref);
    if (name === undefined) return undefined;
    for (let hop = 0; hop <= IDENTITY_HOPS; hop++) {
      if (this.args.has(name)) return { kind: 'arg', name };
      // The loader replaces an asset tensor's exported value with the path of the file in assets/.
      const asset = this.assets.get(name);
      if (asset !== undefined) return { kind: 'asset', file: text(asset) };
      const node = this.byName.get(name);
      if (!node) return { kind: 'unknown' };
      if (node.op === 'Const') {
        const values = constStrings(node);
        return values ? { kind: 'const', values } : { kind: 'node', op: 'Const' };
      }
      const next = node.op === 'Identity' && node.input?.[0] !== undefined ? producerOf(node.input[0]) : undefined;
      if (next === undefined) return { kind: 'node', op: node.op ?? '' };
      name = next;
    }
    return { kind: 'unknown' };
  }
}

class OpCollector {
  readonly counts = new Map<string, number>();
  readonly uses = new Map<string, { plain: number; notable: number; list: SavedModelOpUse[] }>();
  functionCalls = 0;

  constructor(private readonly functions: ReadonlySet<string>) {}

  visit(scope: Scope, node: NodeDef): void {
    const op = node.op ?? '';
    if (this.functions.has(op)) {
      this.functionCalls++;
      return;
    }
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const entry = this.uses.get(op) ?? { plain: 0, notable: 0, list: [] };
    this.uses.set(op, entry);
    if (entry.plain >= SAMPLES_PER_OP && entry.notable >= NOTABLE_PER_OP) return;
    const attrs = attrStrings(node.attr);
    const inputs: TfInput[] = [];
    for (const ref of node.input ?? []) {
      if (inputs.length >= INPUTS_KEPT) break;
      const input = scope.input(ref);
      if (input) inputs.push(input);
    }
    const strings = [...attrs.flatMap((a) => a.values), ...inputs.flatMap((i) => (i.kind === 'const' ? i.values : []))];
    const notable = strings.some(leavesModel);
    if (notable ? entry.notable >= NOTABLE_PER_OP : entry.plain >= SAMPLES_PER_OP) return;
    if (notable) entry.notable++;
    else entry.plain++;
    entry.list.push({ scope: scope.name, node: text(node.name ?? ''), attrs, inputs });
  }
}

export interface SavedModelScan {
  info: Omit<SavedModelInfo, 'kerasObjects'>;
  /** SavedUserObject.metadata JSON of older tf.keras saves, with where it was found. */
  kerasMetadata: Array<{ at: string; json: string }>;
  anomalies: Anomaly[];
}

/** Decodes saved_model.pb (tensor payloads skipped) and collects ops, their strings, assets and versions. */
export async function scanSavedModel(reader: ByteReader, options: AnalyseOptions): Promise<SavedModelScan> {
  const metadataCap: LazyLimits['fieldCap'] = (type, field) => (type === TfTypes['tensorflow.SavedUserObject'] && field.name === 'metadata' ? options.maxJsonBytes : undefined);
  const { message, problems } = await decodeLazy(TfTypes['tensorflow.SavedModel'], reader, tfLimits(options, metadataCap));
  const sm = message as unknown as SavedModel;
  const anomalies = problemAnomalies(problems, TF_PROBLEM_CODES, 'tf.saved_model.load');
  const metaGraphs = sm.meta_graphs ?? [];
  if (metaGraphs.length === 0 && problems.length === 0) {
    anomalies.push(anomaly(TF_CODES.noMetaGraph, 'the SavedModel holds no meta graph, so tf.saved_model.load fails on it and the file is not what its name says'));
  }
  const functionNames = new Set<string>();
  for (const mg of metaGraphs) for (const f of mg.graph_def?.library?.function ?? []) functionNames.add(f.signature?.name ?? '');
  const collector = new OpCollector(functionNames);
  const kerasMetadata: SavedModelScan['kerasMetadata'] = [];
  let functionCount = 0;
  metaGraphs.forEach((mg, i) => {
    const graph = mg.graph_def;
    const assets = new Map((mg.asset_file_def ?? []).map((a) => [producerOf(a.tensor_info?.name ?? '') ?? '', a.filename ?? ''] as const));
    const graphScope = new Scope(`meta graph ${i}`, graph?.node ?? [], new Set(), assets);
    for (const n of graph?.node ?? []) collector.visit(graphScope, n);
    for (const f of graph?.library?.function ?? []) {
      functionCount++;
      const args = new Set((f.signature?.input_arg ?? []).map((a) => a.name ?? ''));
      const scope = new Scope(`function ${text(f.signature?.name ?? '')}`, f.node_def ?? [], args);
      for (const n of f.node_def ?? []) collector.visit(scope, n);
    }
    (mg.object_graph_def?.nodes ?? []).forEach((node, j) => {
      const meta = node.user_object?.metadata;
      if (meta) kerasMetadata.push({ at: `meta graph ${i} object ${j} (${node.user_object?.identifier ?? ''})`, json: meta });
    });
  });
  const schemaVersion = toNumber(sm.saved_model_schema_version);
  const version = metaGraphs.map((mg) => mg.meta_info_def?.tensorflow_version).find((v) => v);
  const info: SavedModelScan['info'] = {
    kind: 'saved-model',
    ...(Number.isFinite(schemaVersion) && schemaVersion !== 0 ? { schemaVersion } : {}),
    metaGraphCount: metaGraphs.length,
    ...(version ? { tensorflowVersion: version } : {}),
    tags: metaGraphs.map((mg) => [...(mg.meta_info_def?.tags ?? [])]),
    ops: [...collector.counts].map(([op, count]) => ({ op, count })),
    functionCount,
    functionCalls: collector.functionCalls,
    assetFiles: metaGraphs.flatMap((mg) => (mg.asset_file_def ?? []).map((a) => a.filename ?? '')),
    opUses: [...collector.uses].filter(([, u]) => u.list.length > 0).map(([op, u]) => ({ op, uses: u.list })),
  };
  return { info, kerasMetadata, anomalies };
}
