/**
 * `model.safetensors.index.json` as transformers reads it (`json.load`, then `weight_map`):
 * `{"metadata": {"total_size": n}, "weight_map": {tensor: shard file}}`. Python's json keeps the
 * last of two equal keys, so the last mapping of a tensor is the one loaded.
 */
import { isUtf8 } from 'node:buffer';
import { AnomalyList, quote } from './collector.js';
import { CODES } from './codes.js';
import { DEFAULT_JSON_LIMITS, kindName, parseStrictJson, type JsonNode } from './json.js';
import { firstInvalidUtf8 } from './utf8.js';

export interface IndexMapping {
  tensor: string;
  shard: string;
  /** Byte position of the entry in the index file. */
  at: number;
}

export interface ParsedIndex {
  /** One mapping per tensor (the last), in file order. */
  mappings: IndexMapping[];
  /** Distinct shard names in first-mention order. */
  shards: string[];
  totalSize?: number;
  totalParameters?: number;
}

function nonNegativeInteger(node: JsonNode | undefined): number | undefined {
  if (node?.kind !== 'number' || !node.integer || node.text.startsWith('-')) return undefined;
  const n = Number(node.text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function lastValue(node: JsonNode & { kind: 'object' }, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const e of node.entries) if (e.key === key) found = e.value;
  return found;
}

/** Parses the index document; problems go to `out`. Returns undefined when there is no usable weight map. */
export function parseIndexDocument(bytes: Uint8Array, out: AnomalyList): ParsedIndex | undefined {
  if (!isUtf8(bytes)) {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    out.add(CODES.indexInvalid, `the index is not valid UTF-8 (byte ${at}), so loading the sharded model fails`, at);
    return undefined;
  }
  const parsed = parseStrictJson(bytes, DEFAULT_JSON_LIMITS);
  if (!parsed.ok && parsed.limit) {
    out.add(CODES.indexOverLimit, `the index holds ${parsed.message}, more than modelvet holds in memory, so it was not analysed`, parsed.at, { limit: DEFAULT_JSON_LIMITS.maxValues });
    return undefined;
  }
  if (!parsed.ok) {
    out.add(CODES.indexInvalid, `the index is not valid JSON (${parsed.message} at byte ${parsed.at}), so loading the sharded model fails or depends on the JSON reader`, parsed.at);
    return undefined;
  }
  const root = parsed.value;
  if (root.kind !== 'object') {
    out.add(CODES.indexInvalid, `the index is ${kindName(root)}, not an object with a weight_map, so loading the sharded model fails`, root.at);
    return undefined;
  }
  for (const d of parsed.duplicates) {
    const message =
      d.path.length === 1 && d.path[0] === 'weight_map'
        ? `tensor ${quote(d.key)} is mapped twice in weight_map; Python's json keeps the last mapping while other readers may keep the first`
        : `the key ${quote(d.key)} appears twice${d.path.length > 0 ? ` in ${d.path.map(String).join('.')}` : ''} in the index; JSON readers disagree on which one counts`;
    out.add(CODES.duplicateKey, message, d.at, { key: d.key, path: d.path, firstOffset: d.first });
  }
  if (parsed.duplicateCount > parsed.duplicates.length) {
    out.add(CODES.duplicateKey, `${parsed.duplicateCount - parsed.duplicates.length} more duplicate keys in the index were not listed`, undefined, { unlisted: parsed.duplicateCount - parsed.duplicates.length });
  }

  const weightMap = lastValue(root, 'weight_map');
  if (weightMap?.kind !== 'object') {
    out.add(CODES.indexInvalid, weightMap ? `the index's weight_map is ${kindName(weightMap)}, not an object of tensor names to shard files, so loading the sharded model fails` : 'the index has no weight_map, so loading the sharded model fails', weightMap?.at ?? root.at);
    return undefined;
  }
  const byTensor = new Map<string, IndexMapping>();
  for (const e of weightMap.entries) {
    if (e.value.kind !== 'string') {
      out.add(CODES.indexInvalid, `the index maps tensor ${quote(e.key)} to ${kindName(e.value)}, not a shard file name, so loading the sharded model fails`, e.at, { tensor: e.key });
      continue;
    }
    byTensor.delete(e.key);
    byTensor.set(e.key, { tensor: e.key, shard: e.value.value, at: e.at });
  }
  const mappings = [...byTensor.values()].sort((a, b) => a.at - b.at);
  const shards = [...new Set(mappings.map((m) => m.shard))];
  const index: ParsedIndex = { mappings, shards };

  const metadata = lastValue(root, 'metadata');
  if (metadata !== undefined && metadata.kind !== 'object' && metadata.kind !== 'null') {
    out.add(CODES.indexInvalid, `the index's metadata is ${kindName(metadata)}, not an object`, metadata.at);
  } else if (metadata?.kind === 'object') {
    const totalSize = nonNegativeInteger(lastValue(metadata, 'total_size'));
    const totalParameters = nonNegativeInteger(lastValue(metadata, 'total_parameters'));
    if (totalSize !== undefined) index.totalSize = totalSize;
    if (totalParameters !== undefined) index.totalParameters = totalParameters;
  }
  return index;
}
