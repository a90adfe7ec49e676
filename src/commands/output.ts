import { randomBytes } from 'node:crypto';
import { renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';

/**
 * Writes the report next to its destination and renames it into place, so an interrupted run
 * never leaves a half-written file where a good one was.
 */
export function writeOutput(file: string, content: string, cwd: string): void {
  const target = resolve(cwd, file);
  try {
    if (statSync(target).isDirectory()) throw new UsageError(`--output ${file} is a folder`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // `wx`: the temporary name is created fresh, never opened through a link someone planted there.
    writeFileSync(tmp, content, { flag: 'wx' });
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temporary file was never created */
    }
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
