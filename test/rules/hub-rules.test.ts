import { expect } from 'chai';
import fc from 'fast-check';
import type { HubRepoArtifact, HubRepoFile, HubRepoInfo } from '../../src/check/types.js';
import { runRules } from '../../src/engine/run-rules.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import access from '../../src/rules/hub/access.js';
import { HUB_CODES } from '../../src/rules/hub/codes.js';
import customCode from '../../src/rules/hub/custom-code.js';
import disabled from '../../src/rules/hub/disabled.js';
import { RULES } from '../../src/rules/hub/index.js';
import noLicense from '../../src/rules/hub/no-license.js';
import notFullyAnalysed from '../../src/rules/hub/not-fully-analysed.js';
import pickleWeights from '../../src/rules/hub/pickle-weights.js';
import securityScan from '../../src/rules/hub/security-scan.js';
import unhashedFile from '../../src/rules/hub/unhashed-file.js';
import { RuleTester } from '../../src/rules/rule-tester.js';
import type { Rule } from '../../src/rules/types.js';
import type { Artifact } from '../../src/types.js';

const COMMIT = 'a'.repeat(40);
const SHA = 'b'.repeat(64);

const file = (path: string, extra: Partial<HubRepoFile> = {}): HubRepoFile => ({
  path,
  size: 100,
  gitOid: 'c'.repeat(40),
  pointer: false,
  coverage: 'complete',
  fetchedBytes: 100,
  ...extra,
});
/** An LFS file whose listing carries its SHA-256. */
const lfs = (path: string, extra: Partial<HubRepoFile> = {}): HubRepoFile => file(path, { pointer: true, lfsSha256: SHA, ...extra });
/** A file listed but not read by the check. */
const unread = (path: string, extra: Partial<HubRepoFile> = {}): HubRepoFile => lfs(path, { coverage: 'skipped', fetchedBytes: 0, ...extra });

const repo = (hub: Partial<HubRepoInfo> = {}): HubRepoArtifact => ({
  path: `hf:org/model@${COMMIT}`,
  format: 'hub-repo',
  size: 0,
  anomalies: [],
  children: [],
  hub: {
    repo: 'org/model',
    repoType: 'model',
    commit: COMMIT,
    endpoint: 'https://huggingface.co',
    tags: [],
    license: { id: 'apache-2.0', source: 'card' },
    baseModels: [],
    pythonFiles: [],
    autoMap: [],
    files: [],
    ...hub,
  },
});

/** Odd names a repo listing can carry; none may throw or pollute anything. */
const HOSTILE_PATHS = ['__proto__', 'constructor', 'toString', '', '.bin', 'a/../b.bin', 'weird\nname.pt', '\u202Eevil.pkl', 'x'.repeat(5000) + '.bin'];

function findings(rule: Rule, artifact: Artifact) {
  return runRules(artifact, { rules: [rule], ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });
}

const tester = new RuleTester();

tester.run('hub/pickle-weights', pickleWeights, {
  valid: [
    { name: 'safetensors only', artifact: repo({ files: [lfs('model.safetensors', { format: 'safetensors' }), file('config.json', { format: 'model-config' })] }) },
    { name: 'an empty repo', artifact: repo() },
    {
      name: 'a read .bin that is not a pickle (ONNX external data, fastText) goes by its content',
      artifact: repo({ files: [lfs('model.bin', { format: 'unknown' }), lfs('weights.pt', { format: 'zip' })] }),
    },
    { name: 'a .npy read by content: a numeric array never unpickles, an object array has its own findings', artifact: repo({ files: [lfs('embeddings.npy', { format: 'numpy' })] }) },
    { name: 'a compressed tarball is an archive, not a joblib pickle', artifact: repo({ files: [lfs('ckpt.tar.gz', { format: 'compressed' })] }) },
    { name: 'unread files with other names', artifact: repo({ files: [unread('model.gguf'), unread('README.md'), unread('.bin')] }) },
    { name: 'not a hub repo artifact', artifact: { path: 'x.bin', format: 'unknown', size: 1, anomalies: [], children: [] } },
  ],
  invalid: [
    {
      name: 'pytorch_model.bin alone is medium',
      artifact: repo({ files: [lfs('pytorch_model.bin', { format: 'pytorch-zip' }), file('config.json')] }),
      findings: [
        {
          severity: 'medium',
          message: 'loading pytorch_model.bin would unpickle it, which can run code, and no safetensors copy sits beside it',
          evidence: { files: ['pytorch_model.bin'], withoutAlternative: ['pytorch_model.bin'], alternatives: [], judgedByName: [] },
        },
      ],
    },
    {
      name: 'info when model.safetensors sits beside the .bin, naming it and use_safetensors=True',
      artifact: repo({
        files: [lfs('pytorch_model.bin', { format: 'pytorch-zip' }), lfs('model.safetensors', { format: 'safetensors' }), lfs('training_args.bin', { format: 'pickle' })],
      }),
      findings: [
        {
          severity: 'info',
          message:
            'loading pytorch_model.bin and training_args.bin would unpickle them, but model.safetensors beside them holds safetensors weights: use_safetensors=True keeps transformers off the pickle',
          evidence: { withoutAlternative: [], alternatives: ['model.safetensors'] },
        },
      ],
    },
    {
      name: 'a sharded safetensors index counts as the alternative for sharded .bin files',
      artifact: repo({
        files: [
          unread('pytorch_model-00001-of-00002.bin'),
          unread('pytorch_model-00002-of-00002.bin'),
          file('pytorch_model.bin.index.json'),
          file('model.safetensors.index.json', { format: 'safetensors-index' }),
        ],
      }),
      findings: [{ severity: 'info', message: /but model\.safetensors\.index\.json beside them holds safetensors weights: use_safetensors=True/ }],
    },
    {
      name: 'diffusers subfolders: each .bin needs safetensors in its own folder',
      artifact: repo({
        files: [
          lfs('unet/diffusion_pytorch_model.bin', { format: 'pytorch-zip' }),
          lfs('unet/diffusion_pytorch_model.safetensors', { format: 'safetensors' }),
          lfs('vae/diffusion_pytorch_model.bin', { format: 'pytorch-zip' }),
        ],
      }),
      findings: [
        {
          severity: 'medium',
          message:
            'loading vae/diffusion_pytorch_model.bin would unpickle it, which can run code, and no safetensors copy sits beside it (1 other pickle-based file has one: unet/diffusion_pytorch_model.bin)',
          evidence: { withoutAlternative: ['vae/diffusion_pytorch_model.bin'], alternatives: ['unet/diffusion_pytorch_model.safetensors'] },
        },
      ],
    },
    {
      name: 'a .safetensors file whose content is a pickle is no alternative, and is itself pickle-based',
      artifact: repo({ files: [lfs('model.safetensors', { format: 'pickle' }), lfs('pytorch_model.bin', { format: 'pytorch-zip' })] }),
      findings: [{ severity: 'medium', evidence: { files: ['model.safetensors', 'pytorch_model.bin'], alternatives: [] } }],
    },
    {
      name: 'unread files are judged by name, and the message says so',
      artifact: repo({ files: [unread('model.ckpt'), unread('clf.joblib'), unread('clf.pkl.gz'), unread('arr.npy'), unread('arr.npz'), unread('x.PTH')] }),
      findings: [
        {
          severity: 'medium',
          message:
            'loading model.ckpt, clf.joblib, clf.pkl.gz, arr.npy, arr.npz and 1 more would unpickle them, which can run code, and no safetensors copy sits beside them; they were not read and are judged by their names',
          evidence: { judgedByName: ['model.ckpt', 'clf.joblib', 'clf.pkl.gz', 'arr.npy', 'arr.npz', 'x.PTH'] },
        },
      ],
    },
    {
      name: 'every pickle-based format the check reads counts',
      artifact: repo({
        files: (['pickle', 'pytorch-zip', 'pytorch-legacy', 'pytorch-legacy-tar', 'torchscript', 'compressed'] as const).map((format, i) => lfs(`f${i}.dat`, { format })),
      }),
      findings: [{ severity: 'medium', message: /^loading f0\.dat, f1\.dat, f2\.dat, f3\.dat, f4\.dat and 1 more would unpickle them/, evidence: { files: ['f0.dat', 'f1.dat', 'f2.dat', 'f3.dat', 'f4.dat', 'f5.dat'] } }],
    },

    {
      name: 'a read-but-unknown file with a .bin name is left to its content; an unread one is not',
      artifact: repo({ files: [lfs('a.bin', { format: 'unknown' }), unread('b.bin')] }),
      findings: [{ message: /^loading b\.bin would unpickle it.*; it was not read and is judged by its name$/, evidence: { files: ['b.bin'] } }],
    },
    {
      name: 'hostile and odd paths',
      artifact: repo({ files: HOSTILE_PATHS.map((p) => unread(p)) }),
      findings: [{ severity: 'medium', evidence: { withoutAlternative: ['a/../b.bin', 'weird\nname.pt', '\u202Eevil.pkl', 'x'.repeat(5000) + '.bin'] } }],
    },
  ],
});

tester.run('hub/custom-code', customCode, {
  valid: [
    { name: 'no code, no auto_map', artifact: repo({ files: [lfs('model.safetensors')] }) },
    { name: 'empty auto_map list', artifact: repo({ autoMap: [{ file: 'config.json', entries: [] }] }) },
  ],
  invalid: [
    {
      name: 'the repo’s own modeling code through auto_map is medium, listing entries and files',
      artifact: repo({
        pythonFiles: ['configuration_x.py', 'modeling_x.py'],
        autoMap: [
          {
            file: 'config.json',
            entries: [
              { key: 'AutoConfig', target: 'configuration_x.XConfig' },
              { key: 'AutoModelForCausalLM', target: 'modeling_x.XForCausalLM' },
            ],
          },
        ],
      }),
      findings: [
        {
          severity: 'medium',
          message:
            "from_pretrained on this repo needs trust_remote_code=True and then runs the repo's own Python code (auto_map AutoConfig → configuration_x.XConfig and AutoModelForCausalLM → modeling_x.XForCausalLM in config.json; Python files: configuration_x.py and modeling_x.py)",
          evidence: { pythonFiles: ['configuration_x.py', 'modeling_x.py'] },
        },
      ],
    },
    {
      name: 'Python files without auto_map are medium, and the message says the Auto classes do not import them',
      artifact: repo({ pythonFiles: ['handler.py'] }),
      findings: [
        {
          severity: 'medium',
          message:
            "the repo ships Python files (handler.py) that run when anything imports them, such as a loader given trust_remote_code=True, a custom pipeline or an inference handler; no auto_map names them, so transformers' Auto classes do not",
        },
      ],
    },
    {
      name: 'an auto_map target in another repo is high, naming that repo; the repo’s own code stays medium',
      artifact: repo({
        pythonFiles: ['configuration_x.py'],
        autoMap: [
          { file: 'config.json', entries: [{ key: 'AutoConfig', target: 'configuration_x.XConfig' }, { key: 'AutoModel', target: 'other/helpers--modeling.M' }] },
          { file: 'tokenizer_config.json', entries: [{ key: 'AutoTokenizer', target: 'other/helpers--tok.T' }] },
        ],
      }),
      findings: [
        {
          severity: 'high',
          message:
            'loading with trust_remote_code=True imports code from another repo, other/helpers, at its main branch unless code_revision is given, not from the checked commit (AutoModel → other/helpers--modeling.M and AutoTokenizer → other/helpers--tok.T in config.json and tokenizer_config.json)',
          evidence: { codeRepo: 'other/helpers' },
        },
        { severity: 'medium', message: /runs the repo's own Python code \(auto_map AutoConfig → configuration_x\.XConfig in config\.json; Python files: configuration_x\.py\)$/ },
      ],
    },
    {
      name: 'the checked repo named explicitly is its own code; the same name in another case is another repo to transformers',
      artifact: repo({
        autoMap: [{ file: 'config.json', entries: [{ key: 'AutoModel', target: 'org/model--modeling.M' }, { key: 'AutoConfig', target: 'Org/Model--configuration.C' }] }],
      }),
      findings: [
        { severity: 'high', message: /imports code from Org\/Model, this repo spelled differently, which transformers still treats as another repo/ },
        { severity: 'medium', evidence: { missingModules: ['modeling.py'] } },
      ],
    },
    {
      name: 'one high finding per other repo',
      artifact: repo({ autoMap: [{ file: 'config.json', entries: [{ key: 'A', target: 'x/one--m.C' }, { key: 'B', target: 'y/two--m.C' }] }] }),
      findings: [
        { severity: 'high', evidence: { codeRepo: 'x/one' } },
        { severity: 'high', evidence: { codeRepo: 'y/two' } },
      ],
    },
    {
      name: 'hostile keys and targets',
      artifact: repo({
        pythonFiles: ['__proto__.py'],
        autoMap: [{ file: '__proto__', entries: [{ key: '__proto__', target: 'constructor' }, { key: 'constructor', target: '--.' }, { key: 'x', target: '__proto__--m.C' }] }],
      }),
      findings: [{ severity: 'high', evidence: { codeRepo: '__proto__' } }, { severity: 'medium' }],
    },
  ],
});

tester.run('hub/no-license', noLicense, {
  valid: [
    { name: 'an SPDX id from the card', artifact: repo({ license: { id: 'mit', source: 'card' } }) },
    { name: 'a license: tag', artifact: repo({ license: { id: 'apache-2.0', source: 'tags' } }) },
    { name: '"other" is a custom licence', artifact: repo({ license: { id: 'other', source: 'card' } }) },
    { name: 'a custom licence by name and link', artifact: repo({ license: { name: 'acme-license', link: 'LICENSE.md', source: 'card' } }) },
    { name: 'a model licence id (llama3)', artifact: repo({ license: { id: 'llama3', source: 'card' } }) },
  ],
  invalid: [
    {
      name: 'no licence anywhere',
      artifact: repo({ license: undefined }),
      findings: [{ severity: 'low', message: 'the repo declares no licence in its card metadata or tags, so the terms under which its weights may be used are unknown' }],
    },
    { name: 'a licence object with nothing in it', artifact: repo({ license: { id: '  ', source: 'card' } }), findings: [{ severity: 'low', message: /declares no licence/ }] },
    {
      name: '"unknown" states no terms',
      artifact: repo({ license: { id: 'unknown', source: 'tags' } }),
      findings: [{ severity: 'low', message: 'the repo declares the licence "unknown" in its tags, which states no terms, so the terms under which its weights may be used are unknown' }],
    },
  ],
});

tester.run('hub/disabled', disabled, {
  valid: [{ name: 'not disabled', artifact: repo({ disabled: false }) }, { name: 'disabled absent', artifact: repo() }],
  invalid: [
    {
      name: 'disabled by the Hub is high',
      artifact: repo({ disabled: true }),
      findings: [{ severity: 'high', message: 'the Hub has disabled org/model, usually after a report or a takedown, so loading it or any copy of it loads what the Hub took down' }],
    },
  ],
});

tester.run('hub/access', access, {
  valid: [{ name: 'public, not gated', artifact: repo({ private: false, gated: false }) }, { name: 'nothing said', artifact: repo() }],
  invalid: [
    {
      name: 'gated by hand',
      artifact: repo({ gated: 'manual' }),
      findings: [
        {
          severity: 'info',
          message: 'org/model is gated (the publisher approves each access request by hand): check read it with the token given, and every download needs the same access',
          evidence: { private: false, gated: 'manual' },
        },
      ],
    },
    { name: 'gated automatically', artifact: repo({ gated: 'auto' }), findings: [{ severity: 'info', message: /is gated \(access is granted once a user accepts its conditions\): check read it with the token given/ }] },
    { name: 'private', artifact: repo({ private: true }), findings: [{ severity: 'info', message: /^org\/model is private: check read it with the token given/ }] },
    { name: 'private and gated, one finding', artifact: repo({ private: true, gated: 'auto' }), findings: [{ severity: 'info', message: /^org\/model is private and gated/ }] },
  ],
});

tester.run('hub/security-scan', securityScan, {
  valid: [
    { name: 'the Hub said nothing (no repo scan, no per-file status)', artifact: repo({ files: [lfs('pytorch_model.bin', { format: 'pytorch-zip' })] }) },
  ],
  invalid: [
    {
      name: 'flagged files with their pickle imports are info, and modelvet’s findings stand',
      artifact: repo({
        hubScan: { scansDone: true, filesWithIssues: [{ path: 'pytorch_model.bin', level: 'unsafe' }] },
        files: [
          lfs('pytorch_model.bin', { hubScan: { status: 'unsafe', pickleImports: ['os.system', 'builtins.exec'] } }),
          lfs('extra.pkl', { hubScan: { status: 'caution' } }),
          lfs('model.safetensors', { hubScan: { status: 'safe' } }),
        ],
      }),
      findings: [
        {
          severity: 'info',
          message:
            "the Hub's own scan flags 2 files (pytorch_model.bin: unsafe, imports os.system and builtins.exec and extra.pkl: caution); modelvet's own findings stand whatever the Hub says",
          evidence: {
            scansDone: true,
            flagged: [
              { path: 'pytorch_model.bin', level: 'unsafe', pickleImports: ['os.system', 'builtins.exec'] },
              { path: 'extra.pkl', level: 'caution', pickleImports: [] },
            ],
          },
        },
      ],
    },
    {
      name: 'a "safe" verdict is reported at info and lowers nothing',
      artifact: repo({ hubScan: { scansDone: true, filesWithIssues: [] }, files: [lfs('model.safetensors', { hubScan: { status: 'safe' } })] }),
      findings: [{ severity: 'info', message: "the Hub's own scan flags no file; that lowers none of modelvet's own findings, which stand whatever the Hub says" }],
    },
    {
      name: 'scan not done',
      artifact: repo({ hubScan: { scansDone: false, filesWithIssues: [] } }),
      findings: [{ severity: 'info', message: "the Hub has not finished scanning this repo; modelvet's own findings stand whatever the Hub says", evidence: { scansDone: false } }],
    },
    {
      name: 'per-file statuses without a repo-level scan, including unscanned files',
      artifact: repo({ files: [lfs('a.bin', { hubScan: { status: 'Unsafe' } }), lfs('b.bin', { hubScan: { status: 'unscanned' } })] }),
      findings: [{ severity: 'info', message: "the Hub's own scan flags 1 file (a.bin: Unsafe) and has not scanned 1 file (b.bin); modelvet's own findings stand whatever the Hub says", evidence: { unscanned: ['b.bin'] } }],
    },
    {
      name: 'a repo-level issue only, with a hostile path',
      artifact: repo({ hubScan: { filesWithIssues: [{ path: '__proto__', level: 'unsafe' }, { path: 'constructor', level: 'caution' }] } }),
      findings: [{ severity: 'info', message: /flags 2 files \(__proto__: unsafe and constructor: caution\)/ }],
    },
  ],
});

tester.run('hub/unhashed-file', unhashedFile, {
  valid: [
    { name: 'LFS files with a SHA-256', artifact: repo({ files: [lfs('model.safetensors'), lfs('pytorch_model.bin')] }) },
    { name: 'non-pointer files are content-addressed by git', artifact: repo({ files: [file('model.onnx', { format: 'onnx' }), file('tiny.safetensors')] }) },
    { name: 'Xet-only files that are not models', artifact: repo({ files: [file('data.csv', { pointer: true, xetHash: 'x' }), file('README.md', { pointer: true })] }) },
  ],
  invalid: [
    {
      name: 'Xet-only weights are low, listing them',
      artifact: repo({
        files: [
          file('model.safetensors', { pointer: true, xetHash: 'f'.repeat(64), size: 5 }),
          file('model.gguf', { pointer: true }),
          file('flax_model.msgpack', { pointer: true }),
          lfs('config.json'),
        ],
      }),
      findings: [
        {
          severity: 'low',
          message: 'the Hub lists no SHA-256 for 3 model files (model.safetensors, model.gguf and flax_model.msgpack), so they cannot be locked or verified without downloading them',
          evidence: { files: [{ path: 'model.safetensors', size: 5, xetHash: 'f'.repeat(64) }, { path: 'model.gguf', size: 100 }, { path: 'flax_model.msgpack', size: 100 }] },
        },
      ],
    },
    {
      name: 'a model found by content under another name, and a malformed LFS hash',
      artifact: repo({ files: [file('weights.dat', { pointer: true, format: 'hdf5' }), file('tf_model.h5', { pointer: true, lfsSha256: 'not-a-sha' })] }),
      findings: [{ severity: 'low', message: /for 2 model files \(weights\.dat and tf_model\.h5\)/ }],
    },
  ],
});

tester.run('hub/not-fully-analysed', notFullyAnalysed, {
  valid: [
    { name: 'another anomaly code', artifact: { path: 'x', format: 'unknown', size: 1, anomalies: [{ code: 'hub/other', message: 'm' }], children: [] } },
    { name: 'no anomalies', artifact: repo() },
  ],
  invalid: [
    {
      name: 'the anomaly on a file artifact is high, with the lead’s message',
      artifact: {
        path: `hf:org/model@${COMMIT}/pytorch_model.bin`,
        format: 'unknown',
        size: 10,
        anomalies: [{ code: HUB_CODES.notFullyAnalysed, message: 'stopped reading at the 32 MiB fetch cap, so the rest was not analysed', detail: { fetchedBytes: 33554432 } }],
        children: [],
      },
      findings: [
        {
          severity: 'high',
          message: 'stopped reading at the 32 MiB fetch cap, so the rest was not analysed',
          path: `hf:org/model@${COMMIT}/pytorch_model.bin`,
          evidence: { code: 'hub/not-fully-analysed', fetchedBytes: 33554432 },
        },
      ],
    },
  ],
});

describe('hub rule family', () => {
  it('lists every rule once, with ids, severities and docs the brief fixes, and is wired into the built-ins', () => {
    const expected: Record<string, string> = {
      'hub/pickle-weights': 'medium',
      'hub/custom-code': 'medium',
      'hub/no-license': 'low',
      'hub/disabled': 'high',
      'hub/access': 'info',
      'hub/security-scan': 'info',
      'hub/unhashed-file': 'low',
      'hub/not-fully-analysed': 'high',
    };
    expect(Object.fromEntries(RULES.map((r) => [r.meta.id, r.meta.severity]))).to.deep.equal(expected);
    for (const rule of RULES) {
      expect(rule.meta.category, rule.meta.id).to.equal('hub');
      for (const field of ['description', 'example', 'fix'] as const) expect(rule.meta.docs[field], `${rule.meta.id} ${field}`).to.be.a('string').and.not.empty;
      expect(BUILTIN_RULES, rule.meta.id).to.include(rule);
    }
    expect(notFullyAnalysed.meta.appliesTo).to.deep.equal(['*']);
    expect(pickleWeights.meta.appliesTo).to.deep.equal(['hub-repo']);
    expect(HUB_CODES.notFullyAnalysed).to.equal('hub/not-fully-analysed');
  });

  it('judges a 10 000-file repo quickly, with a capped message and the full list in evidence', () => {
    const files: HubRepoFile[] = [];
    for (let i = 0; i < 10_000; i++) files.push(file(`shard-${i}/pytorch_model.bin`, { pointer: true, format: 'pickle', hubScan: { status: 'unsafe', pickleImports: ['os.system'] } }));
    const pythonFiles = Array.from({ length: 10_000 }, (_, i) => `m${i}.py`);
    const autoMap = [{ file: 'config.json', entries: Array.from({ length: 200 }, (_, i) => ({ key: `K${i}`, target: `other${i % 3}/r--m.C` })) }];
    const big = repo({ files, pythonFiles, autoMap, hubScan: { scansDone: true, filesWithIssues: files.map((f) => ({ path: f.path, level: 'unsafe' })) } });
    const started = Date.now();
    const all = runRules(big, { rules: RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });
    expect(Date.now() - started).to.be.below(2000);
    expect(all.filter((f) => f.ruleId === 'engine/rule-error')).to.deep.equal([]);
    const pickle = all.filter((f) => f.ruleId === 'hub/pickle-weights');
    expect(pickle).to.have.length(1);
    expect(pickle[0]!.message).to.match(/^loading shard-0\/pytorch_model\.bin, .* and 9995 more would unpickle them/);
    expect((pickle[0]!.evidence!['files'] as string[]).length).to.equal(10_000);
    expect(all.filter((f) => f.ruleId === 'hub/custom-code').map((f) => f.severity)).to.deep.equal(['high', 'high', 'high', 'medium']);
    const scan = all.filter((f) => f.ruleId === 'hub/security-scan');
    expect(scan).to.have.length(1);
    expect(scan[0]!.severity).to.equal('info');
    expect(scan[0]!.message).to.match(/flags 10000 files \(.* and 9997 more\)/);
    expect(all.filter((f) => f.ruleId === 'hub/unhashed-file')[0]!.message).to.match(/for 10000 model files/);
    for (const f of all) expect(f.message.length, f.ruleId).to.be.below(2000);
  });

  it('never lets hostile names pollute prototypes or throw, in any hub rule', () => {
    const hostile = repo({
      files: HOSTILE_PATHS.map((p) => file(p, { pointer: true, hubScan: { status: '__proto__', pickleImports: ['__proto__'] } })),
      pythonFiles: HOSTILE_PATHS,
      autoMap: [{ file: 'constructor', entries: HOSTILE_PATHS.map((p) => ({ key: p, target: `${p}--${p}` })) }],
      hubScan: { filesWithIssues: HOSTILE_PATHS.map((p) => ({ path: p, level: p })) },
      license: { id: '__proto__', source: 'card' },
      gated: 'manual',
    });
    const all = runRules(hostile, { rules: RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });
    expect(all.filter((f) => f.ruleId === 'engine/rule-error')).to.deep.equal([]);
    expect(Object.keys(Object.prototype)).to.deep.equal([]);
    // A 5000-character name is cut in messages; the evidence keeps it whole.
    for (const f of all) expect(f.message.length, f.ruleId).to.be.below(3000);
  });

  it('property: any listing the Hub could send yields findings at the documented severities, never a rule error', () => {
    const name = fc.oneof(
      fc.constantFrom('pytorch_model.bin', 'model.safetensors', 'a/b.pt', 'x.npy', 'm.py', '__proto__', 'constructor', '', '.bin', 'c.pkl.gz', 'd.tar.gz'),
      fc.string({ maxLength: 40 }),
    );
    const format = fc.option(fc.constantFrom('pickle', 'pytorch-zip', 'numpy', 'compressed', 'safetensors', 'safetensors-index', 'unknown', 'zip', 'onnx') as fc.Arbitrary<HubRepoFile['format'] & string>, { nil: undefined });
    const hubFile = fc.record({
      path: name,
      format,
      pointer: fc.boolean(),
      lfsSha256: fc.option(fc.oneof(fc.constant(SHA), fc.string({ maxLength: 70 })), { nil: undefined }),
      hubScan: fc.option(fc.record({ status: fc.oneof(fc.constantFrom('safe', 'unsafe', 'caution', 'unscanned'), fc.string({ maxLength: 10 })), pickleImports: fc.option(fc.array(name, { maxLength: 4 }), { nil: undefined }) }), { nil: undefined }),
    });
    const info = fc.record({
      files: fc.array(hubFile, { maxLength: 20 }),
      pythonFiles: fc.array(name, { maxLength: 5 }),
      autoMap: fc.array(fc.record({ file: name, entries: fc.array(fc.record({ key: name, target: fc.oneof(name, name.map((n) => `${n}--m.C`)) }), { maxLength: 5 }) }), { maxLength: 3 }),
      license: fc.option(fc.record({ id: fc.option(name, { nil: undefined }), source: fc.constantFrom('card' as const, 'tags' as const) }), { nil: undefined }),
      gated: fc.option(fc.constantFrom(false as const, 'auto' as const, 'manual' as const), { nil: undefined }),
      private: fc.option(fc.boolean(), { nil: undefined }),
      disabled: fc.option(fc.boolean(), { nil: undefined }),
      hubScan: fc.option(fc.record({ scansDone: fc.option(fc.boolean(), { nil: undefined }), filesWithIssues: fc.array(fc.record({ path: name, level: name }), { maxLength: 4 }) }), { nil: undefined }),
    });
    const allowed: Record<string, string[]> = {
      'hub/pickle-weights': ['medium', 'info'],
      'hub/custom-code': ['medium', 'high'],
      'hub/no-license': ['low'],
      'hub/disabled': ['high'],
      'hub/access': ['info'],
      'hub/security-scan': ['info'],
      'hub/unhashed-file': ['low'],
    };
    fc.assert(
      fc.property(info, (generated) => {
        const files = generated.files.map((f) => {
          const { format: fmt, lfsSha256, hubScan, ...rest } = f;
          const hubScanClean = hubScan ? { status: hubScan.status, ...(hubScan.pickleImports ? { pickleImports: hubScan.pickleImports } : {}) } : undefined;
          return file(rest.path, { ...rest, ...(fmt ? { format: fmt } : {}), ...(lfsSha256 !== undefined ? { lfsSha256 } : {}), ...(hubScanClean ? { hubScan: hubScanClean } : {}) });
        });
        const { license, gated, private: priv, disabled: dis, hubScan, ...rest } = generated;
        const artifact = repo({
          ...rest,
          files,
          license: license ? { ...(license.id !== undefined ? { id: license.id } : {}), source: license.source } : undefined,
          ...(gated !== undefined ? { gated } : {}),
          ...(priv !== undefined ? { private: priv } : {}),
          ...(dis !== undefined ? { disabled: dis } : {}),
          ...(hubScan ? { hubScan: { ...(hubScan.scansDone !== undefined ? { scansDone: hubScan.scansDone } : {}), filesWithIssues: hubScan.filesWithIssues } } : {}),
        });
        const all = runRules(artifact, { rules: RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } });
        for (const f of all) {
          expect(allowed[f.ruleId], `${f.ruleId}: ${f.message}`).to.include(f.severity);
          expect(f.message).to.be.a('string').and.not.empty;
        }
        // One finding per repo for the listing rules, whatever the listing.
        for (const id of ['hub/pickle-weights', 'hub/no-license', 'hub/security-scan', 'hub/unhashed-file']) expect(all.filter((f) => f.ruleId === id).length).to.be.at.most(1);
        expect(Object.keys(Object.prototype)).to.deep.equal([]);
      }),
      { numRuns: 200 },
    );
  });

  it('grades pickle weights medium and the Hub scan info together: a Hub "safe" never removes the pickle finding', () => {
    const artifact = repo({
      hubScan: { scansDone: true, filesWithIssues: [] },
      files: [lfs('pytorch_model.bin', { format: 'pytorch-zip', hubScan: { status: 'safe' } })],
    });
    const all = findings(pickleWeights, artifact).concat(findings(securityScan, artifact));
    expect(all.map((f) => [f.ruleId, f.severity])).to.deep.equal([
      ['hub/pickle-weights', 'medium'],
      ['hub/security-scan', 'info'],
    ]);
  });
});
