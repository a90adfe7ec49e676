import type { Anomaly } from '../../types.js';
import type { PickleBudgets, PickleCall, PickleImport, UnresolvedCallable } from './types.js';
import { anomaly } from './anomalies.js';
import type { Value } from './values.js';

/** A call to a known deserializer, examined for a nested payload once the streams are read. */
export interface NestedCandidate {
  via: string;
  kind: 'pickle' | 'container' | 'marshal';
  offset: number;
  /** The first positional argument (bytes, file object, …). */
  arg: Value | undefined;
}

/**
 * What one analysis found, append-only. Past `maxRecords` entries per list, an entry is kept only
 * when it names something not recorded yet, so a million repeats of one GLOBAL cost a counter.
 */
export class Recorder {
  readonly imports: PickleImport[] = [];
  readonly calls: PickleCall[] = [];
  readonly unresolved: UnresolvedCallable[] = [];
  readonly anomalies: Anomaly[] = [];
  readonly candidates: NestedCandidate[] = [];
  /** Offsets of GLOBAL/INST/STACK_GLOBAL opcodes the VM resolved, so resync does not repeat them. */
  readonly importOffsets = new Set<number>();
  /** Calls by opcode offset, so a second reading of the same bytes (a frame fork) does not repeat them. */
  private readonly callAt = new Set<string>();
  private readonly importAt = new Set<string>();

  private readonly maxRecords: number;
  private readonly keys = { imports: new Set<string>(), calls: new Set<string>(), unresolved: new Set<string>() };
  private dropped = { imports: 0, calls: 0, unresolved: 0 };
  private droppedNoted = false;

  constructor(budgets: PickleBudgets) {
    this.maxRecords = budgets.maxRecords ?? 100_000;
  }

  private admit(list: 'imports' | 'calls' | 'unresolved', length: number, key: string): boolean {
    const keys = this.keys[list];
    if (length < this.maxRecords) {
      if (keys.size < this.maxRecords) keys.add(key);
      return true;
    }
    // Distinct names are kept too, up to a hard ceiling that bounds memory for a pickle of
    // millions of different made-up names.
    if (!keys.has(key) && keys.size < this.maxRecords * 4) {
      keys.add(key);
      return true;
    }
    this.dropped[list]++;
    if (!this.droppedNoted) {
      this.droppedNoted = true;
      this.anomalies.push(
        anomaly('pickle/records-truncated', `more than ${this.maxRecords} ${list} entries: further repeats of recorded callables are counted, not listed`, undefined, { budget: 'maxRecords' }),
      );
    }
    return false;
  }

  /** Whether this exact import (same opcode, same names) was recorded: a frame fork re-reading it adds nothing. */
  hasImport(offset: number, module: string, name: string): boolean {
    return this.importAt.has(`${offset}\u0000${module}\u0000${name}`);
  }

  addImport(imp: PickleImport): void {
    if (this.importAt.size < this.maxRecords * 4) this.importAt.add(`${imp.offset}\u0000${imp.module}\u0000${imp.name}`);
    if (this.admit('imports', this.imports.length, `${imp.module}\u0000${imp.name}\u0000${imp.via}`)) this.imports.push(imp);
  }

  /** Returns the index of the kept record, or -1. */
  addCall(call: PickleCall): number {
    const t = call.target;
    const key = `${call.via}\u0000${t.kind === 'global' ? `${t.module}\u0000${t.name}` : t.reason}`;
    if (this.callAt.size < this.maxRecords * 4) this.callAt.add(`${call.via}@${call.offset}`);
    if (!this.admit('calls', this.calls.length, key)) return -1;
    this.calls.push(call);
    return this.calls.length - 1;
  }

  seenCall(via: string, offset: number): boolean {
    return this.callAt.has(`${via}@${offset}`);
  }

  addUnresolved(u: UnresolvedCallable): void {
    if (this.admit('unresolved', this.unresolved.length, `${u.via}\u0000${u.reason}`)) this.unresolved.push(u);
  }

  addAnomaly(code: string, message: string, offset?: number, detail?: Record<string, unknown>): void {
    // Anomalies are few by construction except per-opcode ones; cap those like records.
    if (this.anomalies.length >= this.maxRecords) return;
    this.anomalies.push(anomaly(code, message, offset, detail));
  }

  /** Counts for the caller to roll back a speculative stream that turned out to be junk. */
  mark(): RecorderMark {
    return { imports: this.imports.length, calls: this.calls.length, unresolved: this.unresolved.length, anomalies: this.anomalies.length, candidates: this.candidates.length };
  }

  rollback(m: RecorderMark): void {
    for (const imp of this.imports.splice(m.imports)) this.importOffsets.delete(imp.offset);
    this.calls.splice(m.calls);
    this.unresolved.splice(m.unresolved);
    this.anomalies.splice(m.anomalies);
    this.candidates.splice(m.candidates);
  }

  /** Whether anything was named since `m`: a persistent id alone is not (a "PK" of a zip parses as PERSID). */
  foundSince(m: RecorderMark): boolean {
    return (
      this.imports.length > m.imports ||
      this.unresolved.length > m.unresolved ||
      this.calls.slice(m.calls).some((c) => c.via !== 'PERSID' && c.via !== 'BINPERSID')
    );
  }
}

export interface RecorderMark {
  imports: number;
  calls: number;
  unresolved: number;
  anomalies: number;
  candidates: number;
}
