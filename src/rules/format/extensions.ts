import type { FormatId } from '../../types.js';

const TORCH: FormatId[] = ['pickle', 'pytorch-zip', 'pytorch-legacy', 'pytorch-legacy-tar', 'torchscript'];
const PICKLE: FormatId[] = [...TORCH, 'compressed', 'zip'];
/** Text a tool opens as text; any model format under such a name hides from name-based walkers. */
const TEXT: FormatId[] = [
  'unknown',
  'safetensors-index',
  'tokenizer-config',
  'chat-template',
  'python-source',
  'notebook',
  'javascript-source',
  'model-config',
  'dependency-manifest',
  'modelvet-lock',
  'ai-bom',
];

/**
 * What content each name promises, longest suffix first. Names that promise nothing in particular
 * (`.bin`, which is a torch checkpoint, ONNX external data or raw bytes) are left out on purpose.
 */
export const EXPECTED_BY_EXTENSION: ReadonlyArray<readonly [suffix: string, expected: readonly FormatId[]]> = [
  ['.safetensors.index.json', ['safetensors-index']],
  ['.tar.gz', ['compressed']],
  ['.tar.bz2', ['compressed']],
  ['.tar.xz', ['compressed']],
  ['.safetensors', ['safetensors']],
  ['.gguf', ['gguf']],
  ['.onnx', ['onnx']],
  ['.npy', ['numpy']],
  ['.npz', ['zip']],
  ['.keras', ['keras']],
  ['.h5', ['hdf5']],
  ['.hdf5', ['hdf5']],
  ['.pt', TORCH.concat('zip')],
  ['.pth', TORCH.concat('zip')],
  ['.ckpt', TORCH.concat('zip')],
  ['.pkl', PICKLE],
  ['.pickle', PICKLE],
  ['.joblib', PICKLE],
  ['.dill', PICKLE],
  ['.jinja', ['chat-template']],
  ['.tgz', ['compressed']],
  ['.gz', ['compressed']],
  ['.bz2', ['compressed']],
  ['.xz', ['compressed']],
  ['.lz4', ['compressed']],
  ['.tar', ['tar', 'pytorch-legacy-tar']],
  ['.zip', ['zip', 'pytorch-zip', 'torchscript', 'keras']],
  ['.7z', ['7z']],
  ['.json', TEXT],
  ['.txt', TEXT],
  ['.md', TEXT],
  ['.yaml', TEXT],
  ['.yml', TEXT],
  ['.csv', TEXT],
  ['.py', TEXT],
  ['.model', ['unknown']],
];

/** The suffix a name ends in and what it promises, or undefined when the name promises nothing. */
export function expectedFormats(name: string): { suffix: string; expected: readonly FormatId[] } | undefined {
  const lower = name.toLowerCase();
  for (const [suffix, expected] of EXPECTED_BY_EXTENSION) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return { suffix, expected };
  }
  return undefined;
}
