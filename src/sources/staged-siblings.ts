import { open, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SiblingFiles } from '../engine/format-handler.js';
import type { StagedFile } from '../git/staged.js';
import type { ByteReader } from '../types.js';
import { siblingPath } from './sibling-path.js';

/** A reader that opens the file for each read: siblings are read a few times (a header), and nobody closes them. */
function pathReader(absPath: string, size: number): ByteReader {
  return {
    size,
    async read(offset, length) {
      if (offset >= size || length <= 0) return new Uint8Array(0);
      const handle = await open(absPath, 'r');
      try {
        const want = Math.min(length, size - offset);
        const buf = new Uint8Array(want);
        const { bytesRead } = await handle.read(buf, 0, want, offset);
        return buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * What a loader would find beside a staged file once the commit is checked out: the staged
 * content of the files staged with it, else the work-tree file (an unchanged file is the same
 * in the index as in the work tree). Regular files only; paths never leave the work tree.
 */
export function stagedSiblings(top: string, staged: ReadonlyMap<string, StagedFile>, filePath: string): SiblingFiles {
  const locate = async (rel: string): Promise<{ absPath: string; size: number } | undefined> => {
    const path = siblingPath(filePath, rel);
    if (path === undefined) return undefined;
    const hit = staged.get(path);
    if (hit) return { absPath: hit.absPath, size: hit.size };
    const abs = join(top, ...path.split('/'));
    const st = await lstat(abs).catch(() => undefined);
    return st?.isFile() ? { absPath: abs, size: st.size } : undefined;
  };
  return {
    where: 'the staged tree',
    stat: async (rel) => {
      const found = await locate(rel);
      return found ? { size: found.size } : undefined;
    },
    open: async (rel) => {
      const found = await locate(rel);
      return found ? pathReader(found.absPath, found.size) : undefined;
    },
  };
}
