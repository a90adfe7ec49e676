import type { Artifact, ByteReader, FormatId } from '../types.js';
import type { PickleBudgets } from '../parsers/pickle/types.js';

/**
 * Limits every parser shares; hitting one is an anomaly ("not fully analysed"), never a pass.
 * The defaults, the config keys (`limits:` in the config file) and what each reports are in
 * `src/engine/limits.ts`; `analyseOptionsFrom(config)` builds these from a configuration.
 */
export interface AnalyseOptions {
  /**
   * Bytes read from one file, all parsers together (re-reads count again). Past it reads return
   * nothing more; the caller's `fileByteBudget` records the anomaly on the file's root artifact.
   */
  maxFileBytes: number;
  /** How deep archives inside archives are opened. */
  maxDepth: number;
  /** Largest member (or decompressed stream) analysed; past it the rest is not read and an anomaly says so. */
  maxMemberBytes: number;
  /** Largest decompressed-to-compressed ratio accepted before a stream counts as a bomb. */
  maxCompressionRatio: number;
  /** Most members an archive may list before the rest are not opened. */
  maxArchiveMembers: number;
  /** Largest JSON header / config document read whole (safetensors header, config.json, tokenizer_config.json). */
  maxJsonBytes: number;
  /** Largest YAML document parsed (tighter than JSON: a YAML parser builds a node tree at about 1 MB/s). */
  maxYamlBytes: number;
  /** Wall-clock budget for parsing one source file (Python, notebook, JavaScript) with tree-sitter. */
  codeParseTimeMs: number;
  /** Wall-clock budget for analysing one file; enforced by the scan's worker pool, which abandons the file past it. */
  fileTimeBudgetMs: number;
  pickleBudgets: PickleBudgets;
}

/** What a format handler is shown to decide whether the bytes are its format. */
export interface SniffInput {
  /** The first bytes (up to HEAD_BYTES). */
  head: Uint8Array;
  size: number;
  /** Base name of the file or archive member (`model.onnx`, `tokenizer_config.json`); text formats are named by convention. */
  name: string;
}

/** Where an artifact sits on disk, when it is a whole local file (not an archive member). */
export interface LocalFile {
  absolutePath: string;
}

/**
 * Files beside the one analysed, wherever it lives (a local folder, a Hub repo at a commit): lets
 * a parser check what a loader would open next to it (safetensors shards, ONNX external data).
 * Paths are relative to this file's folder, `/`-separated, already checked not to escape it.
 */
export interface SiblingFiles {
  /** Where the siblings are, for messages: a folder path or `hf:org/name@commit`. */
  readonly where: string;
  /** The sibling's size, or undefined when there is no such regular file. */
  stat(relativePath: string): Promise<{ size: number } | undefined>;
  /** A reader over the sibling, or undefined when there is no such regular file. */
  open(relativePath: string): Promise<ByteReader | undefined>;
}

export interface AnalyseContext {
  /** Display path of the artifact being made. */
  path: string;
  /** Base name of the file or member. */
  name: string;
  depth: number;
  options: AnalyseOptions;
  /** Set when the bytes are a local file: lets a parser look beside it (ONNX external data, sharded safetensors). */
  file?: LocalFile;
  /** Set when the bytes are a whole remote file (`modelvet check`): its repo's other files. Local files use `file`. */
  siblings?: SiblingFiles;
  /** Analyses bytes found inside this artifact by content, one nesting level deeper (archive members, decompressed streams). */
  analyseChild(reader: ByteReader, childPath: string, name: string): Promise<Artifact>;
  /** Analyses bytes a loader is known to unpickle, whatever they look like (an object array's body). */
  analysePickle(reader: ByteReader, childPath: string): Promise<Artifact>;
}

/**
 * One format family's entry into the engine. `stage` orders detection: `magic` handlers run
 * before the pickle sniff (their magic is unambiguous), `named` ones after it (text and protobuf
 * formats found by name and confirmed by content), so a pickle never hides behind a name.
 */
export interface FormatHandler {
  format: FormatId;
  stage: 'magic' | 'named';
  sniff(input: SniffInput): boolean;
  analyse(reader: ByteReader, context: AnalyseContext): Promise<Artifact>;
}

/** A handler for zip archives of a known layout (a `.keras` file), offered each zip before the generic reading. */
export interface ZipFlavourHandler {
  format: FormatId;
  /** Member names from the central directory. */
  claims(memberNames: readonly string[], name: string): boolean;
  analyse(reader: ByteReader, context: AnalyseContext): Promise<Artifact>;
}
