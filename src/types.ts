/**
 * The data model every stage shares: byte readers (sources), artifacts (parsers),
 * findings (rules) and the report (reporters). See DESIGN.md "Contracts".
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Random access to bytes. A source hands these out; nothing reads a whole file into memory. */
export interface ByteReader {
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Reads up to `length` bytes at `offset`. Returns fewer bytes only at the end of the data,
   * an empty array at or past the end. Never throws for an in-range request on a healthy source.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * A hint from a parser that knows where it will read next (a zip's local headers, from the
   * central directory): a remote reader fetches the ranges together; a local one ignores it.
   * Ranges are [start, end) and may overlap or exceed the data.
   */
  prefetch?(ranges: ReadonlyArray<readonly [number, number]>): Promise<void>;
}

export interface Location {
  offset?: number;
  /** 1-based. In a notebook, the line within `cell`. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** Notebook code cell, 1-based, counting code cells only. */
  cell?: number;
}

/**
 * A Hugging Face repository named somewhere: a download in code or a config, or a record in a
 * lockfile or BOM. Provenance rules (pinning, publishers) read these from any artifact.
 */
export interface ModelRef {
  /** `org/name`, or a bare legacy name (`gpt2`) as written. */
  repo: string;
  repoType: 'model' | 'dataset' | 'space';
  /** The revision as written: none given, a literal, or an expression whose value is not known statically. */
  revision: { kind: 'absent' } | { kind: 'literal'; value: string } | { kind: 'unknown'; text: string };
  /** `download`: loading fetches it (code, configs); `record`: it is written down (lockfile, BOM). */
  use: 'download' | 'record';
  /** What names it: a resolved callee (`transformers.AutoModel.from_pretrained`) or a config key path. */
  via: string;
  location?: Location;
}

export interface Finding {
  /** `category/name`, stable and documented. */
  ruleId: string;
  severity: Severity;
  /** Artifact path; `!` separates an archive from its member, nestable. */
  path: string;
  /** One sentence a person can act on. */
  message: string;
  location?: Location;
  evidence?: Record<string, unknown>;
  fix?: string;
}

/**
 * Something a parser met that a faithful loader or a generic reader would treat differently,
 * or that stopped faithful analysis. Parsers record anomalies; rules decide severities.
 */
export interface Anomaly {
  /** A stable code per parser family, e.g. `pickle/truncated`, `zip/duplicate-name`. */
  code: string;
  message: string;
  offset?: number;
  detail?: Record<string, unknown>;
}

/** Formats recognised by content. Later issues extend this union. */
export type FormatId =
  | 'pickle'
  | 'pytorch-zip'
  | 'pytorch-legacy'
  | 'pytorch-legacy-tar'
  | 'torchscript'
  | 'zip'
  | 'numpy'
  | 'compressed'
  | 'safetensors'
  | 'safetensors-index'
  | 'gguf'
  | 'chat-template'
  | 'tokenizer-config'
  | 'keras'
  | 'hdf5'
  | 'onnx'
  | 'tf-savedmodel'
  | 'tar'
  | '7z'
  | 'python-source'
  | 'notebook'
  | 'javascript-source'
  | 'model-config'
  | 'dependency-manifest'
  | 'modelvet-lock'
  | 'model-signature'
  | 'hub-repo'
  | 'ai-bom'
  | 'unknown';

export interface ArtifactBase {
  /** Display path, relative to the scan root where there is one; `!` for members. */
  path: string;
  format: FormatId;
  size: number;
  sha256?: string;
  anomalies: Anomaly[];
  /** Artifacts found inside this one (archive members, nested pickles). */
  children: Artifact[];
  /** Hub repositories this artifact names (code, configs, lockfiles). */
  modelRefs?: ModelRef[];
  /** Set on whole local files by the integrity pass: the digests expected of it and the one measured. */
  integrity?: IntegrityStatus;
}

export interface UnknownArtifact extends ArtifactBase {
  format: 'unknown';
}

// The format-specific artifacts are declared by their parser families and joined here.
import type { PickleArtifact } from './parsers/pickle/types.js';
import type { ZipArtifact } from './parsers/zip/types.js';

/** A `.npy` file; an object array's body is a pickle, analysed as its child. */
export interface NumpyArtifact extends ArtifactBase {
  format: 'numpy';
  numpy: { descr: unknown; shape: number[]; hasObject: boolean; version: string };
}

/** A whole-file compressed stream (joblib's compress=…); the decompressed content is its child. */
export interface CompressedArtifact extends ArtifactBase {
  format: 'compressed';
  compression: { kind: string; decompressedSize?: number };
}
import type { TorchZipArtifact, TorchLegacyArtifact, TorchLegacyTarArtifact } from './parsers/torch/types.js';
import type { SafetensorsArtifact, SafetensorsIndexArtifact } from './parsers/safetensors/types.js';
import type { GgufArtifact } from './parsers/gguf/types.js';
import type { ChatTemplateArtifact, TokenizerConfigArtifact } from './parsers/template/types.js';
import type { KerasArtifact, Hdf5Artifact } from './parsers/keras/types.js';
import type { OnnxArtifact } from './parsers/onnx/types.js';
import type { SavedModelArtifact } from './parsers/tensorflow/types.js';
import type { TarArtifact, SevenZipArtifact } from './parsers/archive/types.js';
import type { CodeArtifact } from './parsers/code/types.js';
import type { ModelConfigArtifact } from './parsers/model-config/types.js';
import type { DependencyArtifact } from './parsers/deps/types.js';
import type { ModelvetLockArtifact } from './parsers/modelvet-lock/types.js';
import type { ModelSignatureArtifact } from './parsers/model-signature/types.js';
import type { IntegrityStatus } from './integrity/types.js';
import type { FetchSummary, HubRepoArtifact } from './check/types.js';
import type { BomArtifact } from './parsers/bom/types.js';

export type Artifact =
  | UnknownArtifact
  | PickleArtifact
  | TorchZipArtifact
  | TorchLegacyArtifact
  | TorchLegacyTarArtifact
  | ZipArtifact
  | NumpyArtifact
  | CompressedArtifact
  | SafetensorsArtifact
  | SafetensorsIndexArtifact
  | GgufArtifact
  | ChatTemplateArtifact
  | TokenizerConfigArtifact
  | KerasArtifact
  | Hdf5Artifact
  | OnnxArtifact
  | SavedModelArtifact
  | TarArtifact
  | SevenZipArtifact
  | CodeArtifact
  | ModelConfigArtifact
  | DependencyArtifact
  | ModelvetLockArtifact
  | ModelSignatureArtifact
  | HubRepoArtifact
  | BomArtifact;

export interface ReportArtifact {
  path: string;
  format: FormatId;
  size: number;
  sha256?: string;
}

export interface ReportError {
  path?: string;
  message: string;
}

export interface Report {
  tool: { name: 'modelvet'; version: string };
  artifacts: ReportArtifact[];
  findings: Finding[];
  summary: Record<Severity, number> & { files: number };
  errors: ReportError[];
  /** Suppressions that matched, and ones that have expired (they no longer apply). */
  suppressed?: Array<{ finding: Finding; reason: string; until?: string }>;
  /** `modelvet check`: what was fetched from the Hub, per repo and file. */
  fetch?: FetchSummary;
  /** With the result cache on: files whose findings were reused (hits) and files analysed and stored (misses). */
  cache?: { hits: number; misses: number };
}
