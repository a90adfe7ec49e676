import type { ArtifactBase, Location } from '../../types.js';

export type DependencyEcosystem = 'pypi' | 'npm';

export type DependencyManifestKind =
  | 'requirements'
  | 'constraints'
  | 'pyproject-pep621'
  | 'pyproject-poetry'
  | 'poetry-lock'
  | 'uv-lock'
  | 'pipfile-lock'
  | 'package-json'
  | 'package-lock';

/** One dependency as a manifest states it. */
export interface Dependency {
  ecosystem: DependencyEcosystem;
  /** Normalised name: PEP 503 for PyPI (lower case, runs of `-_.` as `-`), as written for npm. */
  name: string;
  /** A resolved version (lock files, `==` pins): matched exactly. */
  version?: string;
  /** A specifier that admits a range (`>=2.0,<3`, `^1.2.0`); matched by "admits an affected version". */
  specifier?: string;
  /** Where it is stated. */
  location?: Location;
  /** The line or entry as written, for messages. */
  written: string;
}

export interface DependencyArtifact extends ArtifactBase {
  format: 'dependency-manifest';
  manifest: { kind: DependencyManifestKind; dependencies: Dependency[] };
}
