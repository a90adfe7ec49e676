import type { Anomaly, ByteReader } from '../../types.js';
import { zipAnomaly } from './anomalies.js';
import { buildEntries, localWants, type JoinedEntry } from './build.js';
import { decodeName, readAt, ReaderError } from './bytes.js';
import { readCentralRecords, type CentralReadResult, type CentralRecord } from './central.js';
import { checkEntry } from './checks-entry.js';
import { checkLayout } from './checks-layout.js';
import { checkNames } from './checks-names.js';
import {
  CENTRAL_HEADER_SIZE,
  DEFAULT_MAX_ENTRIES,
  EOCD_SIZE,
  LOCAL_HEADER_SIZE,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
} from './constants.js';
import { readEndRecords, type EndRecords } from './eocd.js';
import { readLocalHeaders } from './local.js';
import { isZipMagic } from './magic.js';
import type { ZipDirectory, ZipEntry } from './types.js';
import { linkEscapes } from '../archive/tar.js';
import { ZipMemberError } from './errors.js';
import { openMemberChecked } from './member.js';

export interface ReadZipDirectoryOptions {
  /** Stop after this many central-directory records (default 100 000). */
  maxEntries?: number;
}

/**
 * Reads a zip's structure from ranges only: the end records, the central directory and each
 * local header, never member data. Parse problems become anomalies; only reader I/O errors
 * throw. Entries follow PyTorch's miniz when byte 0 is a local header (torch would open it as
 * a zip) and Python's zipfile otherwise; where the other reader would see different entries,
 * they are in `alternateEntries`.
 */
export async function readZipDirectory(reader: ByteReader, opts: ReadZipDirectoryOptions = {}): Promise<ZipDirectory> {
  const maxEntries = Math.max(1, Math.floor(opts.maxEntries ?? DEFAULT_MAX_ENTRIES));
  try {
    return await readDirectory(reader, maxEntries);
  } catch (err) {
    if (err instanceof ReaderError) throw err.original;
    return {
      entries: [],
      prependedBytes: 0,
      anomalies: [zipAnomaly('zip/parse-error', 'the zip structure could not be interpreted', { error: String(err) })],
      fatal: true,
    };
  }
}

const endRecordBytes = (v: EndRecords) => (v.zip64 ? ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE : 0);

async function readDirectory(reader: ByteReader, maxEntries: number): Promise<ZipDirectory> {
  const anomalies: Anomaly[] = [];
  const magic = isZipMagic(await readAt(reader, 0, 4));
  const end = await readEndRecords(reader);
  anomalies.push(...end.anomalies);
  if (!end.loader || !end.generic) return { entries: [], prependedBytes: 0, anomalies, fatal: true };
  const loaderEnd = end.loader;
  const genericEnd = end.generic;

  // miniz: bytes between the directory and the end records shrink its idea of the archive but
  // shift nothing. Python: the same bytes ("concat") are added to every offset it reads.
  const loaderGap = loaderEnd.eocdOffset - (loaderEnd.cdOffset + loaderEnd.cdSize) - endRecordBytes(loaderEnd);
  const concat = genericEnd.eocdOffset - genericEnd.cdSize - genericEnd.cdOffset - endRecordBytes(genericEnd);
  const genericStart = genericEnd.cdOffset + concat;

  if (magic) {
    reportRejection(loaderEnd, 'loader', anomalies);
    checkLoaderGeometry(loaderEnd, loaderGap, reader.size, anomalies);
  }
  if (genericEnd.rejected?.code !== 'zip/multiple-eocd') reportRejection(genericEnd, 'generic', anomalies);
  if (!(genericStart >= 0)) {
    anomalies.push(zipAnomaly('zip/bad-offset', 'the central directory would start before the file: Python zipfile rejects the archive', {
      reader: 'generic', statedOffset: genericEnd.cdOffset, shift: concat, effect: 'rejects-archive',
    }, genericEnd.eocdOffset));
  }

  const read = (start: number, size: number, who: 'loader' | 'generic') =>
    readCentralRecords(reader, start, size, { maxEntries, who });

  let loaderParse: CentralReadResult | undefined;
  let loaderRecords: CentralRecord[] = [];
  if (magic) {
    loaderParse = await read(loaderEnd.cdOffset, loaderEnd.cdSize, 'loader');
    loaderRecords = loaderParse.records.slice(0, loaderEnd.entriesTotal);
  }
  const sameStart = magic && genericStart === loaderEnd.cdOffset && genericEnd.cdSize === loaderEnd.cdSize;
  let genericParse: CentralReadResult | undefined;
  if (sameStart) genericParse = loaderParse;
  else if (genericStart >= 0 && !genericEnd.rejected) genericParse = await read(genericStart, genericEnd.cdSize, 'generic');
  else if (!magic) genericParse = await read(Math.max(0, genericStart), genericEnd.cdSize, 'generic');
  const genericRecords = genericParse?.records ?? [];

  const primaryParse = magic ? loaderParse! : genericParse;
  if (primaryParse) anomalies.push(...primaryParse.anomalies);
  if (magic && genericParse && genericParse !== loaderParse) {
    anomalies.push(...genericParse.anomalies.map((a) => ({ ...a, detail: { ...a.detail, reader: 'generic' } })));
  }
  const primaryRecords = magic ? loaderRecords : genericRecords;
  const shift = magic ? 0 : concat;

  if (magic && loaderParse && loaderParse.stopped !== 'limit' && loaderEnd.entriesTotal !== loaderParse.records.length) {
    anomalies.push(zipAnomaly('zip/entry-count-mismatch', `the end record declares ${loaderEnd.entriesTotal} entries, the central directory holds ${loaderParse.records.length}`, {
      declared: loaderEnd.entriesTotal,
      recordsInDirectory: loaderParse.records.length,
      loaderReads: Math.min(loaderEnd.entriesTotal, loaderParse.records.length),
      genericReads: genericRecords.length,
      loader: loaderEnd.entriesTotal > loaderParse.records.length ? 'rejects-archive' : 'ignores-extra-records',
    }, loaderEnd.eocdOffset));
  }

  const alternate = magic && genericParse && !genericEnd.rejected &&
    (concat !== 0 || genericRecords.length !== loaderRecords.length);
  const wants = [...localWants(primaryRecords, shift), ...(alternate ? localWants(genericRecords, concat) : [])];
  if (reader.prefetch) {
    try {
      await reader.prefetch(localHeaderWindows(wants));
    } catch (err) {
      throw new ReaderError(err);
    }
  }
  const locals = await readLocalHeaders(reader, wants);
  const joined = buildEntries(primaryRecords, shift, locals);
  const entries = joined.map((j) => j.entry);

  if (primaryParse?.stopped === 'limit') {
    anomalies.push(zipAnomaly('zip/too-many-entries', `more than ${maxEntries} entries: only the first ${maxEntries} were read`, {
      limit: maxEntries,
      declared: (magic ? loaderEnd : genericEnd).entriesTotal,
    }, (magic ? loaderEnd : genericEnd).eocdOffset));
  }

  const prependedBytes = magic ? 0 : firstHeaderOffset(joined, genericStart);
  if (!magic) {
    anomalies.push(zipAnomaly('zip/prepended-data', `${prependedBytes} bytes precede the first local header: torch sees no zip magic at byte 0 and loads the file as a legacy pickle, a generic reader opens it as a zip`, {
      prependedBytes,
      shift: concat,
      loader: 'not-a-zip',
      generic: 'reads-zip',
    }, 0));
  }

  const dir: ZipDirectory = {
    entries,
    prependedBytes,
    anomalies,
    view: magic ? 'loader' : 'generic',
    eocdOffset: loaderEnd.eocdOffset,
    centralDirectoryOffset: magic ? loaderEnd.cdOffset : genericStart,
    centralDirectorySize: magic ? loaderEnd.cdSize : genericEnd.cdSize,
    zip64: (magic ? loaderEnd : genericEnd).zip64,
  };
  if (end.comment && end.comment.length > 0) dir.comment = decodeName(end.comment, false);

  if (alternate) {
    dir.alternateEntries = buildEntries(genericRecords, concat, locals).map((j) => j.entry);
    if (concat !== 0 && genericEnd.cdSize > 0) {
      anomalies.push(zipAnomaly('zip/central-directory-shift', `the central directory is ${concat} bytes from where the end record puts it: PyTorch and Python zipfile read different directories`, {
        statedOffset: loaderEnd.cdOffset,
        genericOffset: genericStart,
        shift: concat,
        loaderEntries: entries.map((e) => e.name).slice(0, 50),
        genericEntries: dir.alternateEntries.map((e) => e.name).slice(0, 50),
      }, genericStart));
    }
  }

  const ctx = {
    fileSize: reader.size,
    loaderArchiveSize: reader.size - Math.max(0, loaderGap),
    diskNumber: loaderEnd.diskNumber,
    loaderApplies: magic,
  };
  for (const j of joined) checkEntry(j, ctx, anomalies);
  await readLinkTargets(reader, entries, anomalies);
  checkNames(dir, magic, anomalies);
  const endStart = (magic ? loaderEnd : genericEnd).zip64RecordOffset ?? loaderEnd.eocdOffset;
  checkLayout(entries, prependedBytes, { offset: dir.centralDirectoryOffset!, size: dir.centralDirectorySize! },
    { offset: endStart, size: loaderEnd.eocdOffset + EOCD_SIZE - endStart }, reader.size, anomalies);

  if (primaryRecords.length === 0 && (magic ? loaderEnd : genericEnd).entriesTotal > 0) dir.fatal = true;
  return dir;
}

/** How far apart local headers may be and still be read together (readLocalHeaders' own grouping). */
const LOCAL_READ_WINDOW = 64 * 1024;

/**
 * The ranges readLocalHeaders will read, grouped as it groups them: a remote reader fetches them
 * all at once instead of one round trip per group. Each header is its 30 bytes, the name the
 * central directory gave and 64 bytes of extra field.
 */
function localHeaderWindows(wants: ReadonlyArray<{ offset: number; nameHint: number }>): Array<[number, number]> {
  const ends = new Map<number, number>();
  for (const w of wants) {
    if (!Number.isFinite(w.offset) || w.offset < 0) continue;
    ends.set(w.offset, Math.max(ends.get(w.offset) ?? 0, w.offset + LOCAL_HEADER_SIZE + w.nameHint + 64));
  }
  const offsets = [...ends.keys()].sort((a, b) => a - b);
  const windows: Array<[number, number]> = [];
  for (const off of offsets) {
    const last = windows.at(-1);
    const end = ends.get(off)!;
    if (last && end - last[0] <= LOCAL_READ_WINDOW) last[1] = Math.max(last[1], end);
    else windows.push([off, end]);
  }
  return windows;
}

/** Longest symlink target read: a link target is a path, not data. */
const MAX_LINK_TARGET = 4096;

/**
 * A zip symlink's target is its data: read it when small, so the rule can tell a link that
 * stays inside the extraction folder from one that points out of it.
 */
async function readLinkTargets(reader: ByteReader, entries: ZipEntry[], anomalies: Anomaly[]): Promise<void> {
  for (const a of anomalies) {
    if (a.code !== 'zip/symlink') continue;
    const entry = entries.find((e) => e.index === a.detail?.index);
    if (!entry || entry.compressedSize > MAX_LINK_TARGET || entry.uncompressedSize > MAX_LINK_TARGET) continue;
    try {
      const opened = await openMemberChecked(reader, entry, { maxBytes: MAX_LINK_TARGET });
      const bytes = await opened.reader.read(0, MAX_LINK_TARGET);
      const linkName = new TextDecoder('utf-8').decode(bytes);
      const escapes = linkEscapes(entry.name, linkName, 'symlink');
      a.detail = { ...a.detail, linkName, escapes };
      a.message = `member ${JSON.stringify(entry.name)} is a symbolic link to ${JSON.stringify(linkName)}`;
    } catch (err) {
      if (err instanceof ZipMemberError) continue;
      throw err instanceof ReaderError ? err : new ReaderError(err);
    }
  }
}

function reportRejection(view: EndRecords, who: 'loader' | 'generic', anomalies: Anomaly[]): void {
  if (!view.rejected) return;
  const reader = who === 'loader' ? 'PyTorch (miniz)' : 'Python zipfile';
  anomalies.push(zipAnomaly(view.rejected.code, `${reader} rejects the archive: ${view.rejected.reason}`, {
    reader: who,
    effect: 'rejects-archive',
    reason: view.rejected.reason,
  }, view.eocdOffset));
}

/** The archive-level checks of miniz's mz_zip_reader_read_central_dir, each one a reason PyTorch refuses the file. */
function checkLoaderGeometry(v: EndRecords, gap: number, size: number, anomalies: Anomaly[]): void {
  const base = { reader: 'loader', effect: 'rejects-archive' };
  if (v.entriesTotal !== v.entriesOnDisk || ((v.diskNumber | v.cdDisk) !== 0 && (v.diskNumber !== 1 || v.cdDisk !== 1))) {
    anomalies.push(zipAnomaly('zip/multi-disk', 'disk numbers or per-disk counts describe a multi-volume archive: miniz rejects it', {
      ...base, diskNumber: v.diskNumber, cdDisk: v.cdDisk, entriesOnDisk: v.entriesOnDisk, entriesTotal: v.entriesTotal,
    }, v.eocdOffset));
  }
  if (v.cdSize < v.entriesTotal * CENTRAL_HEADER_SIZE) {
    anomalies.push(zipAnomaly('zip/corrupt-central-directory', `the central directory (${v.cdSize} bytes) is too small for ${v.entriesTotal} entries`, {
      ...base, cdSize: v.cdSize, entriesTotal: v.entriesTotal,
    }, v.eocdOffset));
  }
  if (!(v.cdOffset + v.cdSize <= size)) {
    anomalies.push(zipAnomaly('zip/truncated', 'the central directory extends past the end of the file', {
      ...base, cdOffset: v.cdOffset, cdSize: v.cdSize, fileSize: size,
    }, v.eocdOffset));
  } else if (gap < 0) {
    anomalies.push(zipAnomaly('zip/bad-offset', 'the central directory overlaps the end records', {
      ...base, cdOffset: v.cdOffset, cdSize: v.cdSize, eocdOffset: v.eocdOffset, zip64: v.zip64,
    }, v.eocdOffset));
  }
}

function firstHeaderOffset(joined: JoinedEntry[], fallback: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (const j of joined) if (j.entry.localHeaderOffset >= 0 && j.entry.localHeaderOffset < min) min = j.entry.localHeaderOffset;
  return Number.isFinite(min) ? min : Math.max(0, Number.isFinite(fallback) ? fallback : 0);
}
