import type { Artifact, FormatId } from '../../types.js';
import type { Rule } from '../types.js';

/** Formats a loader turns into a model (weights, graphs, pickled objects). */
export const MODEL_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>([
  'pickle',
  'pytorch-zip',
  'pytorch-legacy',
  'pytorch-legacy-tar',
  'torchscript',
  'numpy',
  'compressed',
  'safetensors',
  'gguf',
  'keras',
  'hdf5',
  'onnx',
  'tf-savedmodel',
]);

const ARCHIVES: ReadonlySet<FormatId> = new Set<FormatId>(['zip', 'tar', '7z']);

function holdsModel(artifact: Artifact, depth = 0): boolean {
  if (depth > 8) return false;
  return artifact.children.some((c) => MODEL_FORMATS.has(c.format) || (ARCHIVES.has(c.format) && holdsModel(c, depth + 1)));
}

const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');

const rule: Rule = {
  meta: {
    id: 'integrity/missing-checksum',
    description: 'A model file has no recorded SHA-256 (lockfile, BOM, signing manifest or cache name) to check it against.',
    severity: 'medium',
    category: 'integrity',
    appliesTo: ['*'],
    docs: {
      description:
        'A model file is code-adjacent: swapping its bytes changes what loading does. Without a digest recorded when the file was trusted, nobody can tell whether the copy on disk is that file. modelvet looks for a modelvet.lock.json (from the working directory up, or --lockfile), a CycloneDX BOM beside the file (bom.json or *.cdx.json: components matched by their modelvet:path property or name), a model.sig signing manifest covering its folder, and the name of the Hugging Face cache blob it links to.',
      example: 'models/classifier.pt scanned in a project with no modelvet.lock.json, no BOM and no model.sig',
      fix: 'Record the digests: run `modelvet lock <folder>` and commit modelvet.lock.json (or sign the model with model_signing); `modelvet verify` then proves copies match.',
    },
  },
  *check({ artifact, root }) {
    // Only whole files on disk carry integrity status, and only the scan's integrity pass sets it.
    if (artifact !== root || !artifact.integrity) return;
    const s = artifact.integrity;
    if (s.expected.length > 0 || s.gitBlob || s.signedShards) return;
    if (!MODEL_FORMATS.has(artifact.format) && !(ARCHIVES.has(artifact.format) && holdsModel(artifact))) return;
    yield {
      message: 'no lockfile, BOM, signing manifest or cache name records the SHA-256 of this model file, so a swapped copy would load unnoticed',
      evidence: { format: artifact.format },
      fix: `run \`modelvet lock ${folderOf(artifact.path)}\` and commit modelvet.lock.json; \`modelvet verify\` then checks every copy`,
    };
  },
};

export default rule;
