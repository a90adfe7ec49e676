import type { Artifact } from '../../types.js';
import type { GgufArtifact } from '../../parsers/gguf/types.js';
import type { SafetensorsArtifact, SafetensorsIndexArtifact } from '../../parsers/safetensors/types.js';
import type { BomFacts } from '../types.js';
import { compareText } from './values.js';

type Count = NonNullable<BomFacts['parameterCount']>;

/** A sum over files, or `ambiguous` when the files do not say one number (never a guess). */
type Tally = { value: number; files: string[] } | 'ambiguous';

const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const depthOf = (folder: string): number => (folder === '' ? 0 : folder.split('/').length);
const join = (folder: string, name: string): string => (folder === '' ? name : `${folder}/${name}`);

/** The folders at the shallowest depth that holds any of these files (the model's own weights, not a checkpoint-500/ copy). */
function shallowest<T extends { path: string }>(files: readonly T[]): Map<string, T[]> {
  const min = Math.min(...files.map((f) => depthOf(folderOf(f.path))));
  const out = new Map<string, T[]>();
  for (const f of files) {
    const folder = folderOf(f.path);
    if (depthOf(folder) !== min) continue;
    out.set(folder, [...(out.get(folder) ?? []), f]);
  }
  return out;
}

/** Alternatives (variants, quantisations) of the same weights must agree; their number is the count. */
function agree(tallies: readonly Tally[]): Tally {
  if (tallies.length === 0 || tallies.includes('ambiguous')) return 'ambiguous';
  const first = tallies[0] as Exclude<Tally, 'ambiguous'>;
  return tallies.every((t) => t !== 'ambiguous' && t.value === first.value) ? first : 'ambiguous';
}

function sum(parts: ReadonlyArray<{ path: string; count?: number }>): Tally {
  let value = 0;
  for (const p of parts) {
    if (p.count === undefined) return 'ambiguous';
    value += p.count;
  }
  return Number.isSafeInteger(value) ? { value, files: parts.map((p) => p.path) } : 'ambiguous';
}

/**
 * One folder's safetensors weights: an index's shards (what from_pretrained loads when there is
 * one; a consolidated copy beside it is not counted twice), else its single file, else files that
 * are variants of each other (fp16 and fp32 copies count the same tensors).
 */
function folderSafetensors(folder: string, files: readonly SafetensorsArtifact[], indexes: readonly SafetensorsIndexArtifact[]): Tally {
  const byPath = new Map(files.map((f) => [f.path, f]));
  if (indexes.length > 0) {
    return agree(indexes.map((index) => {
      const shards = index.safetensorsIndex.shards.map((s) => byPath.get(join(folder, s)) ?? { path: join(folder, s), safetensors: undefined });
      return shards.length === 0 ? 'ambiguous' : sum(shards.map((s) => ({ path: s.path, count: s.safetensors?.parameterCount })));
    }));
  }
  return agree(files.map((f) => sum([{ path: f.path, count: f.safetensors.parameterCount }])));
}

/** `model-00001-of-00003.gguf` and its siblings are one model split in files (llama.cpp's gguf-split). */
const SPLIT = /^(.*)-\d{5}-of-(\d{5})\.gguf$/i;

function ggufTally(files: readonly GgufArtifact[]): Tally {
  const sets = new Map<string, GgufArtifact[]>();
  for (const f of files) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    // A vision projector beside a language model is another model, not an alternative of it.
    if (name.toLowerCase().startsWith('mmproj')) continue;
    const m = SPLIT.exec(f.path);
    const key = m ? `${m[1]}\u0000${m[2]}` : f.path;
    sets.set(key, [...(sets.get(key) ?? []), f]);
  }
  return agree([...sets.values()].map((set) => sum(set.map((f) => ({ path: f.path, count: f.gguf.parameterCount })))));
}

function describe(files: readonly string[]): string {
  const sorted = [...files].sort(compareText);
  return sorted.length <= 3 ? sorted.join(', ') : `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more`;
}

/**
 * The parameter count from weight headers (never a card's claim): the sum of tensor element counts
 * over the model's safetensors files, or else over one of its GGUF files. Undefined when a header
 * is unreadable or the files do not add up to one model unambiguously.
 */
export function parameterCount(artifacts: readonly Artifact[]): Count | undefined {
  const safetensors = artifacts.filter((a): a is SafetensorsArtifact => a.format === 'safetensors');
  const indexes = artifacts.filter((a): a is SafetensorsIndexArtifact => a.format === 'safetensors-index');
  if (safetensors.length + indexes.length > 0) {
    const folders = shallowest<SafetensorsArtifact | SafetensorsIndexArtifact>([...safetensors, ...indexes]);
    const tallies = [...folders.entries()].map(([folder, list]) =>
      folderSafetensors(folder, list.filter((a): a is SafetensorsArtifact => a.format === 'safetensors'), list.filter((a): a is SafetensorsIndexArtifact => a.format === 'safetensors-index')),
    );
    // Folders at one depth without a root model are a pipeline's components (diffusers): they add up.
    const total = sum(tallies.map((t): { path: string; count?: number } => (t === 'ambiguous' ? { path: '' } : { path: '', count: t.value })));
    if (total === 'ambiguous') return undefined;
    return { value: total.value, source: describe(tallies.flatMap((t) => (t === 'ambiguous' ? [] : t.files))) };
  }
  const gguf = artifacts.filter((a): a is GgufArtifact => a.format === 'gguf');
  if (gguf.length === 0) return undefined;
  const tally = ggufTally([...shallowest(gguf).values()].flat());
  return tally === 'ambiguous' ? undefined : { value: tally.value, source: describe(tally.files) };
}
