import { readdirSync, readSync, type Dirent } from 'node:fs';

/** Reads an open file of known size whole: small records only (lockfiles, BOMs), never model files. */
export function readOpenFile(fd: number, size: number): string {
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buf, got, size - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got).toString('utf8');
}

/** A folder's entries in name order (stable reports), or none when it cannot be read. */
export function sortedEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}
