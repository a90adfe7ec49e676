import type { Anomaly, ArtifactBase } from '../../types.js';

/** How the pickle named a callable. */
export type ImportVia = 'GLOBAL' | 'STACK_GLOBAL' | 'INST' | 'EXT1' | 'EXT2' | 'EXT4';

/** How the pickle invoked something. BUILD counts: it may run `__setstate__` or setattr. */
export type CallVia = 'REDUCE' | 'INST' | 'OBJ' | 'NEWOBJ' | 'NEWOBJ_EX' | 'BUILD' | 'PERSID' | 'BINPERSID';

/**
 * A callable the unpickler would look up, as `find_class(module, name)` receives it
 * (after Python 2 → 3 name mapping where the protocol in force applies it).
 */
export interface PickleImport {
  module: string;
  name: string;
  via: ImportVia;
  /** Byte offset of the opcode that named it, from the start of the file/member. */
  offset: number;
  /** Protocol in force when it was named (from PROTO; 0 when absent). */
  protocol: number;
  /** Set when the names were mapped from Python 2 (`__builtin__` → `builtins`). */
  mappedFrom?: { module: string; name: string };
  /** For EXTn: the extension code. */
  extCode?: number;
  /** Found by scanning bytes after a break (not by the stack machine): a pattern that names a callable. */
  resync?: boolean;
}

/** A callable whose identity could not be established statically. */
export interface UnresolvedCallable {
  via: ImportVia | CallVia;
  offset: number;
  /** Why: e.g. "STACK_GLOBAL module operand is the result of a call". */
  reason: string;
}

/** The target of a call, as far as static analysis can tell. */
export type CallTarget =
  | { kind: 'global'; module: string; name: string }
  | { kind: 'unresolved'; reason: string };

export interface PickleCall {
  via: CallVia;
  offset: number;
  target: CallTarget;
  /** True when the result is discarded (POP right after) – it still runs. */
  discarded?: boolean;
  /** Short, bounded rendering of the arguments for evidence, e.g. `('ls -la',)`. */
  argsPreview?: string;
  /** PERSID/BINPERSID: the id's type name as the loader reads it (torch: 'storage'; legacy torch also 'module'). */
  persistentType?: string;
}

/** Bytes a call hands to another deserializer (`pickle.loads`, `torch.load`, `marshal.loads`, …). */
export interface NestedPayload {
  /** The deserializer, e.g. `pickle.loads`. */
  via: string;
  offset: number;
  /** Literal bytes are analysed recursively (a child artifact); computed ones cannot be. */
  literal: boolean;
  length?: number;
  /** The recursive analysis of literal bytes that are themselves a pickle. */
  analysis?: PickleAnalysis;
  /** The same literal bytes were already analysed for the entry at this index of `nested`. */
  duplicateOf?: number;
}

/** One pickle (PROTO … STOP) inside a stream; a file may hold several. */
export interface PickleStreamInfo {
  start: number;
  /** Offset just past STOP, or where analysis stopped. */
  end: number;
  protocol: number;
  opcodes: number;
  /** Whether STOP was reached. */
  complete: boolean;
  /** The value left by STOP when it is a literal int/str (e.g. the legacy torch magic number). */
  literalResult?: string | number | bigint;
  /** Found by resynchronising after junk or a break rather than right after the previous STOP. */
  resynced?: boolean;
}

export interface PickleAnalysis {
  streams: PickleStreamInfo[];
  imports: PickleImport[];
  calls: PickleCall[];
  unresolved: UnresolvedCallable[];
  nested: NestedPayload[];
  /** Highest protocol seen. */
  protocol: number;
  opcodeCount: number;
  /** Anomaly codes used: see ANOMALY_CODES in the engine. */
  anomalies: Anomaly[];
}

export interface PickleArtifact extends ArtifactBase {
  format: 'pickle';
  pickle: PickleAnalysis;
}

/** Limits that fail closed with an anomaly when exceeded. */
export interface PickleBudgets {
  maxOpcodes: number;
  maxMemo: number;
  maxStackDepth: number;
  /** Nested pickles inside pickles. */
  maxNesting: number;
  /** Further pickle streams read after the first STOP. */
  maxStreams: number;
  /** Bytes of unparseable trailing data searched for pickle opcodes after a break. */
  maxResyncBytes: number;
  /**
   * Entries kept per list (imports, calls, unresolved). Past it, only entries naming something not
   * yet recorded are kept, so memory stays bounded and no distinct callable is lost.
   */
  maxRecords?: number;
}
