import type { Artifact, FormatId, Severity } from '../types.js';

/** The BOM formats `modelvet bom` writes. */
export type BomSpec = 'cyclonedx-1.6' | 'cyclonedx-1.7' | 'spdx-3.0.1';
export const BOM_SPECS: readonly BomSpec[] = ['cyclonedx-1.6', 'cyclonedx-1.7', 'spdx-3.0.1'];

/** What a file is to the model: decides how it is described and flagged. */
export type BomFileRole = 'weights' | 'config' | 'tokenizer' | 'chat-template' | 'code' | 'card' | 'license' | 'signature' | 'other';

export interface BomFile {
  /** `/`-separated, relative to the model folder / repo root. */
  path: string;
  size: number;
  /** SHA-256 of the content: hashed locally, or the Hub's LFS SHA-256. Never a git blob SHA-1 or Xet hash. */
  sha256?: string;
  sha256Source?: 'local' | 'hub-lfs';
  format?: FormatId;
  role: BomFileRole;
  /** Loading it can run code: pickle-based weights, `.py` files loaded by `trust_remote_code`. */
  executesCode?: boolean;
}

/** A licence as a source declared it. */
export type BomLicense =
  /** A valid SPDX expression (`MIT`, `Apache-2.0`, `MIT OR Apache-2.0`), corrected where spdx-correct could. */
  | { kind: 'spdx'; expression: string; declared: string }
  /** A licence with no SPDX id (`llama3.2`, `gemma`, `other` + license_name): by name, with its link when known. */
  | { kind: 'named'; name: string; url?: string; declared: string };

export interface BomDataset {
  /** As the card names it: a Hub dataset id (`org/name`) or a free name. */
  name: string;
  /** A Hub dataset id, when `name` is one. */
  hubId?: string;
  url?: string;
  /** `training`: card `datasets`; `evaluation`: `model-index` results. Never mixed. */
  role: 'training' | 'evaluation';
}

export interface BomMetric {
  /** `accuracy`, `f1`, … (`metrics[].type`). */
  type: string;
  /** As written, stringified (CycloneDX wants a string). */
  value: string;
  name?: string;
  task?: string;
  /** Evaluation dataset: id/name, config, split. */
  dataset?: { name: string; hubId?: string; config?: string; split?: string };
}

export interface BomAncestor {
  /** `org/name` of the base model as written. */
  repo: string;
  /** `base_model_relation`, or what the source implies (an adapter_config → `adapter`). */
  relation?: 'adapter' | 'merge' | 'quantized' | 'finetune';
  /** 40-hex commit, when a source pins it. */
  commit?: string;
  source: 'card' | 'adapter_config' | 'gguf';
}

export interface BomChatTemplate {
  /** `default` or the template's name (tokenizer_config may carry several). */
  name: string;
  /** The file that carries it (tokenizer_config.json, chat_template.jinja, model.gguf). */
  file: string;
  /** SHA-256 of the template text (UTF-8). */
  sha256: string;
}

/** One of the scan's findings, as the BOM carries it. */
export interface BomVerdict {
  ruleId: string;
  severity: Severity;
  /** File path relative to the model root. */
  path: string;
  message: string;
}

/** A hyperparameter under the official `cdx:ai-ml:model:hyperparameter:*` names (key without the prefix). */
export interface BomHyperparameter {
  key: string;
  value: string;
  /** The file it was read from (config.json, a GGUF header). */
  source: string;
}

/**
 * Everything `modelvet bom` knows about one model, spec-neutral. Extraction fills it from real sources
 * only (never a default or placeholder: a field without a source stays absent); writers turn it into
 * CycloneDX or SPDX.
 */
export interface BomFacts {
  model: {
    /** `org/name` when known, else the folder's name. */
    name: string;
    /** Hub repo id when the source is known (Hub, HF cache layout, or a lock/card that pins it). */
    repo?: string;
    /** 40-hex lowercase commit. */
    commit?: string;
    /** `pkg:huggingface/org/name@<commit>`; only with repo and commit. */
    purl?: string;
    source: 'folder' | 'hf-cache' | 'hub';
    /** The Hub endpoint the repo lives on, for URLs (default https://huggingface.co). */
    endpoint?: string;
    /** Publisher (the repo's namespace). */
    supplier?: string;
    description?: string;
  };
  licenses: BomLicense[];
  /** Hub `pipeline_tag`. */
  task?: string;
  /** config.json `architectures[0]`. */
  architecture?: string;
  /** config.json `model_type` / GGUF `general.architecture`. */
  architectureFamily?: string;
  libraryName?: string;
  languages: string[];
  tags: string[];
  parameterCount?: { value: number; source: string };
  hyperparameters: BomHyperparameter[];
  datasets: BomDataset[];
  metrics: BomMetric[];
  ancestors: BomAncestor[];
  chatTemplates: BomChatTemplate[];
  files: BomFile[];
  verdicts: BomVerdict[];
  tool: { name: 'modelvet'; version: string };
  /** ISO 8601; only with `--timestamp` (output is reproducible otherwise). */
  timestamp?: string;
}

/**
 * Where extraction reads from: a local folder, an HF cache snapshot, or a Hub repo read by ranges.
 * Every read is bounded; nothing reads a whole weights file.
 */
export interface FactSource {
  kind: BomFacts['model']['source'];
  /** Display name of the root (folder path or `hf:org/name@commit`). */
  root: string;
  identity: { repo?: string; commit?: string; endpoint?: string };
  files: ReadonlyArray<{ path: string; size: number; sha256?: string; sha256Source?: 'local' | 'hub-lfs' }>;
  /** A small file's text (UTF-8), or undefined when absent or larger than maxBytes. */
  readText(path: string, maxBytes: number): Promise<string | undefined>;
  /** The file as modelvet's parsers see it (safetensors header, GGUF metadata, templates). */
  analyse(path: string): Promise<Artifact | undefined>;
  /** The scan's findings for this model (scan of the folder, or check of the repo). */
  verdicts(): Promise<BomVerdict[]>;
}

/** A writer's result: the document text, or every error validation found (then nothing is written). */
export type BomWriteResult = { ok: true; text: string } | { ok: false; errors: string[] };
