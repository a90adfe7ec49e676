import type { ZipDirectory, ZipEntry } from './types.js';

/**
 * How each reader resolves a member name to an entry.
 *
 * PyTorch's reader calls miniz `mz_zip_reader_locate_file(name, NULL, 0)`. With flags 0 and a
 * sorted directory (mz_zip_reader_init with flags 0 sorts it) that is a binary search over an
 * index heap-sorted by ASCII-lowercased name. Consequences, checked against miniz 3.0.2 as
 * bundled in PyTorch (third_party/miniz-3.0.2/miniz.c):
 *  - lookups are case-insensitive: `archive/DATA.PKL` answers a lookup of `archive/data.pkl`;
 *  - among same-named entries the one found is whichever the binary search meets first in the
 *    heap-sorted order; heap sort is not stable, so this is NOT simply the first entry. With
 *    exactly two entries of the same name miniz returns the second; in larger directories it
 *    depends on the other names. We therefore emulate the sort and the search exactly rather
 *    than assume "first wins".
 * Python's zipfile keeps a dict from name (cut at the first NUL) to the last entry with it.
 */

const sortedIndex = new WeakMap<ZipDirectory, Uint32Array>();
const rawNames = new WeakMap<ZipEntry, Uint8Array>();

/** Lets the directory reader attach the exact bytes of a name; lookups compare bytes, not strings. */
export function setRawName(entry: ZipEntry, raw: Uint8Array): void {
  rawNames.set(entry, raw);
}

function raw(entry: ZipEntry): Uint8Array {
  let bytes = rawNames.get(entry);
  if (!bytes) {
    bytes = new TextEncoder().encode(entry.name);
    rawNames.set(entry, bytes);
  }
  return bytes;
}

const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

function filenameLess(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.min(a.length, b.length);
  let l = 0;
  let r = 0;
  let i = 0;
  for (; i < n; i++) {
    l = lower(a[i]!);
    r = lower(b[i]!);
    if (l !== r) break;
  }
  return i === n ? a.length < b.length : l < r;
}

function filenameCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = lower(a[i]!);
    const r = lower(b[i]!);
    if (l !== r) return l - r;
  }
  return a.length - b.length;
}

/** miniz's in-place heap sort of entry indices, step for step, so ties fall where miniz puts them. */
function minizSort(names: Uint8Array[]): Uint32Array {
  const size = names.length;
  const idx = new Uint32Array(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  if (size <= 1) return idx;
  const less = (x: number, y: number) => filenameLess(names[idx[x]!]!, names[idx[y]!]!);
  const swap = (x: number, y: number) => {
    const t = idx[x]!;
    idx[x] = idx[y]!;
    idx[y] = t;
  };
  const siftDown = (start: number, end: number) => {
    let root = start;
    for (;;) {
      let child = root * 2 + 1;
      if (child >= end) break;
      if (child + 1 < end && less(child, child + 1)) child += 1;
      if (!less(root, child)) break;
      swap(root, child);
      root = child;
    }
  };
  for (let start = (size - 2) >> 1; start >= 0; start--) siftDown(start, size);
  for (let end = size - 1; end > 0; end--) {
    swap(end, 0);
    siftDown(0, end);
  }
  return idx;
}

/** The entry PyTorch's reader gets for a full member name (`<archive>/<record>`), if any. */
export function locateAsLoader(dir: ZipDirectory, name: string): ZipEntry | undefined {
  const entries = dir.entries;
  if (entries.length === 0) return undefined;
  let idx = sortedIndex.get(dir);
  if (!idx || idx.length !== entries.length) {
    idx = minizSort(entries.map(raw));
    sortedIndex.set(dir, idx);
  }
  const want = new TextEncoder().encode(name);
  let l = 0;
  let h = entries.length - 1;
  while (l <= h) {
    const m = l + ((h - l) >> 1);
    const entry = entries[idx[m]!]!;
    const comp = filenameCompare(raw(entry), want);
    if (comp === 0) return entry;
    if (comp < 0) l = m + 1;
    else h = m - 1;
  }
  return undefined;
}

/** The key Python zipfile files an entry under: the name cut at its first NUL. */
export function genericKey(name: string): string {
  const nul = name.indexOf('\0');
  return nul >= 0 ? name.slice(0, nul) : name;
}

const genericMaps = new WeakMap<readonly ZipEntry[], Map<string, ZipEntry>>();

/** The entry Python's zipfile returns for a name: the last one filed under that key. */
export function locateAsGeneric(entries: readonly ZipEntry[], name: string): ZipEntry | undefined {
  let map = genericMaps.get(entries);
  if (!map) {
    map = new Map();
    for (const entry of entries) map.set(genericKey(entry.name), entry);
    genericMaps.set(entries, map);
  }
  return map.get(name);
}
