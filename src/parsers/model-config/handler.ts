import type { AnalyseContext, FormatHandler, SniffInput, ZipFlavourHandler } from '../../engine/format-handler.js';
import type { Anomaly, Artifact, ByteReader } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { parsePythonJson } from '../template/json.js';
import { MODEL_CONFIG_CODES } from './codes.js';
import { repoTypeOfKey, TRUST_REMOTE_CODE_KEY } from './keys.js';
import { configLimits, DEFAULT_CONFIG_LIMITS, type ConfigLimits } from './limits.js';
import { jsonTree, locateJsonValues } from './json-tree.js';
import { walkConfig, type WalkResult } from './tree.js';
import type { ModelConfigArtifact } from './types.js';
import { parseYaml } from './yaml-tree.js';
import { MAX_YAML_NESTING, yamlNestingDepth } from '../../util/yaml-depth.js';

/**
 * Files other families own or that never name a model to download: package manifests and locks,
 * modelvet's own lockfile, tokenizer and processor files, shard indexes.
 */
const NOT_CONFIGS = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'modelvet.lock.json',
  'tokenizer_config.json',
  'processor_config.json',
  'chat_template.json',
  'tokenizer.json',
  'vocab.json',
  'special_tokens_map.json',
  'added_tokens.json',
]);

const isYamlName = (name: string): boolean => /\.ya?ml$/i.test(name);
const isJsonName = (name: string): boolean => /\.json$/i.test(name);

/** A model's own config.json (transformers' PretrainedConfig) describes an architecture; it names no download. */
const MODEL_CONFIG_MARKERS = /"(?:architectures|model_type)"\s*:/;

function sniff({ name, head }: SniffInput): boolean {
  const lower = name.toLowerCase();
  if (NOT_CONFIGS.has(lower) || lower.endsWith('.index.json')) return false;
  if (!isYamlName(lower) && !isJsonName(lower)) return false;
  if (lower === 'config.json' && MODEL_CONFIG_MARKERS.test(new TextDecoder('utf-8', { fatal: false }).decode(head))) return false;
  return true;
}

const isModelConfig = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && (Object.hasOwn(value, 'architectures') || Object.hasOwn(value, 'model_type'));

/** Keys whose values the JSON position scan records: the ones a finding points at. */
const locatedKey = (key: string): boolean => key === TRUST_REMOTE_CODE_KEY || repoTypeOfKey(key, 'datasets') !== undefined;

function decode(bytes: Uint8Array, keepBom: boolean): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: keepBom }).decode(bytes);
  } catch {
    return null;
  }
}

function artifactOf(reader: ByteReader, context: AnalyseContext, syntax: 'yaml' | 'json', documents: number, anomalies: Anomaly[], walk?: WalkResult): ModelConfigArtifact {
  return {
    path: context.path,
    format: 'model-config',
    size: reader.size,
    anomalies: [...anomalies, ...(walk?.anomalies ?? [])],
    children: [],
    modelRefs: walk?.refs ?? [],
    config: { syntax, documents, ...(walk && walk.remoteCode.length > 0 ? { remoteCode: walk.remoteCode } : {}) },
  };
}

function malformed(what: string, error: string): Anomaly {
  // The parser's first line says what and where; a long one is cut so the report stays readable.
  const first = error.split('\n', 1)[0]!.trim();
  const short = first.length > 160 ? `${first.slice(0, 160)}…` : first;
  return anomaly(MODEL_CONFIG_CODES.malformed, `the file is not valid ${what} (${short}); a tool reading it would stop, so no model it names was checked`, undefined, { error: short });
}

/**
 * Reads a YAML or JSON config whole (it is capped) and walks it for the repositories it names.
 * JSON is read as Python's json module reads it (the tools are Python), YAML as PyYAML does.
 */
export async function analyseModelConfig(reader: ByteReader, context: AnalyseContext, limits: ConfigLimits = DEFAULT_CONFIG_LIMITS): Promise<Artifact> {
  const syntax = isYamlName(context.name) ? 'yaml' : 'json';
  const cap = syntax === 'yaml' ? Math.min(context.options.maxJsonBytes, limits.maxYamlBytes) : context.options.maxJsonBytes;
  if (reader.size > cap) {
    return artifactOf(reader, context, syntax, 0, [anomaly(MODEL_CONFIG_CODES.tooLarge, `the ${syntax.toUpperCase()} file is ${reader.size} bytes, over the ${cap}-byte limit, so the models it names were not checked`, undefined, { size: reader.size, limit: cap })]);
  }
  // PyYAML drops a byte-order mark; Python's json module refuses one.
  const text = decode(await reader.read(0, reader.size), syntax === 'json');
  if (text === null) return artifactOf(reader, context, syntax, 0, [malformed(syntax === 'yaml' ? 'YAML' : 'JSON', 'not UTF-8')]);
  try {
    if (syntax === 'json') {
      const parsed = parsePythonJson(text);
      if (!parsed.ok) return artifactOf(reader, context, syntax, 0, [malformed('JSON', parsed.error)]);
      if (context.name.toLowerCase() === 'config.json' && isModelConfig(parsed.value)) return { path: context.path, format: 'unknown', size: reader.size, anomalies: [], children: [] };
      // JSON has no aliases: its walk is linear in the bytes maxJsonBytes already caps, so only depth is bounded.
      const walk = walkConfig(jsonTree(locateJsonValues(text, locatedKey)), [{ value: parsed.value }], { ...limits, maxNodes: Number.POSITIVE_INFINITY });
      return artifactOf(reader, context, syntax, 1, [], walk);
    }
    const depth = yamlNestingDepth(text);
    if (depth > MAX_YAML_NESTING) {
      return artifactOf(reader, context, syntax, 0, [
        anomaly(MODEL_CONFIG_CODES.limit, `not fully analysed: the YAML nests about ${depth} levels deep, past the ${MAX_YAML_NESTING}-level limit (parsing it could crash the reader); the models it names were not checked`, undefined, { what: 'nesting', depth, limit: MAX_YAML_NESTING }),
      ]);
    }
    const parsed = parseYaml(text, limits);
    if (parsed.exhausted) throw new RangeError('the YAML parser ran out of stack');
    if (parsed.error !== undefined) return artifactOf(reader, context, syntax, parsed.documents, [malformed('YAML', parsed.error)]);
    return artifactOf(reader, context, syntax, parsed.documents, [], walkConfig(parsed.tree, parsed.roots, limits));
  } catch (err) {
    // Only resource exhaustion gets here (a nesting deep enough to exhaust the parser's stack).
    return artifactOf(reader, context, syntax, 0, [anomaly(MODEL_CONFIG_CODES.limit, `the ${syntax.toUpperCase()} file could not be read within limits (${(err as Error).message}); the models it names were not checked`, undefined, { what: 'parser' })]);
  }
}

const modelConfig: FormatHandler = {
  format: 'model-config',
  stage: 'named',
  sniff,
  analyse: (reader, context) => analyseModelConfig(reader, context, configLimits(context.options)),
};

/** This family's entries into the engine; it is last in the family order, so any family that claims a name keeps it. */
export const HANDLERS: FormatHandler[] = [modelConfig];
export const ZIP_FLAVOURS: ZipFlavourHandler[] = [];
