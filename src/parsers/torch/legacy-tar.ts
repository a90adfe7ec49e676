import type { Anomaly, ByteReader } from '../../types.js';
import { sliceReader } from '../../sources/readers.js';
import { linkEscapes, readTarEntries, type TarEntry } from '../archive/tar.js';
import type { TorchLegacyTarArtifact } from './types.js';

export interface TorchLegacyTarMember {
  name: string;
  reader: ByteReader;
  role: 'pickle' | 'other';
  entry: TarEntry;
  /** `pickle-stream`: pickles interleaved with raw storage bytes (storages, tensors). */
  layout?: 'pickle' | 'pickle-stream';
  /** tarfile resolves this name to a later member: the loader never reads this one. */
  shadowed?: boolean;
  /** For links: the member whose bytes the loader actually reads. */
  resolvedFrom?: string;
}

export interface TorchLegacyTarParse {
  artifact: Omit<TorchLegacyTarArtifact, 'children' | 'sha256'>;
  members: TorchLegacyTarMember[];
}

export const TORCH_LEGACY_TAR_ANOMALY_CODES = {
  'torch/missing-record': 'A member the legacy loader extracts (storages, tensors, pickle) is absent: loading fails.',
  'torch/legacy-link': 'A member the legacy loader reads is a link: it reads another member, or a file outside the archive.',
  'torch/legacy-fallback': 'tarfile fails part-way: torch.load then re-reads the whole file as a legacy stacked pickle.',
} as const satisfies Record<string, string>;

/** What `_legacy_load` reads, in order: `tar.extract('storages')`, `tar.extract('tensors')`, `tar.extractfile('pickle')`. */
const LOADER_MEMBERS = ['storages', 'tensors', 'pickle'] as const;
const PICKLE_MEMBERS = new Map<string, 'pickle' | 'pickle-stream'>([
  ['sys_info', 'pickle'],
  ['pickle', 'pickle'],
  ['storages', 'pickle-stream'],
  ['tensors', 'pickle-stream'],
]);
const MAX_LINK_DEPTH = 8;

/**
 * torch's oldest format: `torch.load` first tries `tarfile.open(f, 'r:')` and, when that
 * works, reads the members named storages, tensors and pickle (sys_info is written but not
 * read back). Returns null when tarfile would not open the file or no such member exists.
 */
export async function parseTorchLegacyTar(reader: ByteReader, path: string): Promise<TorchLegacyTarParse | null> {
  const tar = await readTarEntries(reader);
  if (!tar.isTar) return null;
  const entries = tar.entries;
  if (!entries.some((e) => PICKLE_MEMBERS.has(e.name))) return null;
  const anomalies: Anomaly[] = [...tar.anomalies];

  if (tar.readError !== undefined) {
    anomalies.push({
      code: 'torch/legacy-fallback',
      message: 'tarfile fails while listing members: torch.load re-reads the file as a legacy stacked pickle from byte 0',
      detail: { reason: tar.readError },
    });
  }
  for (const name of LOADER_MEMBERS) {
    if (!entries.some((e) => e.name === name)) {
      anomalies.push({ code: 'torch/missing-record', message: `member ${JSON.stringify(name)} is missing: the legacy loader fails`, detail: { name } });
    }
  }

  const last = new Map<string, TarEntry>();
  for (const e of entries) last.set(e.name, e);
  const members = entries.map((entry): TorchLegacyTarMember => {
    const layout = PICKLE_MEMBERS.get(entry.name);
    const member: TorchLegacyTarMember = {
      name: entry.name,
      reader: dataReader(reader, entry),
      role: layout ? 'pickle' : 'other',
      entry,
    };
    if (layout) member.layout = layout;
    if (last.get(entry.name) !== entry) member.shadowed = true;
    if (layout && !member.shadowed && (entry.type === 'symlink' || entry.type === 'hardlink')) {
      const target = resolveLink(entries, entry);
      if (target) {
        member.reader = dataReader(reader, target);
        member.resolvedFrom = target.name;
      }
      anomalies.push({
        code: 'torch/legacy-link',
        message: `${JSON.stringify(entry.name)} is a ${entry.type} to ${JSON.stringify(entry.linkName ?? '')}${
          target ? `: the loader reads ${JSON.stringify(target.name)}` : ': the loader reads a file outside the archive or fails'}`,
        offset: entry.headerOffset,
        detail: {
          name: entry.name,
          type: entry.type,
          linkName: entry.linkName ?? null,
          resolvedTo: target?.name ?? null,
          escapes: linkEscapes(entry.name, entry.linkName ?? '', entry.type as 'symlink' | 'hardlink'),
          // extract() recreates a symlink on disk and opens it; extractfile() follows it inside the tar.
          readsHostFile: entry.type === 'symlink' && entry.name !== 'pickle',
        },
      });
    }
    return member;
  });

  return {
    artifact: {
      path,
      format: 'pytorch-legacy-tar',
      size: reader.size,
      anomalies,
      tar: { members: entries.map((e) => e.name) },
    },
    members,
  };
}

function dataReader(reader: ByteReader, entry: TarEntry): ByteReader {
  const regular = entry.type === 'file' || entry.type === 'other' || entry.type === 'sparse';
  return sliceReader(reader, entry.dataOffset, regular ? entry.size : 0);
}

/** tarfile's getmember: the last member with exactly this name. */
function lastNamed(entries: readonly TarEntry[], name: string, before = entries.length, normalize = false): TarEntry | undefined {
  const want = normalize ? normpath(name) : name;
  for (let i = Math.min(before, entries.length) - 1; i >= 0; i--) {
    const candidate = normalize ? normpath(entries[i]!.name) : entries[i]!.name;
    if (candidate === want) return entries[i];
  }
  return undefined;
}

/** tarfile's _find_link_target, followed through chains of links. */
function resolveLink(entries: readonly TarEntry[], link: TarEntry): TarEntry | undefined {
  let current: TarEntry | undefined = link;
  for (let depth = 0; current && depth < MAX_LINK_DEPTH; depth++) {
    if (current.type !== 'symlink' && current.type !== 'hardlink') return current;
    const linkName = current.linkName ?? '';
    if (current.type === 'symlink') {
      const dir = current.name.includes('/') ? current.name.slice(0, current.name.lastIndexOf('/')) : '';
      current = lastNamed(entries, [dir, linkName].filter(Boolean).join('/'), entries.length, true);
    } else {
      current = lastNamed(entries, linkName, current.index, true);
    }
  }
  return current && current.type !== 'symlink' && current.type !== 'hardlink' ? current : undefined;
}

/** posixpath.normpath, enough for member names. */
function normpath(p: string): string {
  const absolute = p.startsWith('/');
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}
