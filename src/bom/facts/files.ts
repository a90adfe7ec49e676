import type { Artifact, FormatId } from '../../types.js';
import type { BomFile, BomFileRole } from '../types.js';
import { byKeys } from './values.js';

/** Formats loaded by unpickling (or TorchScript), which runs whatever the file says. */
const PICKLE_BASED: ReadonlySet<FormatId> = new Set(['pickle', 'pytorch-zip', 'pytorch-legacy', 'pytorch-legacy-tar', 'torchscript']);

const WEIGHT_FORMATS: ReadonlySet<FormatId> = new Set([...PICKLE_BASED, 'numpy', 'safetensors', 'gguf', 'keras', 'hdf5', 'onnx', 'tf-savedmodel', 'compressed']);

/** Formats by extension, for a file the source could not analyse (not read remotely). */
const EXTENSION_FORMATS: ReadonlyArray<readonly [RegExp, FormatId]> = [
  [/\.safetensors$/i, 'safetensors'],
  [/\.safetensors\.index\.json$/i, 'safetensors-index'],
  [/\.gguf$/i, 'gguf'],
  [/\.onnx$/i, 'onnx'],
  [/\.keras$/i, 'keras'],
  [/\.(h5|hdf5)$/i, 'hdf5'],
  [/\.(pkl|pickle)$/i, 'pickle'],
  [/\.npy$/i, 'numpy'],
  [/\.py$/i, 'python-source'],
  [/\.ipynb$/i, 'notebook'],
  [/\.jinja$/i, 'chat-template'],
];

/** Weights whose loader (torch.load, joblib.load, pickle.load) unpickles them, by extension. */
const PICKLE_EXTENSIONS = /\.(bin|pt|pth|ckpt|pkl|pickle|joblib|mar)$/i;
const WEIGHT_EXTENSIONS = /\.(bin|pt|pth|ckpt|pkl|pickle|joblib|safetensors|gguf|ggml|onnx|onnx_data|h5|hdf5|keras|pb|tflite|msgpack|npz|npy|mlmodel|ot|nemo)$/i;
const TOKENIZER_NAMES = /^(tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|added_tokens\.json|vocab\.(json|txt)|merges\.txt|(sentencepiece|spiece|tokenizer)(\.bpe)?\.model|spm\.model)$/i;
const LICENSE_NAMES = /^(licen[cs]e|copying)([.-].*)?$/i;

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Whether loading can run code: a pickle anywhere in the file (a torch zip's records, a joblib stream, an object array). */
function unpickles(artifact: Artifact): boolean {
  if (PICKLE_BASED.has(artifact.format)) return true;
  return artifact.children.some(unpickles);
}

function formatOf(path: string, artifact: Artifact | undefined): FormatId | undefined {
  if (artifact) return artifact.format === 'unknown' ? undefined : artifact.format;
  return EXTENSION_FORMATS.find(([re]) => re.test(path))?.[1];
}

function roleOf(path: string, format: FormatId | undefined): BomFileRole {
  const name = baseName(path);
  if (format === 'python-source' || /\.py$/i.test(name)) return 'code';
  if (format === 'model-signature' || /\.sig$/i.test(name)) return 'signature';
  if (format === 'chat-template' || name === 'chat_template.json') return 'chat-template';
  if (TOKENIZER_NAMES.test(name) || format === 'tokenizer-config') return 'tokenizer';
  if (path === 'README.md') return 'card';
  if (LICENSE_NAMES.test(name)) return 'license';
  if ((format !== undefined && WEIGHT_FORMATS.has(format)) || (format === undefined && WEIGHT_EXTENSIONS.test(name))) return 'weights';
  if (/\.(json|ya?ml)$/i.test(name)) return 'config';
  return 'other';
}

/**
 * A listed file as the BOM describes it. `remoteCode`: trust_remote_code imports it (an auto_map
 * module or one of its relative imports); other `.py` files are code nothing loads by itself.
 */
export function bomFile(listed: { path: string; size: number; sha256?: string; sha256Source?: 'local' | 'hub-lfs' }, artifact: Artifact | undefined, remoteCode: boolean): BomFile {
  const format = formatOf(listed.path, artifact);
  const role = roleOf(listed.path, format);
  const executesCode = remoteCode || (artifact ? unpickles(artifact) : PICKLE_EXTENSIONS.test(listed.path));
  const sha256 = listed.sha256 !== undefined && /^[0-9a-f]{64}$/.test(listed.sha256) ? listed.sha256 : undefined;
  return {
    path: listed.path,
    size: listed.size,
    ...(sha256 !== undefined ? { sha256, sha256Source: listed.sha256Source ?? 'local' } : {}),
    ...(format !== undefined ? { format } : {}),
    role,
    ...(executesCode ? { executesCode: true } : {}),
  };
}

export const compareFiles = byKeys<BomFile>((f) => f.path);
