import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { CODES, type SafetensorsCode } from './codes.js';

/** A header can hold a million broken tensors; past this many the rest are counted, not listed. */
export const MAX_ANOMALIES = 100;

/** Anomalies of one artifact, capped so a hostile header yields a readable report. */
export class AnomalyList {
  readonly items: Anomaly[] = [];
  private dropped = 0;

  constructor(private readonly max = MAX_ANOMALIES) {}

  add(code: SafetensorsCode, message: string, offset?: number, detail?: Record<string, unknown>): void {
    if (this.items.length < this.max) this.items.push(anomaly(code, message, offset, detail));
    else this.dropped++;
  }

  /** The list, with one closing anomaly that says how many more there were. */
  done(): Anomaly[] {
    if (this.dropped === 0) return this.items;
    return [...this.items, anomaly(CODES.anomalyLimit, `${this.dropped} further violations were found and not listed`, undefined, { unlisted: this.dropped, listed: this.max })];
  }
}

/** A name from the file, quoted and shortened for a one-line message (control characters escaped). */
export function quote(name: string, max = 80): string {
  const shown = name.length > max ? `${name.slice(0, max - 1)}…` : name;
  return JSON.stringify(shown);
}
