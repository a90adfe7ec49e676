import type { CentralRecord } from './central.js';
import { bytesEqual } from './bytes.js';
import { DOS_DIRECTORY_ATTRIBUTE, HOST_UNIX, LOCAL_HEADER_SIZE } from './constants.js';
import type { LocalHeader } from './local.js';
import { setRawName } from './lookup.js';
import type { ZipEntry } from './types.js';

/** A central record joined with what its local header said, before checks. */
export interface JoinedEntry {
  entry: ZipEntry;
  record: CentralRecord;
  local: LocalHeader | undefined;
}

/**
 * Turns central records into entries as one reader sees them: `shift` is what that reader adds
 * to every stored offset (0 for miniz; Python zipfile's `concat`).
 */
export function buildEntries(records: readonly CentralRecord[], shift: number, locals: Map<number, LocalHeader>): JoinedEntry[] {
  return records.map((record) => {
    const localHeaderOffset = record.localHeaderOffset + shift;
    const local = locals.get(localHeaderOffset);
    const entry: ZipEntry = {
      name: record.name,
      method: record.method,
      flags: record.flags,
      crc32: record.crc32,
      compressedSize: record.compressedSize,
      uncompressedSize: record.uncompressedSize,
      localHeaderOffset,
      dataOffset:
        local && local.status === 'ok' ? local.dataOffset : localHeaderOffset + LOCAL_HEADER_SIZE + record.rawName.length,
      index: record.index,
    };
    if (local && local.status === 'ok') {
      if (local.name !== record.name || !bytesEqual(local.rawName, record.rawName)) entry.localName = local.name;
      if (local.flags !== record.flags) entry.localFlags = local.flags;
    }
    if (record.madeBy >> 8 === HOST_UNIX) entry.unixMode = record.externalAttr >>> 16;
    if (record.name.endsWith('/') || (record.externalAttr & DOS_DIRECTORY_ATTRIBUTE) !== 0) entry.isDirectory = true;
    setRawName(entry, record.rawName);
    return { entry, record, local };
  });
}

/** The local-header offsets a set of records needs, with name lengths to size the reads. */
export function localWants(records: readonly CentralRecord[], shift: number): { offset: number; nameHint: number }[] {
  return records.map((r) => ({ offset: r.localHeaderOffset + shift, nameHint: r.rawName.length }));
}
