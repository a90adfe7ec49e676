import type { Anomaly } from '../../types.js';
import { zipAnomaly } from './anomalies.js';
import { FLAG_DATA_DESCRIPTOR } from './constants.js';
import type { ZipEntry } from './types.js';

const MAX_LISTED = 20;

interface Span {
  start: number;
  end: number;
  label: string;
  index: number;
  /** Followed by a data descriptor (flag 0x8), whose size is not recorded anywhere. */
  descriptor?: boolean;
}

/** Data descriptor sizes: CRC + 32- or 64-bit sizes, with or without the optional signature. */
const DESCRIPTOR_SIZES = new Set([12, 16, 20, 24]);

/**
 * Where members sit relative to each other: shared bytes (overlap: quoted-overlap zip bombs, a
 * member hidden in another) and bytes no entry covers (what a streaming reader could see as
 * extra members). Uses header offsets and sizes only; no member data is read.
 */
export function checkLayout(
  entries: readonly ZipEntry[],
  /** Where the archive starts: bytes before it are reported as prepended data, not here. */
  start: number,
  centralDirectory: { offset: number; size: number },
  endRecords: { offset: number; size: number },
  fileSize: number,
  out: Anomaly[],
): void {
  const spans: Span[] = entries
    .filter((e) => e.dataOffset >= 0 && Number.isFinite(e.dataOffset + e.compressedSize))
    .map((e) => ({
      start: e.localHeaderOffset,
      end: Math.min(fileSize, e.dataOffset + e.compressedSize),
      label: e.name,
      index: e.index,
      descriptor: (e.flags & FLAG_DATA_DESCRIPTOR) !== 0,
    }));
  if (centralDirectory.size > 0) {
    spans.push({
      start: centralDirectory.offset,
      end: Math.min(fileSize, centralDirectory.offset + centralDirectory.size),
      label: '(central directory)',
      index: -1,
    });
  }
  spans.push({ start: endRecords.offset, end: Math.min(fileSize, endRecords.offset + endRecords.size), label: '(end records)', index: -2 });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);

  const overlaps: Array<{ a: string; aIndex: number; b: string; bIndex: number; start: number; end: number }> = [];
  let overlapCount = 0;
  const gaps: Array<{ start: number; length: number }> = [];
  let gapBytes = 0;
  let reach: Span | undefined = { start, end: start, label: '(start)', index: -3 };
  for (const span of spans) {
    if (reach && span.start < reach.end) {
      overlapCount++;
      if (overlaps.length < MAX_LISTED) {
        overlaps.push({
          a: reach.label, aIndex: reach.index, b: span.label, bIndex: span.index,
          start: span.start, end: Math.min(reach.end, span.end),
        });
      }
    } else if (reach && span.start > reach.end && !(reach.descriptor && DESCRIPTOR_SIZES.has(span.start - reach.end))) {
      gapBytes += span.start - reach.end;
      if (gaps.length < MAX_LISTED) gaps.push({ start: reach.end, length: span.start - reach.end });
    }
    if (!reach || span.end > reach.end) reach = span;
  }

  if (overlapCount > 0) {
    out.push(zipAnomaly('zip/overlapping-members', `${overlapCount} member${overlapCount === 1 ? '' : 's'} share bytes with another`, {
      count: overlapCount,
      overlaps,
    }, overlaps[0]?.start));
  }
  if (gaps.length > 0) {
    out.push(zipAnomaly('zip/unreferenced-data', `${gapBytes} bytes between members belong to no entry`, {
      totalBytes: gapBytes,
      gaps,
    }, gaps[0]!.start));
  }
}
