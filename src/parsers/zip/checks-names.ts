import type { Anomaly } from '../../types.js';
import { zipAnomaly } from './anomalies.js';
import { genericKey, locateAsGeneric, locateAsLoader } from './lookup.js';
import type { ZipDirectory } from './types.js';

const MAX_LISTED = 50;

/**
 * Name-level divergence: exact duplicates, names equal to miniz's case-insensitive lookup, and
 * names Python files under another key. Marks every entry one reader never reads.
 */
export function checkNames(dir: ZipDirectory, loaderApplies: boolean, out: Anomaly[]): void {
  const entries = dir.entries;
  const byExact = groupBy(entries, (e) => e.name);
  const byFolded = groupBy(entries, (e) => foldAscii(e.name));
  const byGeneric = groupBy(entries, (e) => genericKey(e.name));

  for (const entry of entries) {
    if (loaderApplies && locateAsLoader(dir, entry.name) !== entry) entry.shadowedForLoader = true;
    if (locateAsGeneric(entries, genericKey(entry.name)) !== entry) entry.shadowedForGeneric = true;
  }

  let listed = 0;
  for (const [name, group] of byExact) {
    if (group.length < 2) continue;
    if (listed++ >= MAX_LISTED) break;
    const loaderEntry = loaderApplies ? locateAsLoader(dir, name) : undefined;
    const genericEntry = locateAsGeneric(entries, genericKey(name));
    out.push(zipAnomaly('zip/duplicate-name', `${group.length} entries are named ${JSON.stringify(name)}${
      loaderEntry && genericEntry && loaderEntry !== genericEntry
        ? `: PyTorch reads entry #${loaderEntry.index}, Python zipfile entry #${genericEntry.index}`
        : ''}`, {
      name,
      indices: group.map((e) => e.index),
      offsets: group.map((e) => e.localHeaderOffset),
      loaderIndex: loaderEntry?.index ?? null,
      genericIndex: genericEntry?.index ?? null,
    }, group[0]!.localHeaderOffset));
  }

  if (loaderApplies) {
    listed = 0;
    for (const group of byFolded.values()) {
      const names = [...new Set(group.map((e) => e.name))];
      if (names.length < 2) continue;
      if (listed++ >= MAX_LISTED) break;
      const loaderResolves: Record<string, number | null> = {};
      for (const n of names) loaderResolves[n] = locateAsLoader(dir, n)?.index ?? null;
      const crossed = names.some((n) => {
        const hit = locateAsLoader(dir, n);
        return hit !== undefined && hit.name !== n;
      });
      out.push(zipAnomaly('zip/case-collision', `names differ only in case (${names.map((n) => JSON.stringify(n)).join(', ')})${
        crossed ? ': PyTorch resolves a name to an entry spelt differently' : ''}`, {
        names,
        indices: group.map((e) => e.index),
        loaderResolves,
        crossed,
      }, group[0]!.localHeaderOffset));
    }
  }

  listed = 0;
  for (const [key, group] of byGeneric) {
    const names = new Set(group.map((e) => e.name));
    if (names.size < 2 || !group.some((e) => e.name.includes('\0'))) continue;
    if (listed++ >= MAX_LISTED) break;
    const genericEntry = locateAsGeneric(entries, key);
    out.push(zipAnomaly('zip/duplicate-name', `entries collide under ${JSON.stringify(key)} once Python zipfile cuts names at NUL`, {
      name: key,
      names: [...names],
      indices: group.map((e) => e.index),
      loaderIndex: null,
      genericIndex: genericEntry?.index ?? null,
      viaNul: true,
    }, group[0]!.localHeaderOffset));
  }
}

function foldAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
