import type { Artifact } from '../../types.js';
import type { TokenizerConfigArtifact } from '../../parsers/template/types.js';
import { field, isTree } from './values.js';

/** A `.py` file is read up to this size to follow its relative imports. */
const MAX_MODULE_BYTES = 1024 * 1024;
/** Modules followed at most (imports of imports). */
const MAX_MODULES = 1000;

const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const inFolder = (folder: string, name: string): string => (folder === '' ? name : `${folder}/${name}`);

/**
 * The module an `auto_map` reference loads from this repo: transformers splits `module.Class` on its
 * one dot (`repo--module.Class` names another repo, whose code is not a file here).
 */
function moduleOf(reference: unknown): string | undefined {
  if (typeof reference !== 'string' || reference.includes('--')) return undefined;
  const parts = reference.split('.');
  return parts.length === 2 && parts[0] !== '' ? parts[0] : undefined;
}

/** References in an `auto_map` value: a dict of class → reference or [slow, fast] pair, or a bare pair. */
function referencesIn(autoMap: unknown): unknown[] {
  if (Array.isArray(autoMap)) return autoMap;
  if (!isTree(autoMap)) return [];
  const values = autoMap instanceof Map ? [...autoMap.values()] : Object.values(autoMap);
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** `import .x` and `from .x import y`, transformers' get_relative_imports patterns (line by line, no backtracking). */
function relativeImports(source: string): string[] {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    const m = /^\s*(?:import\s+\.(\S+)\s*$|from\s+\.(\S+)\s+import)/.exec(line);
    if (m) out.push((m[1] ?? m[2])!);
  }
  return out;
}

export interface AutoMapSources {
  /** Parsed config.json-like documents with their paths (config.json, preprocessor_config.json). */
  configs: ReadonlyArray<{ path: string; config: unknown }>;
  /** Analysed files (tokenizer and processor configs carry their auto_map). */
  artifacts: ReadonlyArray<{ path: string; artifact: Artifact }>;
  /** Listed paths. */
  paths: ReadonlySet<string>;
  readText(path: string, maxBytes: number): Promise<string | undefined>;
}

/**
 * The `.py` files `trust_remote_code` would import: the modules `auto_map` entries name, and the
 * modules those import relatively, followed as transformers' get_relative_import_files does.
 */
export async function remoteCodeFiles(sources: AutoMapSources): Promise<Set<string>> {
  const targets: string[] = [];
  const add = (folder: string, reference: unknown): void => {
    const module = moduleOf(reference);
    if (module !== undefined) targets.push(inFolder(folder, `${module}.py`));
  };
  for (const { path, config } of sources.configs) for (const r of referencesIn(field(config, 'auto_map'))) add(folderOf(path), r);
  for (const { path, artifact } of sources.artifacts) {
    if (artifact.format !== 'tokenizer-config') continue;
    for (const e of (artifact as TokenizerConfigArtifact).tokenizerConfig.autoMap) add(folderOf(path), e.reference);
  }
  const found = new Set<string>();
  const queue = targets.filter((t) => sources.paths.has(t));
  while (queue.length > 0 && found.size < MAX_MODULES) {
    const file = queue.shift()!;
    if (found.has(file)) continue;
    found.add(file);
    const text = await sources.readText(file, MAX_MODULE_BYTES);
    if (text === undefined) continue;
    for (const m of relativeImports(text)) {
      const next = inFolder(folderOf(file), `${m}.py`);
      if (sources.paths.has(next) && !found.has(next)) queue.push(next);
    }
  }
  return found;
}
