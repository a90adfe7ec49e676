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
  /**
   * A specifier that admits a range (`>=2.0,<3`, `^1.2.0`); matched by "admits an affected version".
   * PyPI: a PEP 440 specifier set; Poetry's `||` alternatives are kept as ` || ` between sets.
   * Absent together with `version` and `direct`: no constraint at all (any version).
   */
  specifier?: string;
  /** Where it is stated. */
  location?: Location;
  /** The line or entry as written, for messages. */
  written: string;
  /** Extras requested (`torch[cuda]`): the same package, so the same advisories. */
  extras?: string[];
  /** PEP 508 environment marker, as written; not evaluated (the dependency is matched whatever it says). */
  marker?: string;
  /** A direct reference (`name @ url`, `-e git+…`, Poetry `git`/`path`/`url`, npm `git+…`/`file:`): no version to match. */
  direct?: string;
  /** The group that states it: `dev`, an extra, a Poetry group, `devDependencies`, … (absent for the main list). */
  group?: string;
}

/** A requirements file's `-r`/`-c` line: recorded; followed only inside the including file's own folder. */
export interface ManifestInclude {
  kind: 'requirements' | 'constraints';
  target: string;
  line: number;
  /** Why it was not read here (a URL, a path leaving the folder, a file scanned on its own, a limit). */
  notFollowed?: string;
}

export interface DependencyArtifact extends ArtifactBase {
  format: 'dependency-manifest';
  manifest: { kind: DependencyManifestKind; dependencies: Dependency[]; includes?: ManifestInclude[] };
}
