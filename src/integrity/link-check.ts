import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { cachePlaceOf } from './hf-cache.js';
import { isInside } from './paths.js';

const real = (p: string): string | undefined => {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

/**
 * Where a recorded path really leads when that is outside its model folder: a link planted in a
 * locked or signed folder must not make verify hash (and report on) a file elsewhere. Links from
 * a Hugging Face cache snapshot to its own blobs are the cache's layout, not an escape. Undefined
 * when the path stays inside (or does not resolve: reading it then fails on its own).
 */
export function linkEscape(abs: string, root: string): string | undefined {
  const target = real(abs);
  const base = real(root);
  if (!target || !base || isInside(target, base)) return undefined;
  const place = cachePlaceOf(abs);
  if (place?.area === 'snapshots') {
    const blobs = real(join(place.repo.dir, 'blobs'));
    if (blobs && isInside(target, blobs)) return undefined;
  }
  return target;
}
