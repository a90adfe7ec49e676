import type { Anomaly } from '../../types.js';
import { zipAnomaly, type ZipAnomalyCode } from './anomalies.js';
import type { ZipEntry } from './types.js';

/** A member that cannot be opened as asked; `anomaly` is ready for the artifact. */
export class ZipMemberError extends Error {
  readonly anomaly: Anomaly;

  constructor(readonly code: ZipAnomalyCode, message: string, entry: ZipEntry, detail: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ZipMemberError';
    this.anomaly = zipAnomaly(code, message, { name: entry.name, index: entry.index, ...detail }, entry.dataOffset);
  }
}

/** The member inflates beyond the byte budget: the caller records it, never analyses a prefix silently. */
export class ZipLimitError extends ZipMemberError {
  constructor(entry: ZipEntry, readonly limit: number) {
    super('zip/member-too-large', `member ${JSON.stringify(entry.name)} inflates beyond ${limit} bytes`, entry, {
      limit,
      declaredSize: entry.uncompressedSize,
    });
    this.name = 'ZipLimitError';
  }
}
