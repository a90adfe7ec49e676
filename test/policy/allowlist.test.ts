import { expect } from 'chai';
import { classifyGlobal } from '../../src/policy/index.js';
import { expectAllowed, expectDenied, expectUnknown } from './helpers.js';

const each = (module: string, names: string[], opts?: Parameters<typeof classifyGlobal>[2]) => {
  for (const n of names) expectAllowed(module, n, opts);
};

describe('policy: allowlist', () => {
  it('torch tensor and storage rebuilding', () => {
    each('torch._utils', ['_rebuild_tensor_v2', '_rebuild_parameter', '_rebuild_parameter_with_state', '_rebuild_qtensor', '_rebuild_sparse_tensor',
      '_rebuild_device_tensor_from_numpy', '_rebuild_meta_tensor_no_storage', '_rebuild_wrapper_subclass', '_rebuild_nested_tensor']);
    expectAllowed('torch._tensor', '_rebuild_from_type_v2');
    each('torch', ['FloatStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage', 'ByteStorage', 'BoolStorage', 'QInt8Storage', 'Size', 'device', 'Tensor']);
    each('torch.storage', ['UntypedStorage', 'TypedStorage']);
    each('torch', ['float32', 'float16', 'bfloat16', 'int64', 'bool', 'uint8', 'float8_e4m3fn', 'per_channel_affine']);
    expectAllowed('torch.nn.parameter', 'Parameter');
    expectAllowed('torch.serialization', '_get_layout');
  });

  it("dill's numpy array rebuilder is allowed, the rest of dill stays denied", () => {
    expectAllowed('dill._dill', '_create_array');
    for (const n of ['_create_code', '_create_function', '_import_module', '_get_attr', '_create_filehandle', '_create_array.__globals__']) expectDenied('dill._dill', n, `dill._dill.${n}`);
    expectDenied('dill', '_dill._create_code', 'dill._dill._create_code');
  });

  it('torch.nn layer classes saved by torch.save(model)', () => {
    expectAllowed('torch.nn.modules.linear', 'Linear');
    expectAllowed('torch.nn.modules.linear', 'NonDynamicallyQuantizableLinear');
    expectAllowed('torch.nn.modules.conv', 'Conv2d');
    expectAllowed('torch.nn.modules.batchnorm', 'BatchNorm2d');
    expectAllowed('torch.nn.modules.dropout', 'Dropout');
    expectAllowed('torch.nn.modules.activation', 'ReLU');
    expectAllowed('torch.nn.modules.activation', 'GELU');
    expectAllowed('torch.nn.modules.activation', 'MultiheadAttention');
    each('torch.nn.modules.container', ['Sequential', 'ModuleList', 'ModuleDict']);
    expectAllowed('torch.nn.modules.sparse', 'Embedding');
    expectAllowed('torch.nn.modules.normalization', 'LayerNorm');
    each('torch.nn.modules.rnn', ['LSTM', 'GRU']);
    each('torch.nn.modules.transformer', ['TransformerEncoder', 'TransformerEncoderLayer']);
    each('torch.nn.modules.pooling', ['MaxPool2d', 'AdaptiveAvgPool2d']);
    expectAllowed('torch.nn.functional', 'relu');
  });

  it('Python containers and data constructors', () => {
    each('builtins', ['set', 'frozenset', 'slice', 'range', 'complex', 'bytearray', 'bytes', 'int', 'float', 'str', 'list', 'dict', 'tuple', 'bool']);
    each('collections', ['OrderedDict', 'Counter', 'defaultdict']);
    expectAllowed('codecs', 'encode');
    expectAllowed('argparse', 'Namespace');
  });

  it('numpy array reconstruction and dtypes, numpy 1 and 2 spellings', () => {
    for (const m of ['numpy.core.multiarray', 'numpy._core.multiarray']) each(m, ['_reconstruct', 'scalar']);
    each('numpy', ['ndarray', 'dtype', 'float64', 'int64', 'bool_']);
    each('numpy.dtypes', ['Float64DType', 'Int32DType', 'StrDType']);
  });

  it('scikit-learn estimators and their internals', () => {
    expectAllowed('sklearn.linear_model._logistic', 'LogisticRegression');
    expectAllowed('sklearn.tree._classes', 'DecisionTreeClassifier');
    expectAllowed('sklearn.tree._tree', 'Tree');
    expectAllowed('sklearn.ensemble._forest', 'RandomForestClassifier');
    expectAllowed('sklearn.ensemble._gb', 'GradientBoostingClassifier');
    expectAllowed('sklearn.preprocessing._data', 'StandardScaler');
    expectAllowed('sklearn.preprocessing._encoders', 'OneHotEncoder');
    expectAllowed('sklearn.pipeline', 'Pipeline');
    expectAllowed('sklearn._loss._loss', '__pyx_unpickle_CyHalfBinomialLoss');
    expectAllowed('joblib.numpy_pickle', 'NumpyArrayWrapper');
  });

  it('reports what matched and where it comes from', () => {
    const v = classifyGlobal('torch._utils', '_rebuild_tensor_v2');
    expect(v).to.include({ verdict: 'allowed', matched: 'torch._utils._rebuild_tensor_v2' });
    expect((v as { source: string }).source).to.match(/_weights_only_unpickler/);
  });

  it('TorchScript context: __torch__ classes and torch.jit._pickle helpers', () => {
    const ts = { context: 'torchscript' as const };
    expectAllowed('__torch__.torch.nn.modules.linear.___torch_mangle_0', 'Linear', ts);
    expectAllowed('__torch__', 'MyModel', ts);
    each('torch.jit._pickle', ['build_intlist', 'build_tensorlist', 'build_doublelist', 'build_boollist', 'build_tensor_from_id', 'restore_type_tag'], ts);
    expectAllowed('__main__', 'TensorID', ts);
    // Same names in a plain pickle go through Python's import machinery: not vouched for.
    expectUnknown('__torch__', 'MyModel');
    expectUnknown('torch.jit._pickle', 'build_intlist');
    // TorchScript does not relax the denylist or dunder rules.
    expectDenied('__torch__', 'os.system', 'os.system', ts);
    expectDenied('__torch__.x', 'Y.__class__', '__torch__.x.Y.__class__', ts);
  });

  it('near misses are unknown: module must match exactly, no submodule inheritance', () => {
    expectUnknown('torch._utils', '_rebuild_tensor_v99');
    expectUnknown('torch._utils.evil', '_rebuild_tensor_v2');
    expectUnknown('sklearn.pipeline.sub', 'Pipeline');
    expectUnknown('torch', 'nn');
  });
});

describe('policy: unknown (not allowlisted, not a known gadget → high, not critical)', () => {
  it('builtins.print is unknown: not needed by checkpoints, and printing cannot execute code', () => {
    expectUnknown('builtins', 'print', 'builtins.print');
    expectUnknown('__builtin__', 'print', 'builtins.print');
  });

  it('other harmless-looking but unvetted globals are unknown', () => {
    expectUnknown('collections', 'deque');
    expectUnknown('collections', 'ChainMap');
    expectUnknown('pathlib', 'PosixPath');
    expectUnknown('datetime', 'datetime');
    expectUnknown('types', 'SimpleNamespace');
    expectUnknown('operator', 'add');
    expectUnknown('__main__', 'Net');
    expectUnknown('transformers.models.bert.modeling_bert', 'BertModel');
  });
});
