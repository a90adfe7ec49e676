import { algorithmsOf, hasSha256 } from '../../parsers/bom/hashes.js';
import type { BomComponent } from '../../parsers/bom/types.js';
import type { Rule } from '../types.js';
import { at, bomOf, filesOf, label, subjectText } from './components.js';

const NAMED = 3;

const fileName = (c: BomComponent): string => c.path ?? c.name ?? c.pointer;

function listed(files: readonly BomComponent[]): string {
  const names = files.slice(0, NAMED).map(fileName);
  return files.length > NAMED ? `${names.join(', ')}, …` : names.join(', ');
}

const rule: Rule = {
  meta: {
    id: 'bom/model-without-hash',
    description: 'A model component of a BOM has no SHA-256, neither its own nor one for every file it consists of.',
    severity: 'medium',
    category: 'bom',
    appliesTo: ['ai-bom'],
    docs: {
      description:
        "A BOM names a model so that whoever deploys it can prove they have the same weights. Without a SHA-256 (on the model component itself, or on every file component it consists of: nested CycloneDX components, SPDX `contains`, and for the BOM's subject the top-level components too) the BOM cannot tell the recorded weights from swapped ones, and `modelvet scan` has nothing to compare the files beside it with. A git blob SHA-1 or an MD5 does not count: only SHA-256 is compared. Base models the BOM names for lineage only (CycloneDX `pedigree.ancestors`, SPDX ancestor relationships) are not what it describes and need no hash.",
      example: '{"type": "machine-learning-model", "name": "tiny-bert", "purl": "pkg:huggingface/acme/tiny-bert@<commit>"} with no hashes and no file components',
      fix: 'Record the SHA-256 of every file of the model (modelvet bom hashes each one, or takes the Hub\'s LFS SHA-256); for a single-file model, on the model component itself.',
    },
  },
  *check({ artifact }) {
    const bom = bomOf(artifact);
    if (!bom) return;
    for (const c of bom.components) {
      if (c.kind !== 'model' || c.lineage || hasSha256(c.hashes)) continue;
      const files = filesOf(bom, c);
      const unhashed = files.filter((f) => !hasSha256(f.hashes));
      if (files.length > 0 && unhashed.length === 0) continue;
      const others = algorithmsOf(c.hashes);
      const only = others.length ? ` (only ${others.join(', ')})` : '';
      const message =
        files.length === 0
          ? `${subjectText(c)} records no SHA-256${only}, for itself or for any file it consists of: the BOM cannot prove which weights it describes`
          : `${subjectText(c)} has no SHA-256 of its own${only}, and ${unhashed.length} of its ${files.length} files ${unhashed.length === 1 ? 'has' : 'have'} none (${listed(unhashed)}): the BOM cannot prove which weights it describes`;
      yield {
        message,
        ...at(c, { files: files.length, unhashedFiles: unhashed.slice(0, 20).map(fileName), otherAlgorithms: others }),
        fix: `Record a SHA-256 for model ${label(c)}${files.length ? ' and each of its files' : ''}: modelvet bom writes one for every file.`,
      };
    }
  },
};
export default rule;
