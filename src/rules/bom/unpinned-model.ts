import { hasSha256 } from '../../parsers/bom/hashes.js';
import type { BomArtifact, BomComponent } from '../../parsers/bom/types.js';
import type { Severity } from '../../types.js';
import { classifyRevision } from '../provenance/unpinned-revision.js';
import type { FindingInput, Rule } from '../types.js';
import { at, bomOf, filesOf, subjectText } from './components.js';

const FIX_HUB = 'Record the full 40-character commit: the purl as pkg:huggingface/<org>/<name>@<commit> and the version as the same commit (modelvet bom writes both; `modelvet lock` prints current commits).';

/** The bytes are pinned anyway when the model, or every file it consists of, has a SHA-256. */
function contentPinned(bom: BomArtifact['bom'], c: BomComponent): boolean {
  if (hasSha256(c.hashes)) return true;
  const files = filesOf(bom, c);
  return files.length > 0 && files.every((f) => hasSha256(f.hashes));
}

function hubFinding(c: BomComponent): FindingInput | undefined {
  const hub = c.hub!;
  // The purl's version is the identifier; the version field speaks only when the purl has none.
  const written = hub.revision ?? c.version;
  const head = `${subjectText(c)} names the Hub repo ${hub.repo}`;
  const evidence = { repo: hub.repo, revision: written ?? null, via: hub.pointer };
  const finding = (severity: Severity, pin: string, message: string): FindingInput => ({ severity, message, ...at(c, { ...evidence, pin }), fix: FIX_HUB });
  if (written === undefined) return finding('medium', 'absent', `${head} with no revision or version: it does not pin which commit's weights it describes`);
  const pin = classifyRevision({ kind: 'literal', value: written });
  switch (pin.pin) {
    case 'commit':
      return undefined;
    case 'short-hex':
      return written.length === 40
        ? finding('low', pin.pin, `${head} at "${written}", a commit hash not in the lowercase form the Hub resolves as a commit, so it is resolved like a branch or tag name`)
        : finding('low', pin.pin, `${head} at "${written}", a short commit hash: a weaker pin than the full 40-character commit`);
    case 'pr-ref':
      return finding('medium', pin.pin, `${head} at the pull-request ref "${written}", which moves with every push to it: it does not pin which commit's weights it describes`);
    default:
      return finding('medium', pin.pin, `${head} at "${written}", a branch, tag or label the publisher can move: it does not pin which commit's weights it describes`);
  }
}

const rule: Rule = {
  meta: {
    id: 'bom/unpinned-model',
    description: 'A model component of a BOM has no version, or names a Hub repo at something other than a full commit.',
    severity: 'medium',
    category: 'bom',
    appliesTo: ['ai-bom'],
    docs: {
      description:
        'For a model from the Hugging Face Hub (a `pkg:huggingface` purl, or a huggingface.co download location) only a full 40-character lowercase commit names fixed weights: a branch (`main`), a tag, `latest` or a date can be moved by whoever controls the repository, so the BOM would describe whatever is there next. The purl\'s version is read first, the component\'s version when the purl has none. A short commit hash is low. A model not from the Hub with no version at all is medium (low when SHA-256s pin its bytes anyway); any version is accepted there, since only the publisher knows what its versions mean. Base models named for lineage only (CycloneDX `pedigree.ancestors`, SPDX ancestor relationships) are left out: their revision is a claim about history, not a pin of what ships (their publishers are still judged by the provenance rules).',
      example: '{"type": "machine-learning-model", "name": "Llama-3.1-8B", "version": "main", "purl": "pkg:huggingface/meta-llama/Llama-3.1-8B@main"}',
      fix: FIX_HUB,
    },
  },
  *check({ artifact }) {
    const bom = bomOf(artifact);
    if (!bom) return;
    for (const c of bom.components) {
      // A base model is named for lineage: its revision is the card's claim, not a pin of what ships.
      if (c.kind !== 'model' || c.lineage) continue;
      if (c.hub) {
        const finding = hubFinding(c);
        if (finding) yield finding;
        continue;
      }
      // A file has no version to give (an SPDX 3 software_File that is a model): its hash is its pin.
      if (c.version !== undefined || c.type === 'software_File') continue;
      const pinned = contentPinned(bom, c);
      yield {
        severity: pinned ? 'low' : 'medium',
        message: pinned
          ? `${subjectText(c)} records no version; its SHA-256s still pin the bytes, but the BOM does not say which release of the model it describes`
          : `${subjectText(c)} records no version and no SHA-256 pins it, so the BOM does not say which release of the model it describes`,
        ...at(c, { pin: 'absent' }),
        fix: 'Record the version (for a Hub model, the full commit in a pkg:huggingface purl), and a SHA-256 for each file.',
      };
    }
  },
};
export default rule;
