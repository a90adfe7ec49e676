/**
 * Start-up time: `modelvet --version` (loading the CLI) and `modelvet scan` of an empty folder
 * (config discovery, rule registry, report), each the median of N runs of the built CLI.
 *
 *   tsx bench/startup.ts     (standalone; needs `npm run build` first)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, wallOf } from './measure.js';

export interface StartupBench {
  runs: number;
  version: number;
  emptyScan: number;
}

export function startupBench(runs = 9): StartupBench {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-startup-'));
  try {
    wallOf(['--version'], { cwd: dir }); // warm the page cache for the module files
    const version = median(Array.from({ length: runs }, () => wallOf(['--version'], { cwd: dir })));
    const emptyScan = median(Array.from({ length: runs }, () => wallOf(['scan', '.', '--format', 'json'], { cwd: dir })));
    return { runs, version, emptyScan };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const b = startupBench();
  process.stdout.write(`modelvet --version: ${b.version.toFixed(3)} s; scan of an empty folder: ${b.emptyScan.toFixed(3)} s (median of ${b.runs})\n`);
}
