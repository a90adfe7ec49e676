import type { Anomaly, ByteReader } from '../../types.js';
import { badCrcAnomaly, computeCrc, locateAsGeneric, locateAsLoader, openMember, ZipMemberError } from '../zip/index.js';
import type { ZipDirectory, ZipEntry } from '../zip/index.js';
import type { TorchZipArtifact } from './types.js';

export type TorchZipRole = 'pickle' | 'storage' | 'code' | 'record' | 'other';

export interface TorchZipMember {
  name: string;
  entry: ZipEntry;
  role: TorchZipRole;
  /** The loader resolves this name to another entry: it never reads this one. */
  shadowed?: boolean;
}

/** Anomaly codes the torch zip layer adds to the zip reader's. */
export const TORCH_ZIP_ANOMALY_CODES = {
  'torch/no-archive-folder': 'The first entry is not inside a folder: PyTorchStreamReader refuses the archive.',
  'torch/outside-archive': 'Members outside the archive folder: the loader never reads them (torch ≥ 2.x refuses the archive when it lists records).',
  'torch/storage-name': 'A member under data/ whose name is not a storage key: not written by torch.save, so not raw tensor bytes by construction.',
  'torch/unexpected-member': 'A member torch.save and TorchScript never write.',
  'torch/record-case': 'The loader finds a record under a name spelt in another case (miniz lookups ignore ASCII case); scanners matching names exactly miss it.',
  'torch/missing-record': 'A record the loader requires (data.pkl, version) is absent: loading fails.',
  'torch/bad-version': 'The version record is not a decimal number.',
  'torch/bad-byteorder': 'The byteorder record is neither "little" nor "big": torch.load raises.',
} as const satisfies Record<string, string>;

type TorchZipCode = keyof typeof TORCH_ZIP_ANOMALY_CODES;

/** Records torch.save and TorchScript write beside pickles, code and storages. */
const KNOWN_RECORDS = new Set(['version', 'byteorder', '.format_version', '.storage_alignment', 'model.json']);
// traced_inputs/ holds the example inputs torch.jit.trace records (torch ≥ 2.1).
const STORAGE_FOLDERS = ['data/', 'constants/', 'tensors/', 'traced_inputs/'];
const CRC_MEMBER_LIMIT = 64 * 1024 * 1024;
const CRC_TOTAL_LIMIT = 256 * 1024 * 1024;

export interface TorchZipParse {
  artifact: Omit<TorchZipArtifact, 'children' | 'sha256'>;
  members: TorchZipMember[];
}

/**
 * Describes a zip as PyTorchStreamReader reads it: the archive folder is the top folder of the
 * first central-directory entry, every record is looked up as `<archive>/<name>` with miniz's
 * lookup, and pickles, storages, code and records get their roles from their names. Returns
 * null when nothing marks the zip as a torch checkpoint.
 */
export async function parseTorchZip(reader: ByteReader, path: string, dir: ZipDirectory): Promise<TorchZipParse | null> {
  const entries = dir.entries;
  if (entries.length === 0) return null;
  const anomalies: Anomaly[] = [];
  const asLoader = dir.view !== 'generic';
  const locate = (name: string) => (asLoader ? locateAsLoader(dir, name) : locateAsGeneric(entries, name));

  const archiveName = findArchiveName(entries, anomalies);
  if (archiveName === undefined) return null;
  const prefix = `${archiveName}/`;
  const has = (record: string) => locate(prefix + record) !== undefined;
  if (!has('data.pkl') && !has('constants.pkl') && !has('version') && !has('.data/version')) return null;

  const members = entries.map((entry): TorchZipMember => {
    const member: TorchZipMember = { name: entry.name, entry, role: 'other' };
    if (asLoader ? entry.shadowedForLoader : entry.shadowedForGeneric) member.shadowed = true;
    return member;
  });
  const outside: string[] = [];
  const badStorage: string[] = [];
  const unexpected: string[] = [];
  for (const member of members) {
    if (!member.name.startsWith(prefix)) {
      outside.push(member.name);
      continue;
    }
    // miniz matches names ignoring ASCII case, so roles follow the folded name.
    const rel = member.name.slice(prefix.length).replace(/[A-Z]/g, (c) => c.toLowerCase());
    const role = classify(rel);
    member.role = role.role;
    if (role.problem === 'storage-name') badStorage.push(member.name);
    else if (role.problem === 'unexpected' && !(member.entry.isDirectory && member.entry.compressedSize === 0)) {
      unexpected.push(member.name);
    }
  }
  report(anomalies, 'torch/outside-archive', outside, `members outside ${JSON.stringify(prefix)}`, { archiveName });
  report(anomalies, 'torch/storage-name', badStorage, 'members under data/ that are not storage keys');
  report(anomalies, 'torch/unexpected-member', unexpected, 'members torch never writes');

  if (!has('data.pkl')) missing(anomalies, prefix + 'data.pkl');
  for (const record of ['data.pkl', 'constants.pkl', 'version', '.data/version', 'byteorder']) {
    const hit = locate(prefix + record);
    if (hit && hit.name !== prefix + record) {
      anomalies.push({
        code: 'torch/record-case',
        message: `the loader reads ${JSON.stringify(hit.name)} as ${JSON.stringify(prefix + record)}`,
        offset: hit.localHeaderOffset,
        detail: { record: prefix + record, name: hit.name, index: hit.index },
      });
    }
  }
  const versionEntry = locate(prefix + '.data/version') ?? locate(prefix + 'version');
  let version: string | undefined;
  if (!versionEntry) missing(anomalies, prefix + 'version');
  else {
    version = await readSmallText(reader, versionEntry);
    if (version === undefined || !/^\s*\d+\s*$/.test(version)) {
      anomalies.push({ code: 'torch/bad-version', message: `the version record ${JSON.stringify(versionEntry.name)} is not a number`, offset: versionEntry.dataOffset,
        detail: { name: versionEntry.name, value: version ?? null } });
    }
  }
  const byteorderEntry = locate(prefix + 'byteorder');
  if (byteorderEntry) {
    const value = await readSmallText(reader, byteorderEntry);
    if (value !== 'little' && value !== 'big') {
      anomalies.push({ code: 'torch/bad-byteorder', message: 'the byteorder record is neither "little" nor "big"', offset: byteorderEntry.dataOffset,
        detail: { name: byteorderEntry.name, value: value ?? null } });
    }
  }

  anomalies.push(...await crcAnomalies(reader, members));

  const visible = members.filter((m) => !m.shadowed);
  const inArchive = (m: TorchZipMember) => m.name.startsWith(prefix);
  const codeFiles = visible.filter((m) => m.role === 'code').map((m) => m.name);
  const torchscript = codeFiles.length > 0 || has('constants.pkl');
  return {
    artifact: {
      path,
      format: torchscript ? 'torchscript' : 'pytorch-zip',
      size: reader.size,
      anomalies: [...dir.anomalies, ...anomalies],
      torch: {
        archiveName,
        records: [...new Set(visible.filter(inArchive).map((m) => m.name.slice(prefix.length)))],
        ...(version !== undefined ? { version: version.trim() } : {}),
        codeFiles,
        pickleMembers: visible.filter((m) => m.role === 'pickle').map((m) => m.name),
      },
    },
    members,
  };
}

/** PyTorchStreamReader::init: everything before the first '/' of central entry 0. */
function findArchiveName(entries: readonly ZipEntry[], anomalies: Anomaly[]): string | undefined {
  const first = entries[0]!.name;
  const slash = first.indexOf('/');
  if (slash >= 0) return first.slice(0, slash);
  // The loader gives up here; a folder holding data.pkl still tells us what was meant.
  const hinted = entries.find((e) => /\/(data|constants)\.pkl$/.test(e.name) || e.name.endsWith('/version'));
  if (!hinted) return undefined;
  anomalies.push({
    code: 'torch/no-archive-folder',
    message: `the first entry ${JSON.stringify(first)} is not in a folder: PyTorch refuses the archive`,
    offset: entries[0]!.localHeaderOffset,
    detail: { firstEntry: first, assumedFolder: hinted.name.slice(0, hinted.name.indexOf('/')) },
  });
  return hinted.name.slice(0, hinted.name.indexOf('/'));
}

function classify(rel: string): { role: TorchZipRole; problem?: 'storage-name' | 'unexpected' } {
  if (rel.endsWith('.pkl') || rel.endsWith('.debug_pkl')) {
    const known = rel === 'data.pkl' || rel === 'constants.pkl' || rel === 'bytecode.pkl' || rel === 'traced_inputs.pkl' || rel.startsWith('code/');
    return known ? { role: 'pickle' } : { role: 'pickle', problem: 'unexpected' };
  }
  if (rel.startsWith('code/')) return { role: 'code' };
  for (const folder of STORAGE_FOLDERS) {
    if (rel.startsWith(folder)) {
      // torch.save keys storages by a counter; TorchScript the same under data/ and constants/.
      return /^\d+$/.test(rel.slice(folder.length)) ? { role: 'storage' } : { role: 'other', problem: 'storage-name' };
    }
  }
  if (KNOWN_RECORDS.has(rel) || rel.startsWith('.data/') || rel.startsWith('extra/')) return { role: 'record' };
  return { role: 'other', problem: 'unexpected' };
}

async function readSmallText(reader: ByteReader, entry: ZipEntry): Promise<string | undefined> {
  if (entry.uncompressedSize > 1024) return undefined;
  try {
    const member = await openMember(reader, entry, { maxBytes: 1024 });
    return new TextDecoder('utf-8', { fatal: false }).decode(await member.read(0, 1024));
  } catch (err) {
    if (err instanceof ZipMemberError) return undefined;
    throw err;
  }
}

/** CRCs of the small members the loader interprets; tensor data is never hashed. */
async function crcAnomalies(reader: ByteReader, members: readonly TorchZipMember[]): Promise<Anomaly[]> {
  const out: Anomaly[] = [];
  let budget = CRC_TOTAL_LIMIT;
  for (const { entry, role } of members) {
    if (role !== 'pickle' && role !== 'code' && role !== 'record') continue;
    if (entry.isDirectory || entry.uncompressedSize > CRC_MEMBER_LIMIT || entry.uncompressedSize > budget) continue;
    budget -= entry.uncompressedSize;
    try {
      const actual = await computeCrc(reader, entry, { maxBytes: CRC_MEMBER_LIMIT });
      if (actual !== entry.crc32 >>> 0) out.push(badCrcAnomaly(entry, actual));
    } catch (err) {
      if (!(err instanceof ZipMemberError)) throw err;
    }
  }
  return out;
}

function report(anomalies: Anomaly[], code: TorchZipCode, names: string[], what: string, extra: Record<string, unknown> = {}): void {
  if (names.length === 0) return;
  anomalies.push({
    code,
    message: `${what} (${names.length}): ${names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ')}${names.length > 5 ? ', …' : ''}`,
    detail: { names: names.slice(0, 100), count: names.length, ...extra },
  });
}

function missing(anomalies: Anomaly[], name: string): void {
  anomalies.push({ code: 'torch/missing-record', message: `${JSON.stringify(name)} is missing: the loader fails`, detail: { name } });
}
