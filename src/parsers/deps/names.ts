import type { DependencyManifestKind } from './types.js';

/**
 * Which manifest a file is, by its base name, as each tool finds its own files. pip has no fixed
 * name: `requirements*.txt`, `*requirements*.txt` and `constraints*.txt` are the conventions.
 * (Files in a `requirements/` folder under other names are reached through `-r` lines only: a
 * handler sees the base name alone.)
 */
export function manifestKindOf(name: string): DependencyManifestKind | undefined {
  switch (name) {
    case 'pyproject.toml':
      return 'pyproject-pep621';
    case 'poetry.lock':
      return 'poetry-lock';
    case 'uv.lock':
      return 'uv-lock';
    case 'Pipfile.lock':
      return 'pipfile-lock';
    case 'package.json':
      return 'package-json';
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return 'package-lock';
  }
  const lower = name.toLowerCase();
  if (!lower.endsWith('.txt')) return undefined;
  if (lower.startsWith('constraints')) return 'constraints';
  if (lower.includes('requirements')) return 'requirements';
  return undefined;
}
