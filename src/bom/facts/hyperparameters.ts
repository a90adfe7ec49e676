import type { BomHyperparameter } from '../types.js';
import type { GgufArtifact } from '../../parsers/gguf/types.js';
import { GGUF_FILE_TYPES } from './gguf-file-types.js';
import { field, positiveInteger, text } from './values.js';

/**
 * Official `cdx:ai-ml:model:hyperparameter:*` names and the config.json keys that hold them, in
 * the order transformers resolves them (GPT-2's `n_embd` is its `hidden_size` through the config's
 * attribute_map; T5's `d_model` likewise).
 */
const CONFIG_KEYS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['context_length', ['max_position_embeddings', 'n_positions']],
  ['hidden_size', ['hidden_size', 'n_embd', 'd_model']],
  ['num_hidden_layers', ['num_hidden_layers', 'n_layer', 'num_layers']],
  ['num_attention_heads', ['num_attention_heads', 'n_head', 'num_heads']],
  ['num_key_value_heads', ['num_key_value_heads']],
  ['vocab_size', ['vocab_size']],
];

/** The same names in a GGUF header, under `<general.architecture>.`. */
const GGUF_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['context_length', 'context_length'],
  ['hidden_size', 'embedding_length'],
  ['num_hidden_layers', 'block_count'],
  ['num_attention_heads', 'attention.head_count'],
  ['num_key_value_heads', 'attention.head_count_kv'],
  ['vocab_size', 'vocab_size'],
];

/** Hyperparameters config.json states; `source` is its path. */
export function configHyperparameters(config: unknown, source: string): BomHyperparameter[] {
  const out: BomHyperparameter[] = [];
  for (const [key, names] of CONFIG_KEYS) {
    for (const name of names) {
      const value = positiveInteger(field(config, name));
      if (value === undefined) continue;
      out.push({ key, value: String(value), source });
      break;
    }
  }
  const quant = text(field(field(config, 'quantization_config'), 'quant_method'), 100);
  if (quant !== undefined) out.push({ key: 'quantization', value: quant, source });
  return out;
}

/** Hyperparameters a GGUF header states (scalar metadata the parser kept). */
export function ggufHyperparameters(artifact: GgufArtifact): BomHyperparameter[] {
  const { metadata, architecture } = artifact.gguf;
  const source = artifact.path;
  const out: BomHyperparameter[] = [];
  if (architecture !== undefined) {
    for (const [key, suffix] of GGUF_KEYS) {
      const value = positiveInteger(field(metadata, `${architecture}.${suffix}`));
      if (value !== undefined) out.push({ key, value: String(value), source });
    }
  }
  const fileType = field(metadata, 'general.file_type');
  const name = typeof fileType === 'number' ? GGUF_FILE_TYPES.get(fileType) : undefined;
  if (name !== undefined) out.push({ key: 'quantization', value: name, source });
  return out;
}

/**
 * One value per name: the first source wins (config.json before GGUF headers, which the caller
 * orders by path), so a BOM never states two context lengths.
 */
export function mergeHyperparameters(groups: ReadonlyArray<readonly BomHyperparameter[]>): BomHyperparameter[] {
  const byKey = new Map<string, BomHyperparameter>();
  for (const group of groups) for (const h of group) if (!byKey.has(h.key)) byKey.set(h.key, h);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
