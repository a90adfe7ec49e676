import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// src/util/x.ts and dist/util/x.js are both two folders below the package root.
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
