import type { AnalyseContext } from '../../engine/format-handler.js';
import type { ByteReader } from '../../types.js';
import { GGUF_MALFORMED, isLimitCode, isMalformedCode } from './codes.js';
import { GGML_TYPES } from './ggml-types.js';
import { isTemplateKey, readHeader, TEMPLATE_LIST_KEY, type GgufHeader } from './header.js';
import { checkHubView } from './hub-view.js';
import { checkLayout, dataSectionOffset, parameterCount } from './layout.js';
import { ggufLimits } from './limits.js';
import { AnomalySink } from './sink.js';
import { templateChildren } from './template-children.js';
import type { GgufArtifact, GgufInfo } from './types.js';

/** Metadata entries recorded for the BOM, at most. */
const MAX_METADATA = 256;
const TOKENIZER_KEYS = new Set(['tokenizer.ggml.model', 'tokenizer.ggml.pre']);

const toNumber = (n: bigint): number => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : Number.MAX_SAFE_INTEGER);

/** general.*, the architecture's hyperparameters (`llama.context_length`) and the tokenizer kind: scalars only. */
function bomMetadata(h: GgufHeader, architecture: string | undefined): GgufInfo['metadata'] {
  const entries: Array<[string, string | number | boolean | bigint]> = [];
  for (const kv of h.kvs) {
    if (entries.length >= MAX_METADATA) break;
    if (kv.value === undefined || isTemplateKey(kv.key)) continue;
    const wanted = kv.key.startsWith('general.') || (architecture !== undefined && kv.key.startsWith(`${architecture}.`)) || TOKENIZER_KEYS.has(kv.key);
    if (!wanted) continue;
    const v = kv.value;
    entries.push([kv.key, typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v]);
  }
  // fromEntries defines own properties, so no key can reach a prototype.
  return Object.fromEntries(entries);
}

function info(h: GgufHeader): GgufInfo {
  const arch = h.kvs.find((kv) => kv.key === 'general.architecture')?.value;
  const architecture = typeof arch === 'string' ? arch : undefined;
  const tensorTypes = new Map<string, number>();
  for (const t of h.tensors) {
    const name = GGML_TYPES.get(t.type)?.name ?? `type ${t.type}`;
    tensorTypes.set(name, (tensorTypes.get(name) ?? 0) + 1);
  }
  const params = parameterCount(h);
  const dataOffset = dataSectionOffset(h);
  return {
    version: h.version,
    tensorCount: toNumber(h.tensorCount),
    kvCount: toNumber(h.kvCount),
    ...(architecture !== undefined ? { architecture } : {}),
    ...(params !== undefined ? { parameterCount: params } : {}),
    metadata: bomMetadata(h, architecture),
    hasChatTemplate: h.kvs.some((kv) => isTemplateKey(kv.key) || kv.key === TEMPLATE_LIST_KEY),
    littleEndian: h.littleEndian,
    alignment: h.alignment,
    ...(dataOffset !== undefined ? { dataOffset } : {}),
    tensorTypes: Object.fromEntries(tensorTypes),
  };
}

/**
 * Reads a GGUF file's header (never its tensor data) as llama.cpp would, checks where it puts the
 * tensors, cross-reads it with @huggingface/gguf, and hands each chat template to the template
 * family as a child artifact. Never throws: whatever goes wrong is an anomaly.
 */
export async function analyseGguf(reader: ByteReader, ctx: Pick<AnalyseContext, 'path' | 'options'>): Promise<GgufArtifact> {
  const sink = new AnomalySink();
  let header: GgufHeader = { version: 0, littleEndian: true, tensorCount: 0n, kvCount: 0n, kvs: [], tensors: [], alignment: 32 };
  let children: GgufArtifact['children'] = [];
  try {
    header = await readHeader(reader, ggufLimits(ctx.options), sink);
    checkLayout(header, reader.size, sink);
    if (!sink.has((code) => isMalformedCode(code) || isLimitCode(code))) await checkHubView(reader, header, sink);
    children = templateChildren(header.kvs, ctx.path, sink);
  } catch (err) {
    sink.add(GGUF_MALFORMED.readError, `the GGUF file could not be analysed (${(err as Error).message})`);
  }
  return { path: ctx.path, format: 'gguf', size: reader.size, anomalies: sink.finish(), children, gguf: info(header) };
}
