import type { Anomaly, ByteReader } from '../../types.js';
import { zipAnomaly, type ZipAnomalyCode } from './anomalies.js';
import { readAt, u16, u32, u64 } from './bytes.js';
import {
  EOCD_SEARCH_WINDOW,
  EOCD_SIZE,
  SIG_EOCD,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_SIZE,
  ZIP64_LOCATOR_SIZE,
} from './constants.js';

/** What one reader takes from the end records: where the central directory is and how big. */
export interface EndRecords {
  eocdOffset: number;
  zip64: boolean;
  zip64RecordOffset?: number;
  entriesTotal: number;
  entriesOnDisk: number;
  cdSize: number;
  cdOffset: number;
  diskNumber: number;
  cdDisk: number;
  /** Set when this reader refuses the archive at this stage; says why. */
  rejected?: { code: ZipAnomalyCode; reason: string };
}

export interface EndRecordsResult {
  loader?: EndRecords;
  generic?: EndRecords;
  comment?: Uint8Array;
  anomalies: Anomaly[];
}

/**
 * Finds the end-of-central-directory record the way each reader does. miniz scans backwards
 * for the last signature with a whole record after it; Python zipfile first tries the last 22
 * bytes, then takes the last signature in the window and gives up if the record is cut short.
 */
export async function readEndRecords(reader: ByteReader): Promise<EndRecordsResult> {
  const anomalies: Anomaly[] = [];
  const scan = await scanTail(reader);
  const { tail, tailStart, whole, lastAny } = scan;
  if (whole.length === 0) {
    anomalies.push(
      zipAnomaly('zip/no-eocd', 'no end-of-central-directory record in the last 64 KiB: not a readable zip', {
        size: reader.size,
        searched: tail.length,
      }),
    );
    return { anomalies };
  }

  const loaderRel = whole[0]!;
  const genericRel = lastAny === loaderRel ? loaderRel : -1;
  // Another signature only matters when the record both readers pick does not end the file
  // exactly: stricter readers then look for one that does.
  const consistentAll = whole.filter((i) => i + EOCD_SIZE + u16(tail, i + 20) === tail.length);
  const consistent = consistentAll[0];
  if (genericRel < 0 || (whole.length > 1 && (consistentAll.length !== 1 || consistent !== loaderRel))) {
    anomalies.push(
      zipAnomaly(
        'zip/multiple-eocd',
        genericRel < 0
          ? 'an end-of-central-directory signature sits in the last 21 bytes: Python zipfile rejects the file, miniz uses an earlier record'
          : `${whole.length} end-of-central-directory signatures: readers that check the comment length pick another record`,
        {
          offsets: whole.map((i) => tailStart + i).reverse(),
          loaderOffset: tailStart + loaderRel,
          genericOffset: genericRel < 0 ? null : tailStart + genericRel,
          commentConsistentOffsets: consistentAll.map((i) => tailStart + i).reverse(),
        },
        tailStart + loaderRel,
      ),
    );
  }

  const eocdOffset = tailStart + loaderRel;
  const rec = tail.subarray(loaderRel, loaderRel + EOCD_SIZE);
  const commentLength = u16(rec, 20);
  const commentStart = loaderRel + EOCD_SIZE;
  const comment = tail.subarray(commentStart, Math.min(tail.length, commentStart + commentLength));
  checkTrailer(anomalies, eocdOffset, commentLength, reader.size, comment);

  const base: EndRecords = {
    eocdOffset,
    zip64: false,
    diskNumber: u16(rec, 4),
    cdDisk: u16(rec, 6),
    entriesOnDisk: u16(rec, 8),
    entriesTotal: u16(rec, 10),
    cdSize: u32(rec, 12),
    cdOffset: u32(rec, 16),
  };
  const loader = await applyZip64(reader, { ...base }, 'loader', anomalies);
  const generic: EndRecords = genericRel < 0
    ? { ...base, rejected: { code: 'zip/multiple-eocd', reason: 'truncated end-of-central-directory record after the last signature' } }
    : await applyZip64(reader, { ...base }, 'generic', anomalies);
  return { loader, generic, comment, anomalies };
}

interface TailScan {
  tail: Uint8Array;
  tailStart: number;
  /** Offsets (relative to tailStart) of signatures with a whole record after them, last first. */
  whole: number[];
  lastAny: number;
}

/**
 * Reads backwards from the end in growing steps, as miniz does, so a normal archive costs one
 * small read. The whole 64 KiB window is read only when the record found does not end the
 * file exactly, which is when other candidate records matter.
 */
async function scanTail(reader: ByteReader): Promise<TailScan> {
  const windowStart = Math.max(0, reader.size - EOCD_SEARCH_WINDOW - 1);
  let step = 4096;
  for (;;) {
    const tailStart = Math.max(windowStart, reader.size - step);
    const tail = await readAt(reader, tailStart, reader.size - tailStart);
    const whole: number[] = [];
    let lastAny = -1;
    for (let i = tail.length - 4; i >= 0; i--) {
      if (u32(tail, i) !== SIG_EOCD) continue;
      if (lastAny < 0) lastAny = i;
      if (tail.length - i >= EOCD_SIZE) whole.push(i);
    }
    const first = whole[0];
    const exact = first !== undefined && first + EOCD_SIZE + u16(tail, first + 20) === tail.length;
    if (exact || tailStart === windowStart) return { tail, tailStart, whole, lastAny };
    step *= 4;
  }
}

function checkTrailer(anomalies: Anomaly[], eocdOffset: number, commentLength: number, size: number, comment: Uint8Array): void {
  const end = eocdOffset + EOCD_SIZE + commentLength;
  if (end < size) {
    anomalies.push(
      zipAnomaly('zip/trailing-data', `${size - end} bytes after the end-of-central-directory record that no reader reads`, {
        start: end,
        length: size - end,
      }, end),
    );
  } else if (end > size) {
    anomalies.push(
      zipAnomaly('zip/truncated', 'the archive comment runs past the end of the file', {
        eocdOffset,
        commentLength,
        available: size - eocdOffset - EOCD_SIZE,
      }, eocdOffset),
    );
  }
  if (comment.length > 0 && looksLikeData(comment)) {
    anomalies.push(
      zipAnomaly('zip/comment-hides-data', 'the archive comment holds binary data, not text', {
        eocdOffset,
        commentLength: comment.length,
        head: Array.from(comment.subarray(0, 16)),
      }, eocdOffset + EOCD_SIZE),
    );
  }
}

/** Text comments are printable; anything with control bytes or zip signatures is carrying data. */
function looksLikeData(comment: Uint8Array): boolean {
  for (let i = 0; i < comment.length; i++) {
    const c = comment[i]!;
    if (c === 0x50 && comment[i + 1] === 0x4b && (comment[i + 2] ?? 9) < 9) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}

/**
 * ZIP64: miniz reads the record right before the locator and, failing that, wherever the
 * locator points; Python zipfile only looks right before the locator and silently ignores
 * ZIP64 when nothing is there.
 */
async function applyZip64(
  reader: ByteReader,
  view: EndRecords,
  who: 'loader' | 'generic',
  anomalies: Anomaly[],
): Promise<EndRecords> {
  const locatorOffset = view.eocdOffset - ZIP64_LOCATOR_SIZE;
  if (locatorOffset < 0) return view;
  const locator = await readAt(reader, locatorOffset, ZIP64_LOCATOR_SIZE);
  if (locator.length < ZIP64_LOCATOR_SIZE || u32(locator, 0) !== SIG_ZIP64_LOCATOR) return view;

  const locatorDisk = u32(locator, 4);
  const pointed = u64(locator, 8);
  const totalDisks = u32(locator, 16);
  const adjacent = view.eocdOffset - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE;

  if (who === 'generic' && (locatorDisk !== 0 || totalDisks > 1)) {
    return { ...view, rejected: { code: 'zip/multi-disk', reason: 'ZIP64 locator claims a multi-disk archive' } };
  }
  if (who === 'loader' && adjacent < 0) return { ...view, rejected: { code: 'zip/zip64-mismatch', reason: 'ZIP64 locator without room for a ZIP64 record' } };

  let recordOffset = adjacent;
  let record = adjacent >= 0 ? await readAt(reader, adjacent, ZIP64_EOCD_SIZE) : new Uint8Array(0);
  const adjacentValid = record.length === ZIP64_EOCD_SIZE && u32(record, 0) === SIG_ZIP64_EOCD;
  if (!adjacentValid || pointed !== adjacent) {
    if (who === 'loader') {
      anomalies.push(
        zipAnomaly('zip/zip64-mismatch', adjacentValid
          ? 'the ZIP64 locator points away from the ZIP64 record that precedes it'
          : 'no ZIP64 record before the locator: miniz follows the locator, Python zipfile ignores ZIP64 altogether', {
          locatorOffset,
          locatorPointsTo: pointed,
          adjacentOffset: adjacent,
          adjacentValid,
        }, locatorOffset),
      );
    }
  }
  if (!adjacentValid) {
    if (who === 'generic') return view;
    recordOffset = pointed;
    if (!(pointed <= reader.size - ZIP64_EOCD_SIZE)) return { ...view, rejected: { code: 'zip/zip64-mismatch', reason: 'ZIP64 locator points outside the file' } };
    record = await readAt(reader, pointed, ZIP64_EOCD_SIZE);
    if (record.length < ZIP64_EOCD_SIZE || u32(record, 0) !== SIG_ZIP64_EOCD) {
      return { ...view, rejected: { code: 'zip/zip64-mismatch', reason: 'no ZIP64 record where the locator points' } };
    }
  }

  const next: EndRecords = {
    ...view,
    zip64: true,
    zip64RecordOffset: recordOffset,
    diskNumber: u32(record, 16),
    cdDisk: u32(record, 20),
    entriesOnDisk: u64(record, 24),
    entriesTotal: u64(record, 32),
    cdSize: u64(record, 40),
    cdOffset: u64(record, 48),
  };
  if (who === 'loader') {
    if (u64(record, 4) < ZIP64_EOCD_SIZE - 12) next.rejected = { code: 'zip/zip64-mismatch', reason: 'ZIP64 record size field too small' };
    else if (totalDisks !== 1) next.rejected = { code: 'zip/multi-disk', reason: 'ZIP64 locator disk count is not 1' };
    else if (next.entriesTotal > 0xffffffff || next.cdSize > 0xffffffff) next.rejected = { code: 'zip/too-many-entries', reason: 'ZIP64 counts beyond miniz limits' };
  }
  return next;
}
