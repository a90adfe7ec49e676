import type { Artifact } from '../../types.js';
import type { GgufArtifact } from '../../parsers/gguf/types.js';
import type { BomHyperparameter } from '../types.js';
import { compareText } from './values.js';

const depthOf = (path: string): number => path.split('/').length - 1;
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * The GGUF files that are the model: those at the shallowest folder depth holding any, sorted by
 * path, without vision projectors (`mmproj-*.gguf`, a second model beside the language model).
 */
export function ggufModels(artifacts: readonly Artifact[]): GgufArtifact[] {
  const all = artifacts.filter((a): a is GgufArtifact => a.format === 'gguf' && !baseName(a.path).toLowerCase().startsWith('mmproj'));
  if (all.length === 0) return [];
  const min = Math.min(...all.map((a) => depthOf(a.path)));
  return all.filter((a) => depthOf(a.path) === min).sort((a, b) => compareText(a.path, b.path));
}

/**
 * Values every GGUF file states alike (several quantisations of one model agree on their
 * dimensions but not on `quantization`): a value the files disagree on is not the model's.
 */
export function agreedGgufValues(perFile: ReadonlyArray<readonly BomHyperparameter[]>): BomHyperparameter[] {
  if (perFile.length === 0) return [];
  const [first, ...rest] = perFile;
  return first!.filter((h) => rest.every((other) => other.some((o) => o.key === h.key && o.value === h.value)));
}

/** The architecture all the GGUF files name, if they name one. */
export function agreedGgufArchitecture(models: readonly GgufArtifact[]): string | undefined {
  const archs = new Set(models.map((m) => m.gguf.architecture));
  const [only] = archs;
  return archs.size === 1 && only !== undefined ? only : undefined;
}
