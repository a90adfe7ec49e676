/** The fuzzer's vocabulary: seeds, the fields and regions a format keeps, mutations, and what a run found. */

/** How an integer field is stored. */
export type FieldEncoding =
  | { kind: 'uint'; width: 1 | 2 | 4 | 8; littleEndian: boolean }
  /** tar's numeric fields: NUL-terminated octal ASCII, or GNU base-256 when the value does not fit. */
  | { kind: 'octal'; width: number }
  /** A protobuf varint rewritten in the same number of bytes (redundant continuation bytes keep it valid). */
  | { kind: 'varint'; width: number };

/** An integer the format uses as a length, count, offset or index: the place a parser trusts the file. */
export interface Field {
  offset: number;
  encoding: FieldEncoding;
  /** What it is, for the regression record (`eocd.cdOffset`, `BINUNICODE.len`). */
  label: string;
}

/** A structural unit (a zip entry, a pickle opcode, a protobuf field, a tar block) that may be duplicated or dropped whole. */
export interface Region {
  start: number;
  end: number;
}

/** What a family knows of its bytes. Every function is total: hostile or mutated bytes give fewer fields, never a throw. */
export interface FamilySpec {
  id: string;
  /** Whether a seed belongs to the family, by content first and name second (as the engine detects). */
  claims(bytes: Uint8Array, name: string): boolean;
  /** Integer fields the format's readers trust. */
  fields?(bytes: Uint8Array): Field[];
  /** Units to duplicate, drop or swap. */
  regions?(bytes: Uint8Array): Region[];
  /** A JSON document inside the bytes (the safetensors header) or the whole file, rewritten by JSON mutations. */
  json?: JsonSlot;
  /** Repairs checksums a reader verifies before anything else (tar, 7z), so mutations reach the parser behind them. */
  fixup?(bytes: Uint8Array): Uint8Array;
  /** The bytes under a compression layer, and how to put them back (mutations then reach the inner format). */
  layer?: { open(bytes: Uint8Array): Uint8Array | undefined; close(inner: Uint8Array, original: Uint8Array): Uint8Array };
}

/** Where a JSON document lives in a file and how the file is rebuilt around a changed one. */
export interface JsonSlot {
  extract(bytes: Uint8Array): string | undefined;
  rebuild(bytes: Uint8Array, json: string): Uint8Array;
}

export interface Seed {
  /** Path relative to the repository (for the regression record). */
  file: string;
  /** The base name the engine is given: parsers choose by content and name. */
  name: string;
  family: string;
  bytes: Uint8Array;
}

export type FailureKind = 'exception' | 'rule-error' | 'timeout' | 'memory' | 'prototype-pollution' | 'crash';

export type Outcome =
  /** `heapMb`: the worker's heap after the run (a heap that only grows is a leak across inputs). */
  | { ok: true; ms: number; format: string; heapMb?: number }
  | { ok: false; kind: FailureKind; message: string; stack?: string; ms: number };
