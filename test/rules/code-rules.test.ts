/** code/unsafe-load, code/trust-remote-code and code/malformed on hand-built artifacts (the parser's types, not its output). */
import { RuleTester } from '../../src/rules/rule-tester.js';
import unsafeLoad from '../../src/rules/code/unsafe-load.js';
import trustRemoteCode from '../../src/rules/code/trust-remote-code.js';
import codeMalformed from '../../src/rules/code/malformed.js';
import type { CodeArtifact, CodeCall, CodeValue } from '../../src/parsers/code/types.js';
import type { ModelConfigArtifact } from '../../src/parsers/model-config/types.js';
import type { Anomaly, Location, ModelRef } from '../../src/types.js';

const tester = new RuleTester();

const S = (value: string): CodeValue => ({ kind: 'string', value });
const B = (value: boolean): CodeValue => ({ kind: 'bool', value });
const N = (value: number): CodeValue => ({ kind: 'number', value });
const NONE: CodeValue = { kind: 'none' };
const U = (text: string): CodeValue => ({ kind: 'unknown', text });

interface CallParts {
  args?: CodeValue[];
  kwargs?: Record<string, CodeValue>;
  unknownKwargs?: boolean;
  starArgs?: boolean;
  at?: Location;
  written?: string;
}

function call(callee: string, parts: CallParts = {}): CodeCall {
  return {
    callee,
    written: parts.written ?? callee,
    args: parts.args ?? [S('model.bin')],
    kwargs: new Map(Object.entries(parts.kwargs ?? {})),
    hasUnknownKwargs: parts.unknownKwargs ?? false,
    hasStarArgs: parts.starArgs ?? false,
    location: parts.at ?? { line: 3, column: 5 },
  };
}

function py(calls: CodeCall[], modelRefs: ModelRef[] = [], format: CodeArtifact['format'] = 'python-source'): CodeArtifact {
  return { path: 'train.py', format, size: 100, anomalies: [], children: [], modelRefs, code: { language: 'python', calls, imports: [], syntaxErrors: 0 } };
}

const one = (c: CodeCall): CodeArtifact => py([c]);

tester.run('code/unsafe-load', unsafeLoad, {
  valid: [
    { name: 'torch.load(weights_only=True)', artifact: one(call('torch.load', { kwargs: { weights_only: B(true) } })) },
    { name: 'torch.load(weights_only="True") is truthy, as Bandit also accepts', artifact: one(call('torch.load', { kwargs: { weights_only: S('True') } })) },
    { name: 'torch.jit.load is TorchScript, not pickle', artifact: one(call('torch.jit.load')) },
    { name: 'torch.utils.cpp_extension.load builds an extension, not a pickle', artifact: one(call('torch.utils.cpp_extension.load')) },
    { name: 'numpy.load without allow_pickle', artifact: one(call('numpy.load')) },
    { name: 'numpy.load(allow_pickle=False)', artifact: one(call('numpy.load', { kwargs: { allow_pickle: B(false) } })) },
    { name: 'numpy.load(allow_pickle=None)', artifact: one(call('numpy.load', { kwargs: { allow_pickle: NONE } })) },
    { name: 'numpy.load(allow_pickle=0) is falsy', artifact: one(call('numpy.load', { kwargs: { allow_pickle: N(0) } })) },
    { name: 'numpy.load(f, None, "") positionally falsy', artifact: one(call('numpy.load', { args: [S('a.npy'), NONE, S('')] })) },
    { name: 'keras load_model with safe_mode left on', artifact: one(call('keras.models.load_model')) },
    { name: 'keras load_model(safe_mode=True)', artifact: one(call('keras.saving.load_model', { kwargs: { safe_mode: B(true) } })) },
    { name: 'keras load_model(safe_mode=None): Keras checks `is not False`', artifact: one(call('keras.saving.load_model', { kwargs: { safe_mode: NONE } })) },
    { name: 'yaml.load(Loader=yaml.SafeLoader)', artifact: one(call('yaml.load', { kwargs: { Loader: U('yaml.SafeLoader') } })) },
    { name: 'yaml.load(s, yaml.CSafeLoader) positionally', artifact: one(call('yaml.load', { args: [U('s'), U('yaml.CSafeLoader')] })) },
    { name: 'yaml.safe_load', artifact: one(call('yaml.safe_load')) },
    { name: 'an unresolved .load on an unknown receiver', artifact: one(call('?.load')) },
    { name: 'a JavaScript artifact is not read', artifact: { ...one(call('torch.load')), format: 'javascript-source', code: { language: 'javascript', calls: [call('torch.load')], imports: [], syntaxErrors: 0 } } },
  ],
  invalid: [
    {
      name: 'torch.load(weights_only=False) is high',
      artifact: one(call('torch.load', { kwargs: { weights_only: B(false) }, at: { line: 12, column: 9 } })),
      findings: [{ severity: 'high', message: /^torch\.load\(weights_only=False\) unpickles the file with full pickle/, evidence: { callee: 'torch.load' } }],
    },
    {
      name: 'torch.serialization.load without weights_only is medium',
      artifact: one(call('torch.serialization.load')),
      findings: [{ severity: 'medium', message: /^torch\.serialization\.load without weights_only=True unpickles the file with full pickle on torch < 2\.6/ }],
    },
    {
      name: 'torch.load(weights_only=None) is the default',
      artifact: one(call('torch.load', { kwargs: { weights_only: NONE } })),
      findings: [{ severity: 'medium', message: /without weights_only=True/ }],
    },
    {
      name: 'torch.load with pickle_module= and no weights_only is high',
      artifact: one(call('torch.load', { kwargs: { pickle_module: U('dill') } })),
      findings: [{ severity: 'high', message: /with pickle_module= and no weights_only=True/ }],
    },
    {
      name: 'torch.load(f, "cpu", dill) passes pickle_module positionally',
      artifact: one(call('torch.load', { args: [S('m.pt'), S('cpu'), U('dill')] })),
      findings: [{ severity: 'high', message: /pickle_module=/ }],
    },
    {
      name: 'torch.load(weights_only=flag) is low',
      artifact: one(call('torch.load', { kwargs: { weights_only: U('args.safe') } })),
      findings: [{ severity: 'low', message: /weights_only=args\.safe\).*not known statically/ }],
    },
    {
      name: 'torch.load(**kw) without weights_only stays medium and says why',
      artifact: one(call('torch.load', { unknownKwargs: true })),
      findings: [{ severity: 'medium', message: /without weights_only=True unless \*\*kwargs sets it/ }],
    },
    {
      name: 'marshal.loads is medium, for what marshal does',
      artifact: one(call('marshal.loads')),
      findings: [{ severity: 'medium', message: 'marshal.loads builds code objects and is not meant for data from others: malformed input can crash the interpreter' }],
    },
    ...['pickle.load', 'pickle.loads', 'pickle.Unpickler', '_pickle.load', 'cPickle.loads', 'dill.load', 'cloudpickle.loads', 'shelve.open', 'jsonpickle.decode', 'pandas.read_pickle', 'torch.package.PackageImporter', 'yaml.unsafe_load'].map((callee) => ({
      name: `${callee} is medium`,
      artifact: one(call(callee)),
      findings: [{ severity: 'medium' as const, message: new RegExp(`^${callee.replace(/\./g, '\\.')} .*: loading untrusted data this way runs any code it carries$`) }],
    })),
    {
      name: 'joblib.load is medium and points at skops',
      artifact: one(call('joblib.load')),
      findings: [{ severity: 'medium', message: /^joblib\.load unpickles the file/ }],
    },
    {
      name: 'sklearn.externals.joblib.load is medium',
      artifact: one(call('sklearn.externals.joblib.load')),
      findings: [{ severity: 'medium', message: /^sklearn\.externals\.joblib\.load unpickles/ }],
    },
    {
      name: 'numpy.load(allow_pickle=True) is medium',
      artifact: one(call('numpy.load', { kwargs: { allow_pickle: B(true) } })),
      findings: [{ severity: 'medium', message: /^numpy\.load\(allow_pickle=True\) unpickles object arrays/ }],
    },
    {
      name: 'numpy.load(f, None, 1) positionally truthy',
      artifact: one(call('numpy.load', { args: [S('a.npy'), NONE, N(1)] })),
      findings: [{ severity: 'medium', message: /allow_pickle=1/ }],
    },
    {
      name: 'numpy.load(allow_pickle=flag) is low',
      artifact: one(call('numpy.load', { kwargs: { allow_pickle: U('flag') } })),
      findings: [{ severity: 'low', message: /not known statically/ }],
    },
    {
      name: 'numpy.load(**opts) may hide allow_pickle: low',
      artifact: one(call('numpy.load', { unknownKwargs: true })),
      findings: [{ severity: 'low', message: /\*\*kwargs/ }],
    },
    ...['keras.models.load_model', 'keras.saving.load_model', 'tensorflow.keras.models.load_model', 'tensorflow.keras.saving.load_model'].map((callee) => ({
      name: `${callee}(safe_mode=False) is high`,
      artifact: one(call(callee, { kwargs: { safe_mode: B(false) } })),
      findings: [{ severity: 'high' as const, message: new RegExp(`^${callee.replace(/\./g, '\\.')}\\(safe_mode=False\\) deserializes Lambda layers`) }],
    })),
    {
      name: 'keras load_model(safe_mode=trust) is low',
      artifact: one(call('keras.models.load_model', { kwargs: { safe_mode: U('trust') } })),
      findings: [{ severity: 'low' }],
    },
    {
      name: 'keras.config.enable_unsafe_deserialization() is high',
      artifact: one(call('keras.config.enable_unsafe_deserialization', { args: [] })),
      findings: [{ severity: 'high', message: /turns Keras safe mode off for every later load/ }],
    },
    {
      name: 'yaml.load without Loader is medium',
      artifact: one(call('yaml.load', { args: [U('f')] })),
      findings: [{ severity: 'medium', message: /^yaml\.load without a safe Loader builds Python objects/ }],
    },
    {
      name: 'yaml.load(Loader=yaml.Loader) and yaml.load_all(s, yaml.FullLoader) are medium',
      artifact: py([call('yaml.load', { kwargs: { Loader: U('yaml.Loader') } }), call('yaml.load_all', { args: [U('s'), U('yaml.FullLoader')], at: { line: 4, column: 1 } })]),
      findings: [
        { severity: 'medium', message: /Loader=yaml\.Loader\) builds any Python object/ },
        { severity: 'medium', message: 'yaml.load_all(Loader=yaml.FullLoader) builds Python objects the YAML names, which ran code on PyYAML < 5.4 (CVE-2020-14343)' },
      ],
    },
    {
      name: 'yaml.load(Loader=SafeLoader) where SafeLoader is yaml.Loader imported under another name is medium',
      artifact: one(call('yaml.load', { kwargs: { Loader: { kind: 'unknown', text: 'SafeLoader', resolved: 'yaml.Loader' } } })),
      findings: [{ severity: 'medium', message: /Loader=SafeLoader\) builds any Python object/ }],
    },
    {
      name: 'yaml.load(Loader=my_loader) is low',
      artifact: one(call('yaml.load', { kwargs: { Loader: U('my_loader') } })),
      findings: [{ severity: 'low', message: /not known statically/ }],
    },
    {
      name: 'the finding carries the call location, cell included, in a notebook',
      artifact: py([call('pickle.load', { at: { cell: 3, line: 2, column: 7 }, written: 'pk.load' })], [], 'notebook'),
      findings: [{ severity: 'medium', evidence: { callee: 'pickle.load', written: 'pk.load' } }],
    },
  ],
});

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const ref = (repo: string, revision: ModelRef['revision'], location: Location = { line: 3, column: 5 }, via = 'transformers.AutoModel.from_pretrained'): ModelRef => ({ repo, repoType: 'model', revision, use: 'download', via, location });
const fromPretrained = (kwargs: Record<string, CodeValue>, at: Location = { line: 3, column: 5 }): CodeCall => call('transformers.AutoModel.from_pretrained', { args: [S('org/model')], kwargs, at });

tester.run('code/trust-remote-code', trustRemoteCode, {
  valid: [
    { name: 'no trust_remote_code', artifact: py([fromPretrained({})], [ref('org/model', { kind: 'absent' })]) },
    { name: 'trust_remote_code=False', artifact: py([fromPretrained({ trust_remote_code: B(false) })]) },
    { name: 'trust_remote_code=None', artifact: py([fromPretrained({ trust_remote_code: NONE })]) },
    { name: '**kwargs alone is not a finding', artifact: py([call('transformers.AutoModel.from_pretrained', { unknownKwargs: true })]) },
    { name: 'a config without the key', artifact: configArtifact([], [ref('org/x', { kind: 'absent' }, { line: 1, column: 13 }, 'base_model')]) },
  ],
  invalid: [
    {
      name: 'pinned to a full commit: high',
      artifact: py([fromPretrained({ trust_remote_code: B(true), revision: S(COMMIT) })], [ref('org/model', { kind: 'literal', value: COMMIT })]),
      findings: [{ severity: 'high', message: /trust_remote_code=True\) imports and runs the repository's Python code .*\(org\/model, pinned to a commit\)$/, evidence: { repo: 'org/model', pinned: true } }],
    },
    {
      name: 'no revision: critical',
      artifact: py([fromPretrained({ trust_remote_code: B(true) })], [ref('org/model', { kind: 'absent' })]),
      findings: [{ severity: 'critical', message: /loads org\/model without a revision: it imports and runs/, evidence: { repo: 'org/model', pinned: false } }],
    },
    {
      name: 'a tag: critical',
      artifact: py([fromPretrained({ trust_remote_code: B(true), revision: S('v1.0') })], [ref('org/model', { kind: 'literal', value: 'v1.0' })]),
      findings: [{ severity: 'critical', message: /loads org\/model at "v1\.0", not a pinned commit: it imports/ }],
    },
    {
      name: 'a short hash is not a commit pin: critical',
      artifact: py([fromPretrained({ trust_remote_code: B(true), revision: S('0123abc') })], [ref('org/model', { kind: 'literal', value: '0123abc' })]),
      findings: [{ severity: 'critical' }],
    },
    {
      name: 'a revision not known statically: high, as unpinned-revision gives it the benefit of the doubt',
      artifact: py([fromPretrained({ trust_remote_code: B(true), revision: U('rev') })], [ref('org/model', { kind: 'unknown', text: 'rev' })]),
      findings: [{ severity: 'high', message: /\(org\/model, at a revision not known statically\)$/, evidence: { pinned: false } }],
    },
    {
      name: 'the download of another call does not count',
      artifact: py([fromPretrained({ trust_remote_code: B(true) }, { line: 9, column: 1 })], [ref('org/model', { kind: 'absent' }, { line: 3, column: 5 })]),
      findings: [{ severity: 'high', message: /imports and runs the repository's Python code .* in this process$/ }],
    },
    {
      name: 'cells must match too in a notebook',
      artifact: py([fromPretrained({ trust_remote_code: B(true) }, { cell: 2, line: 1, column: 1 })], [ref('org/model', { kind: 'absent' }, { cell: 1, line: 1, column: 1 })], 'notebook'),
      findings: [{ severity: 'high' }],
    },
    {
      name: 'a repo that is a variable gives no ModelRef: high',
      artifact: py([call('vllm.LLM', { args: [U('name')], kwargs: { trust_remote_code: B(true) } })]),
      findings: [{ severity: 'high', message: /^vllm\.LLM\(trust_remote_code=True\)/ }],
    },
    {
      name: 'trust_remote_code=flag: low',
      artifact: py([fromPretrained({ trust_remote_code: U('args.trust') })]),
      findings: [{ severity: 'low', message: /trust_remote_code=args\.trust\).*not known statically/ }],
    },
    {
      name: 'trust_remote_code=1 is truthy',
      artifact: py([fromPretrained({ trust_remote_code: N(1) })]),
      findings: [{ severity: 'high' }],
    },
    {
      name: 'a config with trust_remote_code and an unpinned base model: critical',
      artifact: configArtifact([{ keyPath: 'trust_remote_code', value: 'true', location: { line: 5, column: 20 } }], [ref('org/x', { kind: 'absent' }, { line: 1, column: 13 }, 'base_model')]),
      findings: [{ severity: 'critical', message: /^the config sets trust_remote_code and names org\/x without a pinned commit/, evidence: { key: 'trust_remote_code', repo: 'org/x' } }],
    },
    {
      name: 'a config with trust_remote_code and a pinned model: high',
      artifact: configArtifact([{ keyPath: 'trust_remote_code', value: 'true' }], [ref('org/x', { kind: 'literal', value: COMMIT }, { line: 1, column: 13 }, 'base_model')]),
      findings: [{ severity: 'high', message: /^the config sets trust_remote_code: the tool reading it imports and runs/ }],
    },
    {
      name: 'a config whose flag is interpolated: low',
      artifact: configArtifact([{ keyPath: 'model.trust_remote_code', value: 'unknown' }], []),
      findings: [{ severity: 'low', message: /model\.trust_remote_code is filled in later/ }],
    },
  ],
});

function configArtifact(remoteCode: NonNullable<ModelConfigArtifact['config']['remoteCode']>, modelRefs: ModelRef[]): ModelConfigArtifact {
  return { path: 'axolotl.yaml', format: 'model-config', size: 10, anomalies: [], children: [], modelRefs, config: { syntax: 'yaml', documents: 1, ...(remoteCode.length ? { remoteCode } : {}) } };
}

const withAnomalies = (anomalies: Anomaly[]): CodeArtifact => ({ ...py([]), anomalies });

tester.run('code/malformed', codeMalformed, {
  valid: [
    { name: 'a clean source file', artifact: py([]) },
    { name: "another family's anomaly", artifact: withAnomalies([{ code: 'zip/truncated', message: 'x' }]) },
  ],
  invalid: [
    {
      name: 'a source file over the cap: high, not fully analysed, with the parser wording',
      artifact: withAnomalies([{ code: 'code/too-large', message: 'the source is 300000000 bytes, over the limit; it was not read', detail: { size: 300000000 } }]),
      findings: [{ severity: 'high', message: 'not fully analysed: the source is 300000000 bytes, over the limit; it was not read', evidence: { code: 'code/too-large', size: 300000000 } }],
    },
    {
      name: 'a notebook that is not JSON: medium',
      artifact: withAnomalies([{ code: 'code/malformed', message: 'the notebook is not valid JSON' }]),
      findings: [{ severity: 'medium', evidence: { code: 'code/malformed' } }],
    },
    {
      name: 'an unparsable config is info; a config over a limit is high, not fully analysed',
      artifact: { ...configArtifact([], []), anomalies: [{ code: 'model-config/malformed', message: 'not valid YAML' }, { code: 'model-config/limit', message: 'alias bomb' }] },
      findings: [
        { severity: 'info', message: 'not valid YAML' },
        { severity: 'high', message: 'not fully analysed: alias bomb' },
      ],
    },
  ],
});
