import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { ANOMALIES_PER_CODE } from './limits.js';

/** Collects anomalies, listing the first few of each code so a hostile table of a million tensors stays one screen. */
export class AnomalySink {
  private readonly listed: Anomaly[] = [];
  private readonly counts = new Map<string, number>();

  add(code: string, message: string, offset?: number, detail?: Record<string, unknown>): void {
    const seen = this.counts.get(code) ?? 0;
    this.counts.set(code, seen + 1);
    if (seen < ANOMALIES_PER_CODE) this.listed.push(anomaly(code, message, offset, detail));
  }

  push(a: Anomaly): void {
    this.add(a.code, a.message, a.offset, a.detail);
  }

  has(predicate: (code: string) => boolean): boolean {
    return [...this.counts.keys()].some(predicate);
  }

  /** The listed anomalies, then one per code that had more than were listed. */
  finish(): Anomaly[] {
    const more = [...this.counts]
      .filter(([, n]) => n > ANOMALIES_PER_CODE)
      .map(([code, n]) => anomaly(code, `${n - ANOMALIES_PER_CODE} more ${code} anomalies of the same kind were found and not listed`, undefined, { more: n - ANOMALIES_PER_CODE }));
    return [...this.listed, ...more];
  }
}
