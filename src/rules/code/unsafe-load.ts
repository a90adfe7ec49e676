import type { CodeCall } from '../../parsers/code/types.js';
import type { FindingInput, Rule } from '../types.js';
import { argument, PYTHON_FORMATS, shown, truthy } from './arguments.js';
import { ALWAYS_UNSAFE, FULL_YAML_LOADERS, JOBLIB_LOADS, KERAS_LOAD_MODELS, KERAS_UNSAFE_SWITCHES, NUMPY_LOADS, SAFE_YAML_LOADERS, TORCH_LOADS, UNSAFE_YAML_LOADERS, YAML_LOADS } from './unsafe-calls.js';

type Verdict = Required<Pick<FindingInput, 'severity' | 'message' | 'fix'>>;

const RUNS = 'loading untrusted data this way runs any code it carries';

const FIX = {
  torch: 'Pass weights_only=True (on torch ≥ 2.6 it is the default unless pickle_module= is given); better, store the weights as safetensors and load them with safetensors.torch.load_file.',
  pickle: 'Do not unpickle data you did not produce; use a data-only format (JSON, safetensors, numpy arrays without objects) for anything that crosses a trust boundary.',
  joblib: 'Load scikit-learn models with skops.io.load(path, trusted=[...]) naming the types you expect (not a list read from the file itself), or export them to ONNX.',
  numpy: 'Keep allow_pickle=False (the default) and store object data in a data-only format.',
  keras: 'Keep safe_mode=True (the default) and replace Lambda layers with registered custom layers; load only .keras files from a pinned, trusted source.',
  yaml: 'Use yaml.safe_load (or Loader=yaml.SafeLoader).',
};

function torchLoad(call: CodeCall): Verdict | undefined {
  const weightsOnly = argument(call, 'weights_only');
  if (weightsOnly.state === 'given') {
    const on = truthy(weightsOnly.value);
    if (on === true) return undefined;
    if (on === false) return { severity: 'high', message: `${call.callee}(weights_only=${shown(weightsOnly.value)}) unpickles the file with full pickle: ${RUNS}`, fix: FIX.torch };
    return { severity: 'low', message: `${call.callee}(weights_only=${shown(weightsOnly.value)}) unpickles the file fully unless the value is true, which is not known statically`, fix: FIX.torch };
  }
  const pickleModule = argument(call, 'pickle_module', 2);
  if (pickleModule.state === 'given') {
    return { severity: 'high', message: `${call.callee} with pickle_module= and no weights_only=True unpickles the file with full pickle (the safe default does not apply with a pickle_module): ${RUNS}`, fix: FIX.torch };
  }
  const hidden = weightsOnly.state === 'hidden' ? ' unless **kwargs sets it' : '';
  return { severity: 'medium', message: `${call.callee} without weights_only=True${hidden} unpickles the file with full pickle on torch < 2.6, where weights_only defaulted to False: ${RUNS}`, fix: FIX.torch };
}

function numpyLoad(call: CodeCall): Verdict | undefined {
  const allow = argument(call, 'allow_pickle', 2);
  if (allow.state === 'absent') return undefined;
  if (allow.state === 'hidden') return { severity: 'low', message: `${call.callee} may get allow_pickle=True from **kwargs, which is not known statically; with it, object arrays are unpickled`, fix: FIX.numpy };
  const on = truthy(allow.value);
  if (on === false) return undefined;
  if (on === true) return { severity: 'medium', message: `${call.callee}(allow_pickle=${shown(allow.value)}) unpickles object arrays in the file: ${RUNS}`, fix: FIX.numpy };
  return { severity: 'low', message: `${call.callee}(allow_pickle=${shown(allow.value)}) unpickles object arrays when the value is true, which is not known statically`, fix: FIX.numpy };
}

function kerasLoad(call: CodeCall): Verdict | undefined {
  const safeMode = argument(call, 'safe_mode', 3);
  if (safeMode.state !== 'given') return undefined;
  // Keras checks `safe_mode is not False`: only a literal False (not 0, not None) turns it off.
  const value = safeMode.value;
  if (value.kind === 'bool' && !value.value) return { severity: 'high', message: `${call.callee}(safe_mode=False) deserializes Lambda layers and arbitrary callables: loading an untrusted model runs the code it carries`, fix: FIX.keras };
  if (value.kind === 'unknown') return { severity: 'low', message: `${call.callee}(safe_mode=${value.text}) runs Lambda layers' code when the value is False, which is not known statically`, fix: FIX.keras };
  return undefined;
}

const lastPart = (text: string): string => text.slice(text.lastIndexOf('.') + 1);

function yamlLoad(call: CodeCall): Verdict | undefined {
  const loader = argument(call, 'Loader', 1);
  if (loader.state !== 'given') {
    const hidden = loader.state === 'hidden' ? ' (unless **kwargs passes one)' : '';
    return { severity: 'medium', message: `${call.callee} without a safe Loader${hidden} builds Python objects the YAML names on PyYAML < 6 (FullLoader by default, the unsafe Loader before 5.1)`, fix: FIX.yaml };
  }
  // Through imports: `from yaml import Loader as SafeLoader` is yaml.Loader.
  const name = loader.value.kind === 'unknown' ? lastPart((loader.value.resolved ?? loader.value.text).trim()) : undefined;
  if (name !== undefined && SAFE_YAML_LOADERS.has(name)) return undefined;
  if (name !== undefined && UNSAFE_YAML_LOADERS.has(name)) return { severity: 'medium', message: `${call.callee}(Loader=${shown(loader.value)}) builds any Python object the YAML names: ${RUNS}`, fix: FIX.yaml };
  if (name !== undefined && FULL_YAML_LOADERS.has(name)) {
    return { severity: 'medium', message: `${call.callee}(Loader=${shown(loader.value)}) builds Python objects the YAML names, which ran code on PyYAML < 5.4 (CVE-2020-14343)`, fix: FIX.yaml };
  }
  return { severity: 'low', message: `${call.callee}(Loader=${shown(loader.value)}) is safe only with SafeLoader or BaseLoader, which is not known statically`, fix: FIX.yaml };
}

/** How loading through this call is judged; undefined when it is not a loader modelvet knows or it is used safely. */
export function judgeLoad(call: CodeCall): Verdict | undefined {
  const { callee } = call;
  if (TORCH_LOADS.has(callee)) return torchLoad(call);
  if (NUMPY_LOADS.has(callee)) return numpyLoad(call);
  if (KERAS_LOAD_MODELS.has(callee)) return kerasLoad(call);
  if (YAML_LOADS.has(callee)) return yamlLoad(call);
  if (KERAS_UNSAFE_SWITCHES.has(callee)) {
    return { severity: 'high', message: `${callee}() turns Keras safe mode off for every later load in the process: loading an untrusted model then runs the code its Lambda layers carry`, fix: FIX.keras };
  }
  const does = ALWAYS_UNSAFE.get(callee);
  if (does === undefined) return undefined;
  const fix = JOBLIB_LOADS.has(callee) ? FIX.joblib : callee.startsWith('yaml.') ? FIX.yaml : FIX.pickle;
  return { severity: 'medium', message: `${callee} ${does}`, fix };
}

const rule: Rule = {
  meta: {
    id: 'code/unsafe-load',
    description: 'Python code loads a model or data with a deserializer that can run code (pickle, torch.load without weights_only, joblib, numpy allow_pickle, Keras safe_mode=False, yaml.load).',
    severity: 'medium',
    category: 'code',
    appliesTo: [...PYTHON_FORMATS],
    docs: {
      description:
        'pickle and everything built on it (torch.load with full unpickling, joblib, numpy object arrays, pandas.read_pickle, shelve, dill, cloudpickle) call whatever the data tells them to while loading, so a downloaded checkpoint becomes a program. Severity follows what the call does: weights_only=False, pickle_module=, safe_mode=False and enable_unsafe_deserialization() are high; torch.load without weights_only (full unpickling on torch < 2.6), pickle/joblib loads, numpy allow_pickle=True and yaml.load without a safe Loader are medium; a deciding argument whose value is not known statically is low. Imports are resolved, so `from torch import load as L; L(f)` is torch.load. torch.jit.load (TorchScript) is not matched.',
      example: "torch.load('model.pt', map_location='cpu')  # no weights_only=True",
      fix: 'Load weights as safetensors; otherwise torch.load(..., weights_only=True), skops.io for scikit-learn, numpy without allow_pickle, Keras with safe_mode left on, yaml.safe_load.',
      url: 'https://docs.python.org/3/library/pickle.html',
    },
  },
  *check({ artifact }) {
    if (!('code' in artifact) || artifact.code.language !== 'python') return;
    for (const call of artifact.code.calls) {
      const verdict = judgeLoad(call);
      if (!verdict) continue;
      yield {
        severity: verdict.severity,
        message: verdict.message,
        location: call.location,
        evidence: { callee: call.callee, written: call.written },
        fix: verdict.fix,
      };
    }
  },
};
export default rule;
