import { stat } from 'node:fs/promises';
import { collectTargets } from '../sources/local.js';

export interface ModelFile {
  /** Posix path relative to the model folder. */
  relPath: string;
  absPath: string;
  size: number;
}

export interface ModelFiles {
  files: ModelFile[];
  /** Paths that were not taken, and why (a link out of the folder, a pipe): shown, never locked. */
  skipped: Array<{ relPath: string; reason: string }>;
}

/**
 * The files of a model folder as the scan walker sees them: .git and node_modules skipped, links
 * followed only inside the folder (Hugging Face cache snapshot links to their blobs included),
 * pipes and devices never opened. `exclude` holds absolute paths left out (the lockfile itself).
 */
export async function listModelFiles(root: string, exclude: ReadonlySet<string> = new Set()): Promise<ModelFiles> {
  const targets = await collectTargets(['.'], { cwd: root, ignore: [], ignoreBase: root });
  const files: ModelFile[] = [];
  const skipped: ModelFiles['skipped'] = [];
  for (const t of targets) {
    if (t.kind !== 'file') {
      const reason = t.kind === 'symlink-escape' ? `link leads outside the folder to ${t.linkTarget}` : t.kind === 'broken-symlink' ? `broken link to ${t.linkTarget}` : `${t.fileType}, not read`;
      skipped.push({ relPath: t.displayPath, reason });
      continue;
    }
    if (exclude.has(t.absPath)) continue;
    files.push({ relPath: t.displayPath, absPath: t.absPath, size: (await stat(t.absPath)).size });
  }
  return { files, skipped };
}
