import type { HubRepoFile } from '../../check/types.js';
import type { FormatId } from '../../types.js';

/**
 * Which repo files the repository-level rules count as weights. The check's own analysis (the
 * format found by content) decides when a file was read; only an unread file is judged by its name.
 */

/**
 * Formats whose loading goes through pickle (torch.load, joblib.load). A `.npy` read by content is
 * left out: a numeric array never unpickles, and an object array gets its own pickle findings.
 */
const PICKLE_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>([
  'pickle',
  'pytorch-zip',
  'pytorch-legacy',
  'pytorch-legacy-tar',
  'torchscript',
  'compressed',
]);

const PICKLE_EXTENSIONS = ['.bin', '.pt', '.pth', '.ckpt', '.pkl', '.pickle', '.joblib', '.dill', '.npy', '.npz'];
/** joblib.dump(..., compress=...) keeps the name the caller gives, often with the codec's suffix. */
const PICKLE_STEMS = ['.pkl', '.pickle', '.joblib', '.dill'];
const COMPRESSION_SUFFIXES = ['.gz', '.z', '.bz2', '.xz', '.lzma', '.lz4'];
/** A compressed tarball is an archive to unpack, not a compressed joblib pickle. */
const TARBALL_SUFFIXES = ['.tar.gz', '.tgz', '.tar.bz2', '.tbz', '.tbz2', '.tar.xz', '.txz', '.tar.lz4', '.tar.lzma', '.tar.z'];

const MODEL_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>([
  ...PICKLE_FORMATS,
  'numpy',
  'safetensors',
  'gguf',
  'onnx',
  'hdf5',
  'keras',
  'tf-savedmodel',
]);
const MODEL_EXTENSIONS = [...PICKLE_EXTENSIONS, '.safetensors', '.gguf', '.onnx', '.h5', '.hdf5', '.keras', '.msgpack'];

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1).toLowerCase();
/** A name that is only the suffix (`.bin`) is a hidden file, not a `.bin` file. */
const endsWithAny = (name: string, suffixes: readonly string[]): boolean => suffixes.some((s) => name.length > s.length && name.endsWith(s));

function pickleByName(path: string): boolean {
  const name = baseName(path);
  if (endsWithAny(name, PICKLE_EXTENSIONS)) return true;
  return COMPRESSION_SUFFIXES.some((c) => name.endsWith(c) && endsWithAny(name.slice(0, -c.length), PICKLE_STEMS));
}

/** How a file was judged: by what the check read, or by its name when it was not read. */
export type JudgedBy = 'format' | 'extension';

/** Whether loading the file unpickles it; undefined when it is not a pickle-based weight file. */
export function pickleBased(file: HubRepoFile): JudgedBy | undefined {
  if (file.format !== undefined) {
    if (!PICKLE_FORMATS.has(file.format)) return undefined;
    if (file.format === 'compressed' && endsWithAny(baseName(file.path), TARBALL_SUFFIXES)) return undefined;
    return 'format';
  }
  return pickleByName(file.path) ? 'extension' : undefined;
}

/** A safetensors file or index the check read as such, or an unread file named like one. */
export function safetensorsAlternative(file: HubRepoFile): boolean {
  if (file.format !== undefined) return file.format === 'safetensors' || file.format === 'safetensors-index';
  const name = baseName(file.path);
  return endsWithAny(name, ['.safetensors', '.safetensors.index.json']);
}

/**
 * A model or weight file, by what the check read or by its name. Either is enough: the question
 * is whether the file is worth locking, not what loading it does.
 */
export function modelFile(file: HubRepoFile): boolean {
  if (file.format !== undefined && MODEL_FORMATS.has(file.format)) return true;
  return endsWithAny(baseName(file.path), MODEL_EXTENSIONS) || pickleByName(file.path);
}

/** The folder of a repo path, `` for the repo root. */
export const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
