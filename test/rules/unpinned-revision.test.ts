/** provenance/unpinned-revision on hand-built artifacts: the decision table, wording, locations and fixes. */
import { expect } from 'chai';
import { RuleTester } from '../../src/rules/rule-tester.js';
import unpinnedRevision, { classifyRevision } from '../../src/rules/provenance/unpinned-revision.js';
import { runRules } from '../../src/engine/run-rules.js';
import type { CodeArtifact } from '../../src/parsers/code/types.js';
import type { ModelConfigArtifact } from '../../src/parsers/model-config/types.js';
import type { Artifact, Location, ModelRef } from '../../src/types.js';

const tester = new RuleTester();
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const VIA = 'transformers.AutoModelForCausalLM.from_pretrained';

const lit = (value: string): ModelRef['revision'] => ({ kind: 'literal', value });
const ABSENT: ModelRef['revision'] = { kind: 'absent' };

function ref(revision: ModelRef['revision'], parts: Partial<ModelRef> = {}): ModelRef {
  return { repo: 'meta-llama/Llama-3.1-8B', repoType: 'model', revision, use: 'download', via: VIA, location: { line: 7, column: 9 }, ...parts };
}

function py(modelRefs: ModelRef[], format: CodeArtifact['format'] = 'python-source'): CodeArtifact {
  const language = format === 'javascript-source' ? 'javascript' : 'python';
  return { path: 'app.py', format, size: 10, anomalies: [], children: [], modelRefs, code: { language, calls: [], imports: [], syntaxErrors: 0 } };
}

function config(modelRefs: ModelRef[]): ModelConfigArtifact {
  return { path: 'train.yaml', format: 'model-config', size: 10, anomalies: [], children: [], modelRefs, config: { syntax: 'yaml', documents: 1 } };
}

tester.run('provenance/unpinned-revision', unpinnedRevision, {
  valid: [
    { name: 'a full lowercase commit', artifact: py([ref(lit(COMMIT))]) },
    { name: 'a lockfile record is not a download', artifact: py([ref(ABSENT, { use: 'record' })]) },
    { name: 'no refs at all', artifact: py([]) },
    { name: 'an artifact of any format with a pinned ref', artifact: config([ref(lit(COMMIT), { via: 'base_model' })]) },
  ],
  invalid: [
    {
      name: 'no revision: medium, loads whatever main points to',
      artifact: py([ref(ABSENT)]),
      findings: [{ severity: 'medium', message: `${VIA} downloads meta-llama/Llama-3.1-8B without a revision: it loads whatever main points to when it runs`, evidence: { repo: 'meta-llama/Llama-3.1-8B', revision: null, pin: 'absent', via: VIA } }],
    },
    {
      name: 'main is a branch: medium',
      artifact: py([ref(lit('main'))]),
      findings: [{ severity: 'medium', message: /at "main", a branch or tag the publisher can move: it loads whatever "main" points to when it runs$/, evidence: { pin: 'branch-or-tag', revision: 'main' } }],
    },
    {
      name: 'a tag is mutable: medium',
      artifact: py([ref(lit('v1.0.0'))]),
      findings: [{ severity: 'medium', evidence: { pin: 'branch-or-tag', revision: 'v1.0.0' } }],
    },
    {
      name: 'a date-like tag: medium',
      artifact: py([ref(lit('2023-10'))]),
      findings: [{ severity: 'medium', evidence: { pin: 'branch-or-tag' } }],
    },
    {
      name: 'an all-digit tag looks like a short hash: low, never pinned (Bandit counts 1280000 as pinned)',
      artifact: py([ref(lit('1280000'))]),
      findings: [{ severity: 'low', evidence: { pin: 'short-hex' } }],
    },
    {
      name: 'a PR ref: medium, naming it',
      artifact: py([ref(lit('refs/pr/42'))]),
      findings: [{ severity: 'medium', message: /at the pull-request ref "refs\/pr\/42", which moves with every push/, evidence: { pin: 'pr-ref' } }],
    },
    {
      name: 'a 7-character hash: low',
      artifact: py([ref(lit('0123abc'))]),
      findings: [{ severity: 'low', message: /at "0123abc", a short commit hash: a weaker pin/, evidence: { pin: 'short-hex' } }],
    },
    {
      name: 'a 39-character hash: low',
      artifact: py([ref(lit(COMMIT.slice(1)))]),
      findings: [{ severity: 'low', evidence: { pin: 'short-hex' } }],
    },
    {
      name: 'a 40-character hash in upper case: low, huggingface_hub does not see a commit',
      artifact: py([ref(lit(COMMIT.toUpperCase()))]),
      findings: [{ severity: 'low', message: /not in the lowercase form huggingface_hub recognises/, evidence: { pin: 'short-hex' } }],
    },
    {
      name: 'six hex characters are a name, not a hash: medium',
      artifact: py([ref(lit('abc123'))]),
      findings: [{ severity: 'medium', evidence: { pin: 'branch-or-tag' } }],
    },
    {
      name: 'a 64-hex string is not a commit either: medium',
      artifact: py([ref(lit(COMMIT + COMMIT.slice(0, 24)))]),
      findings: [{ severity: 'medium', evidence: { pin: 'branch-or-tag' } }],
    },
    {
      name: 'an empty revision means main: medium',
      artifact: py([ref(lit(''))]),
      findings: [{ severity: 'medium', message: /with an empty revision, which means main/ }],
    },
    {
      name: 'a revision not known statically: info',
      artifact: py([ref({ kind: 'unknown', text: 'args.revision' })]),
      findings: [{ severity: 'info', message: /at a revision that is not known statically \(args\.revision\): check that it is a full 40-character commit$/, evidence: { pin: 'unknown', revision: 'args.revision' } }],
    },
    {
      name: 'a dataset says so',
      artifact: py([ref(ABSENT, { repo: 'tatsu-lab/alpaca', repoType: 'dataset', via: 'datasets.load_dataset' })]),
      findings: [{ severity: 'medium', message: 'datasets.load_dataset downloads dataset tatsu-lab/alpaca without a revision: it loads whatever main points to when it runs', evidence: { repoType: 'dataset' } }],
    },
    {
      name: 'torch.hub.load without a ref: the default branch on GitHub',
      artifact: py([ref(ABSENT, { repo: 'pytorch/vision', via: 'torch.hub.load' })]),
      findings: [{ severity: 'medium', message: 'torch.hub.load downloads github.com/pytorch/vision and runs its hubconf.py without a revision: it loads whatever the default branch points to when it runs', evidence: { host: 'github.com' } }],
    },
    {
      name: 'torch.hub.load at a tag',
      artifact: py([ref(lit('v0.10.0'), { repo: 'pytorch/vision', via: 'torch.hub.load' })]),
      findings: [{ severity: 'medium', message: /^torch\.hub\.load downloads github\.com\/pytorch\/vision and runs its hubconf\.py at "v0\.10\.0"/ }],
    },
    {
      name: 'a config key',
      artifact: config([ref(ABSENT, { via: 'training.base_model' })]),
      findings: [{ severity: 'medium', message: 'the config key training.base_model names meta-llama/Llama-3.1-8B, which the tool reading it downloads without a revision: it loads whatever main points to when it runs' }],
    },
    {
      name: 'every unpinned ref of an artifact, in order',
      artifact: py([ref(lit(COMMIT)), ref(ABSENT, { repo: 'a/b' }), ref(lit('0123abc'), { repo: 'c/d' })]),
      findings: [
        { severity: 'medium', evidence: { repo: 'a/b' } },
        { severity: 'low', evidence: { repo: 'c/d' } },
      ],
    },
  ],
});

const findingsOf = (artifact: Artifact) => runRules(artifact, { rules: [unpinnedRevision], ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });

describe('provenance/unpinned-revision locations and fixes', () => {
  it('points at the reference, cell included, and says how to pin in Python', () => {
    const at: Location = { cell: 4, line: 2, column: 11 };
    const [finding] = findingsOf(py([ref(ABSENT, { location: at })], 'notebook'));
    expect(finding!.location).to.deep.equal(at);
    expect(finding!.fix).to.match(/^Pin a commit: revision="<40-hex commit>"; `modelvet lock` prints the current commits\.$/);
  });

  it('gives the transformers.js and config forms of the fix', () => {
    const [js] = findingsOf(py([ref(ABSENT, { via: '@huggingface/transformers.pipeline' })], 'javascript-source'));
    expect(js!.fix).to.contain("{ revision: '<40-hex commit>' }");
    const [cfg] = findingsOf(config([ref(ABSENT, { via: 'base_model' })]));
    expect(cfg!.fix).to.contain('revision: <40-hex commit>').and.to.contain('meta-llama/Llama-3.1-8B@<40-hex commit>');
    const [hub] = findingsOf(py([ref(ABSENT, { repo: 'pytorch/vision', via: 'torch.hub.load' })]));
    expect(hub!.fix).to.contain('torch.hub.load("pytorch/vision:<40-hex commit>"');
  });

  it('a ref without a location gives a finding without one', () => {
    const [finding] = findingsOf(py([{ ...ref(ABSENT), location: undefined } as ModelRef]));
    expect(finding).to.not.have.property('location');
  });

  it('classifies the table exactly', () => {
    expect(classifyRevision(lit(COMMIT)).pin).to.equal('commit');
    expect(classifyRevision(lit(`${COMMIT} `)).pin).to.equal('branch-or-tag');
    expect(classifyRevision(lit('refs/pr/1')).pin).to.equal('pr-ref');
    expect(classifyRevision(lit('refs/pr/x')).pin).to.equal('branch-or-tag');
    expect(classifyRevision(lit('abcdef0')).pin).to.equal('short-hex');
    expect(classifyRevision(lit('abcdef')).pin).to.equal('branch-or-tag');
    expect(classifyRevision(ABSENT).pin).to.equal('absent');
    expect(classifyRevision({ kind: 'unknown', text: 'x' }).pin).to.equal('unknown');
  });
});
