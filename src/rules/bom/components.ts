import type { BomArtifact, BomComponent } from '../../parsers/bom/types.js';
import type { Artifact } from '../../types.js';
import type { FindingInput } from '../types.js';

export const bomOf = (artifact: Artifact): BomArtifact['bom'] | undefined => (artifact.format === 'ai-bom' ? artifact.bom : undefined);

const MAX_LABEL = 120;

/** How a message names a component: a file by its path, else `'acme-ml/tiny-bert'` (group/name), else its id, else where it sits. */
export function label(c: BomComponent): string {
  const named = c.name !== undefined && c.name !== '' ? (c.group ? `${c.group}/${c.name}` : c.name) : c.id;
  const name = c.kind === 'file' && c.path ? c.path : named;
  if (name === undefined || name === '') return `at ${c.pointer}`;
  return `'${name.length > MAX_LABEL ? `${name.slice(0, MAX_LABEL)}…` : name}'`;
}

/** The start of a message: `model component 'x'`, `file component 'y'`. */
export const subjectText = (c: BomComponent): string => `${c.kind} component ${label(c)}`;

/** What every BOM finding carries: the component's pointer and name, and its line. */
export function at(c: BomComponent, evidence: Record<string, unknown> = {}): Pick<FindingInput, 'evidence' | 'location'> {
  return {
    ...(c.location ? { location: c.location } : {}),
    evidence: { component: c.pointer, ...(c.name !== undefined ? { name: c.name } : {}), ...evidence },
  };
}

/** The files (and file-like models) a component consists of. */
export const filesOf = (bom: BomArtifact['bom'], c: BomComponent): BomComponent[] =>
  c.parts.map((i) => bom.components[i]).filter((p): p is BomComponent => p !== undefined && (p.kind === 'file' || p.kind === 'model'));
