import type { Anomaly } from '../../types.js';
import { anomaly } from '../anomaly.js';
import { BOM_CODES } from './codes.js';
import type { Segments } from './json.js';
import type { BomLimits } from './limits.js';
import type { BomComponent } from './types.js';

/** A component as a spec reader finds it; the collector fills in where it is and what it holds. */
export type FoundComponent = Omit<BomComponent, 'pointer' | 'parts' | 'subject' | 'location' | 'hub' | 'lineage'> & {
  hub?: Omit<NonNullable<BomComponent['hub']>, 'pointer' | 'location'> & { segments: Segments };
  subject?: boolean;
  lineage?: boolean;
};

/**
 * What the spec readers share: the components in document order, the path of each (to point at
 * it and find its line), the element budget and the anomalies met on the way. Each anomaly of a
 * kind is recorded once, with a count where there were several.
 */
export class BomCollector {
  readonly components: BomComponent[] = [];
  /** Path of keys and indices to each component, parallel to `components`. */
  readonly segments: Segments[] = [];
  /** Path to the purl or URL each Hub name was read from, by component index. */
  readonly hubSegments = new Map<number, Segments>();
  readonly anomalies: Anomaly[] = [];
  private elements = 0;
  private overLimit = false;
  private tooDeep = false;
  private notObjects = 0;
  private readonly partSets = new Map<number, Set<number>>();

  constructor(readonly limits: BomLimits) {}

  /** Counts one element read; false once past the budget (one anomaly says so). */
  take(): boolean {
    if (++this.elements <= this.limits.maxElements) return true;
    if (!this.overLimit) {
      this.overLimit = true;
      this.anomalies.push(anomaly(BOM_CODES.limit, `the BOM lists more than ${this.limits.maxElements} components, elements and relationships; the rest were not read, so what they say was not checked`, undefined, { limit: this.limits.maxElements }));
    }
    return false;
  }

  get exhausted(): boolean {
    return this.overLimit;
  }

  /** A component nested deeper than the limit: it and what it holds are not read. */
  nestedTooDeep(pointer: string): void {
    if (this.tooDeep) return;
    this.tooDeep = true;
    this.anomalies.push(anomaly(BOM_CODES.limit, `components are nested more than ${this.limits.maxDepth} levels deep (at ${pointer}); the deeper ones were not read`, undefined, { limit: this.limits.maxDepth, pointer }));
  }

  /** An entry of a list of components or elements that is not a JSON object: no consumer can read it. */
  notAnObject(): void {
    this.notObjects++;
  }

  malformed(message: string, detail?: Record<string, unknown>): void {
    this.anomalies.push(anomaly(BOM_CODES.malformed, message, undefined, detail));
  }

  add(found: FoundComponent, segments: Segments): number {
    const index = this.components.length;
    const { hub, subject, lineage, ...rest } = found;
    const component: BomComponent = { ...rest, pointer: '', parts: [], subject: subject ?? false, ...(lineage ? { lineage: true as const } : {}) };
    if (hub) {
      const { segments: at, ...name } = hub;
      component.hub = { ...name, pointer: '' };
      this.hubSegments.set(index, at);
    }
    this.components.push(component);
    this.segments.push(segments);
    return index;
  }

  /** Records that `whole` consists of `part` (once). */
  addPart(whole: number, part: number): void {
    if (whole === part) return;
    let seen = this.partSets.get(whole);
    if (!seen) this.partSets.set(whole, (seen = new Set()));
    if (seen.has(part)) return;
    seen.add(part);
    this.components[whole]!.parts.push(part);
  }

  /** Marks a component as named for lineage only, unless it is what the BOM describes. */
  markLineage(index: number): void {
    const c = this.components[index]!;
    if (!c.subject) c.lineage = true;
  }

  /** Anomalies that summarise the whole walk. */
  finish(): void {
    if (this.notObjects > 0) {
      this.malformed(`${this.notObjects} ${this.notObjects === 1 ? 'entry' : 'entries'} in the BOM's lists of components or elements ${this.notObjects === 1 ? 'is' : 'are'} not a JSON object; a consumer would reject or skip ${this.notObjects === 1 ? 'it' : 'them'}`, { entries: this.notObjects });
    }
  }
}
