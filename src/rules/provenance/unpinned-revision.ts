import type { Artifact, ModelRef, Severity } from '../../types.js';
import type { FindingInput, Rule } from '../types.js';

/**
 * How firmly a revision pins what is downloaded (code-rules decision table). Only a full commit
 * hash in the form huggingface_hub recognises (`^[0-9a-f]{40}$`, its REGEX_COMMIT_HASH) is
 * immutable; branches and tags move, PR refs move with the PR, a short hash is a weaker pin.
 */
export type RevisionPin =
  | { pin: 'commit'; value: string }
  | { pin: 'absent' }
  | { pin: 'branch-or-tag'; value: string }
  | { pin: 'pr-ref'; value: string }
  | { pin: 'short-hex'; value: string }
  | { pin: 'unknown'; text: string };

const COMMIT = /^[0-9a-f]{40}$/;
const HEXISH = /^[0-9a-fA-F]{7,40}$/;
const PR_REF = /^refs\/pr\/\d+$/;

export function classifyRevision(revision: ModelRef['revision']): RevisionPin {
  if (revision.kind === 'absent') return { pin: 'absent' };
  if (revision.kind === 'unknown') return { pin: 'unknown', text: revision.text };
  const value = revision.value;
  if (COMMIT.test(value)) return { pin: 'commit', value };
  if (PR_REF.test(value)) return { pin: 'pr-ref', value };
  if (HEXISH.test(value)) return { pin: 'short-hex', value };
  return { pin: 'branch-or-tag', value };
}

export const isPinned = (revision: ModelRef['revision']): boolean => classifyRevision(revision).pin === 'commit';

const SEVERITY: Record<Exclude<RevisionPin['pin'], 'commit'>, Severity> = {
  absent: 'medium',
  'branch-or-tag': 'medium',
  'pr-ref': 'medium',
  'short-hex': 'low',
  unknown: 'info',
};

/** torch.hub.load("owner/repo[:ref]") fetches a GitHub repository and runs its hubconf.py. */
const isTorchHub = (ref: ModelRef): boolean => ref.via === 'torch.hub.load' || ref.via.endsWith('.torch.hub.load');

const CODE_FORMATS = new Set(['python-source', 'notebook', 'javascript-source']);

/** Who downloads what, as the start of the message. */
function subject(ref: ModelRef, artifact: Artifact): string {
  if (isTorchHub(ref)) return `${ref.via} downloads github.com/${ref.repo} and runs its hubconf.py`;
  const what = ref.repoType === 'model' ? ref.repo : `${ref.repoType} ${ref.repo}`;
  if (artifact.format === 'model-config') return `the config key ${ref.via} names ${what}, which the tool reading it downloads`;
  return CODE_FORMATS.has(artifact.format) ? `${ref.via} downloads ${what}` : `${ref.via} names ${what} for download`;
}

function message(ref: ModelRef, artifact: Artifact, pin: Exclude<RevisionPin, { pin: 'commit' }>): string {
  const head = subject(ref, artifact);
  const defaultRef = isTorchHub(ref) ? 'the default branch' : 'main';
  switch (pin.pin) {
    case 'absent':
      return `${head} without a revision: it loads whatever ${defaultRef} points to when it runs`;
    case 'branch-or-tag':
      return pin.value === ''
        ? `${head} with an empty revision, which means ${defaultRef}: it loads whatever that points to when it runs`
        : `${head} at "${pin.value}", a branch or tag the publisher can move: it loads whatever "${pin.value}" points to when it runs`;
    case 'pr-ref':
      return `${head} at the pull-request ref "${pin.value}", which moves with every push to that pull request: it loads whatever the PR holds when it runs`;
    case 'short-hex':
      return pin.value.length === 40
        ? `${head} at "${pin.value}", a commit hash not in the lowercase form huggingface_hub recognises as a commit, so it is resolved like a branch or tag name`
        : `${head} at "${pin.value}", a short commit hash: a weaker pin than the full 40-character commit`;
    case 'unknown':
      return `${head} at a revision that is not known statically (${pin.text}): check that it is a full 40-character commit`;
  }
}

function fix(ref: ModelRef, artifact: Artifact): string {
  const lock = '`modelvet lock` prints the current commits';
  if (isTorchHub(ref)) return `Pin a commit: torch.hub.load("${ref.repo}:<40-hex commit>", ...) after reviewing hubconf.py at that commit (git ls-remote https://github.com/${ref.repo} lists them); better, download the weights as safetensors and skip hubconf.py.`;
  if (artifact.format === 'model-config') return `Pin a commit: set the revision beside ${ref.via} (revision: <40-hex commit>, or ${ref.repo}@<40-hex commit> in mergekit); ${lock}.`;
  if (artifact.format === 'javascript-source') return `Pin a commit: pass { revision: '<40-hex commit>' }; ${lock}.`;
  return `Pin a commit: revision="<40-hex commit>"; ${lock}.`;
}

const rule: Rule = {
  meta: {
    id: 'provenance/unpinned-revision',
    description: 'Code or a config downloads a Hub repository (or a torch.hub GitHub repository) without pinning a full commit hash.',
    severity: 'medium',
    category: 'provenance',
    appliesTo: ['*'],
    docs: {
      description:
        'A branch (main, the default) or a tag can be moved by whoever controls the repository, so the same code downloads different weights, configs and remote code from one run to the next; a compromised or typo-squatted publisher only has to push. Only a full 40-character lowercase commit hash (what huggingface_hub itself treats as a commit) is immutable. No revision, a branch, a tag or a refs/pr/N ref is medium; a short or upper-case hash is low; a revision whose value is not known statically is info. Covers from_pretrained, pipeline, hf_hub_download, snapshot_download, load_dataset, SentenceTransformer, diffusers, timm hf-hub:, torch.hub.load "owner/repo[:ref]", transformers.js and model keys in YAML/JSON configs. Local paths are not downloads.',
      example: 'AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B")  # no revision=',
      fix: 'Pin the commit: from_pretrained(repo, revision="<40-hex commit>") in Python, { revision: "<40-hex commit>" } in transformers.js, a revision key (or repo@<commit> in mergekit) in configs. `modelvet lock` prints the current commits.',
      url: 'https://huggingface.co/docs/huggingface_hub/guides/download#from-specific-version',
    },
  },
  *check({ artifact }) {
    for (const ref of artifact.modelRefs ?? []) {
      if (ref.use !== 'download') continue;
      const pin = classifyRevision(ref.revision);
      if (pin.pin === 'commit') continue;
      const finding: FindingInput = {
        severity: SEVERITY[pin.pin],
        message: message(ref, artifact, pin),
        evidence: {
          repo: ref.repo,
          repoType: ref.repoType,
          revision: ref.revision.kind === 'literal' ? ref.revision.value : ref.revision.kind === 'unknown' ? ref.revision.text : null,
          pin: pin.pin,
          via: ref.via,
          ...(isTorchHub(ref) ? { host: 'github.com' } : {}),
        },
        fix: fix(ref, artifact),
        ...(ref.location ? { location: ref.location } : {}),
      };
      yield finding;
    }
  },
};
export default rule;
