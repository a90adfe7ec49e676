import type { CodeCall } from '../../parsers/code/types.js';
import type { Location, ModelRef } from '../../types.js';
import { classifyRevision } from '../provenance/unpinned-revision.js';
import type { FindingInput, Rule } from '../types.js';
import { argument, shown, truthy } from './arguments.js';

const sameLocation = (a: Location | undefined, b: Location): boolean => a !== undefined && a.line === b.line && a.column === b.column && a.cell === b.cell;

/** The download the call itself makes (the parser gives a call's ModelRef the call's location). */
const downloadOf = (refs: readonly ModelRef[], call: CodeCall): ModelRef[] => refs.filter((r) => r.use === 'download' && sameLocation(r.location, call.location));

/** Known not to be a commit. A revision not known statically is given the benefit of the doubt, as provenance/unpinned-revision does. */
const unpinned = (ref: ModelRef): boolean => !['commit', 'unknown'].includes(classifyRevision(ref.revision).pin);

const FIX =
  'Remove trust_remote_code=True and use a model transformers supports natively; if the remote code is needed, review it and pin the repository to a full commit hash (revision="<40-hex commit>", which also pins the code), or vendor the code.';

const RUNS = "imports and runs the repository's Python code (modeling_*.py, configuration_*.py) in this process";

function callFinding(call: CodeCall, refs: readonly ModelRef[]): FindingInput | undefined {
  const flag = argument(call, 'trust_remote_code');
  if (flag.state !== 'given') return undefined;
  const on = truthy(flag.value);
  if (on === false) return undefined;
  const base = { location: call.location, fix: FIX };
  if (on === undefined) {
    return { ...base, severity: 'low', message: `${call.callee}(trust_remote_code=${shown(flag.value)}) ${RUNS} when the value is true, which is not known statically`, evidence: { callee: call.callee, value: shown(flag.value) } };
  }
  const downloads = downloadOf(refs, call);
  const loose = downloads.find(unpinned);
  if (loose) {
    const revision = loose.revision.kind === 'literal' ? `at "${loose.revision.value}", not a pinned commit` : 'without a revision';
    return {
      ...base,
      severity: 'critical',
      message: `${call.callee}(trust_remote_code=True) loads ${loose.repo} ${revision}: it ${RUNS} from whatever the repository holds when it runs`,
      evidence: { callee: call.callee, repo: loose.repo, revision: loose.revision, pinned: false },
    };
  }
  const download = downloads[0];
  const pinned = download !== undefined && classifyRevision(download.revision).pin === 'commit';
  const which = download === undefined ? '' : pinned ? ` (${download.repo}, pinned to a commit)` : ` (${download.repo}, at a revision not known statically)`;
  return {
    ...base,
    severity: 'high',
    message: `${call.callee}(trust_remote_code=True) ${RUNS}${which}`,
    evidence: { callee: call.callee, ...(download ? { repo: download.repo, revision: download.revision, pinned } : {}) },
  };
}

const rule: Rule = {
  meta: {
    id: 'code/trust-remote-code',
    description: "Code or a config sets trust_remote_code, so loading runs the model repository's own Python code; critical when the repository is not pinned to a commit.",
    severity: 'high',
    category: 'code',
    appliesTo: ['python-source', 'notebook', 'javascript-source', 'model-config'],
    docs: {
      description:
        "trust_remote_code=True makes transformers (and datasets, sentence-transformers, vLLM, PEFT, axolotl…) import the modeling and configuration code that ships in the repository: whoever can push to it runs code on your machine. It is high on its own and critical when the same call downloads a revision that is not a full commit hash, because then the code can change between runs without any change on your side. A value that is not known statically is low. The transformers security policy asks to review the code and pin a revision.",
      example: 'AutoModel.from_pretrained("org/new-arch", trust_remote_code=True)  # no revision=',
      fix: FIX,
      url: 'https://github.com/huggingface/transformers/blob/main/SECURITY.md',
    },
  },
  *check({ artifact }) {
    if ('code' in artifact) {
      for (const call of artifact.code.calls) {
        const finding = callFinding(call, artifact.modelRefs ?? []);
        if (finding) yield finding;
      }
      return;
    }
    if (artifact.format !== 'model-config') return;
    const loose = (artifact.modelRefs ?? []).find((r) => r.use === 'download' && r.repoType === 'model' && unpinned(r));
    for (const flag of artifact.config.remoteCode ?? []) {
      const base = { ...(flag.location ? { location: flag.location } : {}), fix: FIX, evidence: { key: flag.keyPath, ...(loose ? { repo: loose.repo, revision: loose.revision } : {}) } };
      if (flag.value === 'unknown') yield { ...base, severity: 'low', message: `the config key ${flag.keyPath} is filled in later, so whether the tool reading it trusts remote code is not known statically` };
      else if (loose) yield { ...base, severity: 'critical', message: `the config sets ${flag.keyPath} and names ${loose.repo} without a pinned commit: the tool reading it ${RUNS} from whatever the repository holds when it runs` };
      else yield { ...base, severity: 'high', message: `the config sets ${flag.keyPath}: the tool reading it ${RUNS}` };
    }
  },
};
export default rule;
