/**
 * Every analysis limit in one place: its config key (`limits:` in the config file), its default,
 * the range a config may set, and what hitting it reports. A limit that is hit is an anomaly that
 * becomes a high finding saying "not fully analysed": a hostile file can make modelvet stop
 * early, never make it pass.
 *
 * This module must not import `analyse.ts` (which takes its defaults from here).
 */
import type { LimitsConfig, PickleLimitsConfig } from '../config/types.js';
import { PARSE_BUDGET_MS } from '../parsers/code/limits.js';
import { DEFAULT_CONFIG_LIMITS } from '../parsers/model-config/limits.js';
import { DEFAULT_PICKLE_BUDGETS } from '../parsers/pickle/budgets.js';
import type { PickleBudgets } from '../parsers/pickle/types.js';
import type { Anomaly, Artifact, ByteReader } from '../types.js';
import { UsageError } from '../util/errors.js';
import type { AnalyseOptions } from './format-handler.js';

type TopKey = Exclude<keyof LimitsConfig, 'pickle'>;
type PickleKey = keyof PickleLimitsConfig & keyof PickleBudgets;
export type LimitKey = TopKey | `pickle.${PickleKey}`;

/** Config keys are named for what a user bounds; the options keep the names parsers already use. */
const OPTION_OF = {
  maxFileBytes: 'maxFileBytes',
  maxDecompressedBytes: 'maxMemberBytes',
  maxCompressionRatio: 'maxCompressionRatio',
  maxArchiveDepth: 'maxDepth',
  maxArchiveMembers: 'maxArchiveMembers',
  maxJsonHeaderBytes: 'maxJsonBytes',
  maxYamlBytes: 'maxYamlBytes',
  codeParseTimeMs: 'codeParseTimeMs',
  fileTimeBudgetMs: 'fileTimeBudgetMs',
} as const satisfies Record<TopKey, Exclude<keyof AnalyseOptions, 'pickleBudgets'>>;

/** The anomaly code the file byte budget records (`engine/resource-limit` reports it). */
export const FILE_BYTE_LIMIT_CODE = 'engine/file-byte-limit';
/** The anomaly code the scan's worker pool records for a file past `fileTimeBudgetMs` (`engine/time-budget` reports it). */
export const FILE_TIME_LIMIT_CODE = 'engine/time-budget';

export interface LimitSpec {
  /** Key under `limits:` in the config file; pickle budgets are nested (`pickle: { maxOpcodes: … }`). */
  key: LimitKey;
  /** The AnalyseOptions field it sets (`pickleBudgets.maxOpcodes` for a pickle budget). */
  option: string;
  default: number;
  /** Smallest and largest value a config may set (whole numbers). */
  min: number;
  max: number;
  unit: 'bytes' | 'milliseconds' | 'count' | 'ratio' | 'levels';
  meaning: string;
  /** Anomaly codes hitting it records; each becomes a high "not fully analysed" finding. */
  codes: readonly string[];
  /** The rules that report those codes. */
  rules: readonly string[];
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/**
 * Text documents are decoded into one JavaScript string, which V8 caps at about 512 Mi
 * characters; 256 MiB leaves room for the decoding.
 */
const MAX_DOCUMENT_BYTES = 256 * MiB;

const JSON_CODES = [
  'safetensors/header-over-limit',
  'safetensors/index-over-limit',
  'gguf/header-limit',
  'model-config/too-large',
  'code/too-large',
  'deps/limit',
  'template/config-too-large',
  'template/resource-limit',
  'signing/limit',
  'bom/limit',
  'keras/config-limit',
  'keras/h5-limit',
  'onnx/size-limit',
  'tensorflow/size-limit',
];

const PICKLE_RULE = ['pickle/resource-limit'];
const pickleSpec = (key: PickleKey, min: number, max: number, unit: LimitSpec['unit'], meaning: string, code = 'pickle/budget-exceeded'): LimitSpec => ({
  key: `pickle.${key}`,
  option: `pickleBudgets.${key}`,
  default: DEFAULT_PICKLE_BUDGETS[key] ?? 0,
  min,
  max,
  unit,
  meaning,
  codes: [code],
  rules: PICKLE_RULE,
});

export const LIMITS: readonly LimitSpec[] = Object.freeze([
  {
    key: 'maxFileBytes',
    option: 'maxFileBytes',
    default: 4 * GiB,
    min: 1,
    max: 1024 * TiB,
    unit: 'bytes',
    meaning:
      'Bytes read from one file by all its parsers together (a re-read counts again; bytes decompressed from it do not). Past it reads return nothing, so parsers stop as at the end of the file.',
    codes: [FILE_BYTE_LIMIT_CODE],
    rules: ['engine/resource-limit'],
  },
  {
    key: 'maxDecompressedBytes',
    option: 'maxMemberBytes',
    default: 256 * MiB,
    min: 1,
    max: TiB,
    unit: 'bytes',
    meaning: 'Bytes decompressed from one compressed stream or archive member (gzip, bz2, xz, lz4, zlib, deflate, 7z); an HDF5 member larger than this is not copied out to be opened.',
    codes: ['archive/decompression-limit', 'zip/member-too-large', 'keras/h5-not-opened'],
    rules: ['archive/resource-limit', 'keras/malformed'],
  },
  {
    key: 'maxCompressionRatio',
    option: 'maxCompressionRatio',
    default: 2000,
    min: 1,
    max: 1_000_000,
    unit: 'ratio',
    meaning: 'Decompressed bytes per compressed byte; judged once a stream has produced 1 MiB (tiny streams legitimately expand far).',
    codes: ['archive/decompression-bomb'],
    rules: ['archive/decompression-bomb'],
  },
  {
    key: 'maxArchiveDepth',
    option: 'maxDepth',
    default: 4,
    min: 0,
    max: 32,
    unit: 'levels',
    meaning: 'Levels of archives and compressed streams opened inside one another (a member of a .tar.gz is two levels down); also how deep requirement files may include one another.',
    codes: ['archive/depth-limit', 'deps/limit'],
    rules: ['archive/resource-limit', 'dependencies/unreadable'],
  },
  {
    key: 'maxArchiveMembers',
    option: 'maxArchiveMembers',
    default: 10_000,
    min: 1,
    max: 10_000_000,
    unit: 'count',
    meaning: 'Members opened per archive; also GGUF tensors and key-value pairs, HDF5 objects walked, and safetensors shards checked.',
    codes: ['archive/member-limit', 'tar/too-many-entries', '7z/too-many-entries', 'gguf/count-limit', 'keras/h5-limit', 'safetensors/shard-limit'],
    rules: ['archive/resource-limit', 'gguf/resource-limit', 'keras/malformed', 'safetensors/malformed'],
  },
  {
    key: 'maxJsonHeaderBytes',
    option: 'maxJsonBytes',
    default: 100 * MiB,
    min: 1,
    max: MAX_DOCUMENT_BYTES,
    unit: 'bytes',
    meaning:
      'Largest document read whole: the safetensors JSON header and index, the GGUF header, config and tokenizer JSON, chat templates, Keras configs, ONNX and TensorFlow message structure, source files, dependency manifests, BOMs, signatures and lockfiles.',
    codes: JSON_CODES,
    rules: [
      'safetensors/malformed',
      'gguf/resource-limit',
      'code/malformed',
      'dependencies/unreadable',
      'template/malformed',
      'template/unparsed',
      'integrity/signing-malformed',
      'bom/malformed',
      'keras/malformed',
      'onnx/malformed',
      'tensorflow/malformed',
    ],
  },
  {
    key: 'maxYamlBytes',
    option: 'maxYamlBytes',
    default: DEFAULT_CONFIG_LIMITS.maxYamlBytes,
    min: 1,
    max: MAX_DOCUMENT_BYTES,
    unit: 'bytes',
    meaning: 'Largest YAML config parsed (training and serving configs that name models); never more than maxJsonHeaderBytes.',
    codes: ['model-config/too-large'],
    rules: ['code/malformed'],
  },
  {
    key: 'codeParseTimeMs',
    option: 'codeParseTimeMs',
    default: PARSE_BUDGET_MS,
    min: 1,
    max: 3_600_000,
    unit: 'milliseconds',
    meaning: 'Wall-clock time to parse one Python file, notebook or JavaScript/TypeScript file (tree-sitter) and read what it loads.',
    codes: ['code/parse-timeout'],
    rules: ['code/malformed'],
  },
  {
    key: 'fileTimeBudgetMs',
    option: 'fileTimeBudgetMs',
    default: 60_000,
    min: 1,
    max: 86_400_000,
    unit: 'milliseconds',
    meaning: 'Wall-clock time to analyse one file; the scan abandons a file past it (its worker is replaced) and goes on.',
    codes: [FILE_TIME_LIMIT_CODE],
    rules: ['engine/time-budget'],
  },
  pickleSpec('maxOpcodes', 1, 10_000_000_000, 'count', 'Pickle opcodes executed (in emulation) per file, nested pickles included.'),
  pickleSpec('maxMemo', 1, 100_000_000, 'count', 'Pickle memo entries (memo and DUP bombs stop here).'),
  pickleSpec('maxStackDepth', 1, 100_000_000, 'count', 'Pickle stack and mark depth.'),
  pickleSpec('maxNesting', 0, 32, 'levels', 'Pickles inside pickles (bytes handed to pickle.loads and the like) that are analysed.'),
  pickleSpec('maxStreams', 1, 100_000, 'count', 'Pickle streams read one after another in one file (torch.load reads several).'),
  pickleSpec('maxResyncBytes', 0, GiB, 'bytes', 'Bytes after a broken pickle searched for a further pickle a loader might still run.'),
  pickleSpec('maxRecords', 1, 10_000_000, 'count', 'Imports and calls listed per pickle; past it only callables not yet listed are kept.', 'pickle/records-truncated'),
] satisfies LimitSpec[]);

/**
 * Bounds with no config key: internal caps a config cannot move, listed so the README's table
 * is complete. Each is reported high; all but the HDF5 time-out (a generic unreadable code) as a limit.
 */
export const FIXED_LIMITS: readonly { name: string; value: string; where: string; codes: readonly string[]; rules: readonly string[] }[] = Object.freeze([
  { name: 'Zip central directory entries', value: '100 000', where: 'src/parsers/zip/constants.ts', codes: ['zip/too-many-entries'], rules: ['archive/resource-limit'] },
  { name: 'GGUF key length', value: '64 KiB', where: 'src/parsers/gguf/limits.ts', codes: ['gguf/string-limit'], rules: ['gguf/resource-limit'] },
  { name: 'YAML/JSON config nesting and YAML nodes (alias expansions)', value: '64 levels, 1 000 000 nodes', where: 'src/parsers/model-config/limits.ts', codes: ['model-config/limit'], rules: ['code/malformed'] },
  { name: 'Chat template text, nesting, expression depth', value: '1 MiB, 64, 400', where: 'src/parsers/template/limits.ts', codes: ['template/resource-limit'], rules: ['template/unparsed'] },
  { name: 'BOM elements and component nesting', value: '200 000, 32', where: 'src/parsers/bom/limits.ts', codes: ['bom/limit'], rules: ['bom/malformed'] },
  { name: 'Signature file (model.sig)', value: '16 MiB (and maxJsonHeaderBytes)', where: 'src/integrity/model-signing/codes.ts', codes: ['signing/limit'], rules: ['integrity/signing-malformed'] },
  { name: 'Protobuf nesting (ONNX, TensorFlow)', value: '100 levels', where: 'src/parsers/protobuf/wire.ts', codes: ['onnx/depth-limit', 'tensorflow/depth-limit'], rules: ['onnx/malformed', 'tensorflow/malformed'] },
  { name: 'Diverging frame readings followed per pickle', value: '8', where: 'src/parsers/pickle/stream.ts', codes: ['pickle/budget-exceeded'], rules: ['pickle/resource-limit'] },
  { name: 'HDF5 reader time per file', value: '10 s', where: 'src/parsers/keras/hdf5-reader.ts', codes: ['keras/h5-unreadable'], rules: ['keras/malformed'] },
]);

/**
 * Codes that mean "a limit stopped the analysis" (or, for `pickle/records-truncated`, its
 * listing). `anomalyRule` reports them at least high, with a message that says "not fully
 * analysed", whatever rule takes them.
 */
export const LIMIT_CODES: ReadonlySet<string> = new Set(
  // keras/h5-unreadable also means a file h5py cannot open: only its time-out is a limit.
  [...LIMITS.flatMap((l) => l.codes), ...FIXED_LIMITS.flatMap((l) => l.codes)].filter((c) => c !== 'keras/h5-unreadable'),
);

export const isLimitCode = (code: string): boolean => LIMIT_CODES.has(code);

/** The words every limit finding carries, so a reader (and a grep) knows the file was not fully checked. */
export const NOT_FULLY_ANALYSED = 'not fully analysed';

/** A limit anomaly's message as a finding states it: prefixed "not fully analysed: " unless it already says so. */
export function limitMessage(message: string): string {
  return message.toLowerCase().includes(NOT_FULLY_ANALYSED) ? message : `${NOT_FULLY_ANALYSED}: ${message}`;
}

function buildDefaults(): AnalyseOptions {
  const top = Object.fromEntries(LIMITS.filter((l) => !l.key.startsWith('pickle.')).map((l) => [OPTION_OF[l.key as TopKey], l.default])) as Omit<AnalyseOptions, 'pickleBudgets'>;
  return { ...top, pickleBudgets: DEFAULT_PICKLE_BUDGETS };
}

/** The limits in force when no configuration sets any. */
export const DEFAULT_LIMITS: Readonly<AnalyseOptions> = Object.freeze(buildDefaults());

/** The value a config sets for a key, or undefined when it sets none. */
function configured(limits: LimitsConfig, key: LimitKey): unknown {
  if (!key.startsWith('pickle.')) return Object.hasOwn(limits, key) ? limits[key as TopKey] : undefined;
  const pickle = limits.pickle;
  const name = key.slice('pickle.'.length) as PickleKey;
  return pickle !== undefined && pickle !== null && Object.hasOwn(pickle, name) ? pickle[name] : undefined;
}

/**
 * The analysis options a configuration asks for: each limit it sets, the default for the rest.
 * Takes the resolved config (`loadConfig`, `prepare().config`) or anything with its `limits`.
 * Values are checked again (an embedding tool may build the config itself): an out-of-range or
 * non-integer value is a UsageError naming the key.
 */
export function analyseOptionsFrom(config?: { limits?: LimitsConfig | undefined }): AnalyseOptions {
  const limits = config?.limits ?? {};
  const options: AnalyseOptions = { ...DEFAULT_LIMITS, pickleBudgets: { ...DEFAULT_LIMITS.pickleBudgets } };
  for (const spec of LIMITS) {
    const value = configured(limits, spec.key);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
      throw new UsageError(`invalid limit 'limits.${spec.key}': must be a whole number from ${spec.min} to ${spec.max}, got ${JSON.stringify(value)}`);
    }
    if (spec.key.startsWith('pickle.')) options.pickleBudgets[spec.key.slice('pickle.'.length) as PickleKey] = value;
    else (options as unknown as Record<string, number>)[OPTION_OF[spec.key as TopKey]] = value;
  }
  return options;
}

/** Reads one file within `maxFileBytes`; see `fileByteBudget`. */
export interface FileByteBudget {
  /** Analyse through this reader: past the budget it returns no more bytes. */
  readonly reader: ByteReader;
  /** Bytes read through it so far. */
  readonly bytesRead: number;
  /** Whether a read was cut short by the budget. */
  readonly exceeded: boolean;
  /** Records the limit on the file's root artifact when a read was cut short; returns the artifact. */
  finish(root: Artifact): Artifact;
}

/**
 * Bounds the bytes all parsers together read from one file (`maxFileBytes`). Reads past the
 * budget return fewer bytes or none, which parsers treat as the end of the data, so analysis
 * stops wherever it is; `finish` then adds the anomaly that makes the file "not fully analysed".
 *
 *   const budget = fileByteBudget(reader, options);
 *   const root = budget.finish(await analyseReader(budget.reader, path, 0, options, where));
 */
export function fileByteBudget(reader: ByteReader, options: Pick<AnalyseOptions, 'maxFileBytes'>): FileByteBudget {
  const max = options.maxFileBytes;
  let used = 0;
  let cutAt: number | undefined;
  const limited: ByteReader = {
    size: reader.size,
    async read(offset, length) {
      const available = Math.max(0, Math.min(length, reader.size - offset));
      if (offset < 0 || available === 0) return reader.read(offset, length);
      const allowed = Math.min(available, max - used);
      if (allowed < available) cutAt ??= offset + Math.max(0, allowed);
      if (allowed <= 0) return new Uint8Array(0);
      const bytes = await reader.read(offset, allowed);
      used += bytes.length;
      return bytes;
    },
    ...(reader.prefetch
      ? {
          // A hint only; once the budget is spent there is nothing left to fetch ahead for.
          prefetch: (ranges: ReadonlyArray<readonly [number, number]>) => (used < max ? reader.prefetch!(ranges) : Promise.resolve()),
        }
      : {}),
  };
  return {
    reader: limited,
    get bytesRead() {
      return used;
    },
    get exceeded() {
      return cutAt !== undefined;
    },
    finish(root) {
      if (cutAt !== undefined) root.anomalies.push(fileByteLimitAnomaly(max, cutAt, used));
      return root;
    },
  };
}

export function fileByteLimitAnomaly(limit: number, offset: number, bytesRead: number): Anomaly {
  return {
    code: FILE_BYTE_LIMIT_CODE,
    message: `${NOT_FULLY_ANALYSED}: modelvet reads at most ${limit} bytes of a file (limits.maxFileBytes) and stopped at offset ${offset}, so what lies past it was not checked (truncation reported for this file may be that cut)`,
    offset,
    detail: { limit, bytesRead, key: 'maxFileBytes' },
  };
}
