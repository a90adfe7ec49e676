import type { AnalyseOptions } from '../../engine/format-handler.js';

/** The caps the GGUF parser works within, all derived from the shared analysis options. */
export interface GgufLimits {
  /** Bytes of header (key-values and tensor infos) walked; the GGUF header is the safetensors JSON header's analogue. */
  maxHeaderBytes: number;
  /** Tensor infos and key-value pairs read: both are the file's directory, like an archive's member list. */
  maxEntries: number;
}

export const ggufLimits = (options: AnalyseOptions): GgufLimits => ({
  maxHeaderBytes: options.maxJsonBytes,
  maxEntries: options.maxArchiveMembers,
});

/** Other metadata strings longer than this are measured, not kept: the BOM wants names and licences, not essays. */
export const KEPT_STRING_BYTES = 4096;
/** Keys longer than this are not real GGUF keys (the longest in use are under 100 bytes). */
export const MAX_KEY_BYTES = 64 * 1024;
/** Repeats of one anomaly code past this are counted in one closing anomaly instead of listed. */
export const ANOMALIES_PER_CODE = 8;
