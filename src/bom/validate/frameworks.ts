import { PackageURL } from 'packageurl-js';

/**
 * Hub `library_name` → the PyPI package that library is installed as. Only names whose package is
 * certain are listed: a `pkg:pypi/…` for anything else would be a guess (`llama.cpp`, `transformers.js`
 * and `gguf` are not PyPI libraries a model loads through), so those get a framework component
 * without a purl. Sources: the Hub's library list (`@huggingface/tasks` model-libraries.ts) and each
 * project's install instructions.
 */
const PYPI_PACKAGE: ReadonlyMap<string, string> = new Map([
  ['adapter-transformers', 'adapter-transformers'],
  ['allennlp', 'allennlp'],
  ['bertopic', 'bertopic'],
  ['diffusers', 'diffusers'],
  ['fastai', 'fastai'],
  ['fasttext', 'fasttext'],
  ['flair', 'flair'],
  ['keras', 'keras'],
  ['open_clip', 'open-clip-torch'],
  ['peft', 'peft'],
  ['pyannote-audio', 'pyannote.audio'],
  ['sentence-transformers', 'sentence-transformers'],
  ['setfit', 'setfit'],
  ['sklearn', 'scikit-learn'],
  ['spacy', 'spacy'],
  ['span-marker', 'span-marker'],
  ['speechbrain', 'speechbrain'],
  ['stable-baselines3', 'stable-baselines3'],
  ['stanza', 'stanza'],
  ['tf-keras', 'tf-keras'],
  ['timm', 'timm'],
  ['transformers', 'transformers'],
]);

/** `pkg:pypi/<package>` for a Hub library name whose PyPI package is known. */
export function pypiPurlOf(libraryName: string): string | undefined {
  const name = PYPI_PACKAGE.get(libraryName.toLowerCase());
  return name ? new PackageURL('pypi', null, name).toString() : undefined;
}
