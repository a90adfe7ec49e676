/**
 * The seed corpus: every fixture under test/fixtures and examples up to 1 MiB, with its base name
 * (parsers choose by content and name), classified into a family. The saved regressions are not
 * seeds: the corpus, and so a fixed-seed run, must not change when a failure is recorded.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify } from './families.js';
import type { Seed } from './types.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SEED_ROOTS = ['test/fixtures', 'examples'] as const;
export const MAX_SEED_BYTES = 1 << 20;
const EXCLUDED = new Set(['test/fixtures/fuzz-regressions']);

function* files(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (EXCLUDED.has(relative(REPO, path))) continue;
    if (e.isDirectory()) yield* files(path);
    else if (e.isFile()) yield path;
  }
}

/** Seeds in a stable order (sorted paths), so a seed number means the same input on every machine with the same tree. */
export function loadSeeds(roots: readonly string[] = SEED_ROOTS, repo = REPO): Seed[] {
  const seeds: Seed[] = [];
  for (const root of roots) {
    for (const path of files(join(repo, root))) {
      if (statSync(path).size > MAX_SEED_BYTES) continue;
      const bytes = new Uint8Array(readFileSync(path));
      const name = path.slice(path.lastIndexOf('/') + 1);
      seeds.push({ file: relative(repo, path), name, family: classify(bytes, name).id, bytes });
    }
  }
  return seeds;
}

/** Seeds grouped by family, families in table order; only the requested families when given. */
export function byFamily(seeds: readonly Seed[], only?: readonly string[]): Map<string, Seed[]> {
  const groups = new Map<string, Seed[]>();
  for (const s of seeds) {
    if (only && !only.includes(s.family)) continue;
    let group = groups.get(s.family);
    if (!group) groups.set(s.family, (group = []));
    group.push(s);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
