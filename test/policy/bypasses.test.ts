/**
 * Acceptance: every gadget named in public-bypasses.md section B (22–42) and A15–A18 is denied,
 * with the callable it really reaches as `resolvedAs`. One test per line of that file.
 */
import { expect } from 'chai';
import { classifyGlobal } from '../../src/policy/index.js';
import { expectAllDenied, expectDenied } from './helpers.js';

describe('policy: public bypasses, section A (name-level)', () => {
  it('A15 copyreg extension registry rewiring', () => {
    expectAllDenied([
      ['copyreg', 'add_extension', 'copyreg.add_extension'],
      ['copy_reg', 'add_extension', 'copyreg.add_extension'],
      ['copyreg', '_extension_registry', 'copyreg._extension_registry'],
      ['copyreg', 'dispatch_table', 'copyreg.dispatch_table'],
    ]);
  });

  it('A16 dotted attribute paths reach anything from an allowlisted module', () => {
    expectAllDenied([
      ['pathlib', 'os.system', 'os.system'],
      ['builtins', 'print.__class__.__base__.__subclasses__', 'builtins.print.__class__.__base__.__subclasses__'],
      ['torch', 'serialization.os.system', 'os.system'],
      ['collections', 'OrderedDict.__init__.__globals__', 'collections.OrderedDict.__init__.__globals__'],
    ]);
    expect(classifyGlobal('builtins', 'print.__class__.__base__.__subclasses__')).to.include({ matched: '__class__' });
  });

  it('A17 builtins.__import__ + builtins.getattr chain', () => {
    expectAllDenied([
      ['builtins', '__import__', 'builtins.__import__'],
      ['__builtin__', '__import__', 'builtins.__import__'],
      ['__builtins__', '__import__', 'builtins.__import__'],
      ['builtins', 'getattr', 'builtins.getattr'],
      ['__builtin__', 'getattr', 'builtins.getattr'],
    ]);
  });

  it('A18 allowlisted module exposing __builtins__', () => {
    expectAllDenied([
      ['numpy', '__builtins__', 'numpy.__builtins__'],
      ['numpy.__builtins__', 'eval', 'numpy.__builtins__.eval'],
      ['numpy', '__builtins__.eval', 'builtins.eval'], // the suffix is the builtins namespace itself
      ['torch', '__dict__', 'torch.__dict__'],
    ]);
    expect(classifyGlobal('numpy', '__builtins__')).to.include({ matched: '__builtins__' });
  });
});

describe('policy: public bypasses, section B (denylist gaps)', () => {
  it('B22 pip.main package install', () => {
    expectAllDenied([
      ['pip', 'main', 'pip.main'],
      ['pip._internal.cli.main', 'main', 'pip._internal.cli.main.main'],
    ]);
  });

  it('B23 runpy/timeit/cProfile/profile/trace/bdb/pdb', () => {
    expectAllDenied([
      ['runpy', '_run_code', 'runpy._run_code'],
      ['timeit', 'timeit', 'timeit.timeit'],
      ['cProfile', 'run', 'cProfile.run'],
      ['cProfile', 'runctx', 'cProfile.runctx'],
      ['profile', 'run', 'profile.run'],
      ['profile', 'Profile.run', 'profile.Profile.run'],
      ['profile', 'Profile.runctx', 'profile.Profile.runctx'],
      ['trace', 'Trace.run', 'trace.Trace.run'],
      ['trace', 'Trace.runctx', 'trace.Trace.runctx'],
      ['bdb', 'Bdb.run', 'bdb.Bdb.run'],
      ['pdb', 'run', 'pdb.run'],
      ['pdb', 'Pdb.runcall', 'pdb.Pdb.runcall'],
    ]);
  });

  it('B24 code/idlelib/lib2to3/doctest/ensurepip', () => {
    expectAllDenied([
      ['code', 'InteractiveInterpreter.runcode', 'code.InteractiveInterpreter.runcode'],
      ['idlelib.pyshell', 'ModifiedInterpreter.runcode', 'idlelib.pyshell.ModifiedInterpreter.runcode'],
      ['idlelib.run', 'Executive.runcode', 'idlelib.run.Executive.runcode'],
      ['idlelib.autocomplete', 'AutoComplete.get_entity', 'idlelib.autocomplete.AutoComplete.get_entity'],
      ['lib2to3.pgen2.grammar', 'Grammar.loads', 'lib2to3.pgen2.grammar.Grammar.loads'],
      ['lib2to3.pgen2.pgen', 'ParserGenerator.make_label', 'lib2to3.pgen2.pgen.ParserGenerator.make_label'],
      ['doctest', 'debug_script', 'doctest.debug_script'],
      ['ensurepip', '_run_pip', 'ensurepip._run_pip'],
    ]);
  });

  it('B25 torch internals that eval/exec/spawn', () => {
    expectAllDenied([
      ['torch._dynamo.guards', 'GuardBuilder.get', 'torch._dynamo.guards.GuardBuilder.get'],
      ['torch.fx.experimental.symbolic_shapes', 'ShapeEnv.evaluate_guards_expression', 'torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression'],
      ['torch.utils.collect_env', 'run', 'torch.utils.collect_env.run'],
      ['torch.jit.unsupported_tensor_ops', 'execWrapper', 'torch.jit.unsupported_tensor_ops.execWrapper'],
      ['torch._inductor.codecache', 'compile_file', 'torch._inductor.codecache.compile_file'],
      ['torch.utils.bottleneck.__main__', 'run_cprofile', 'torch.utils.bottleneck.__main__.run_cprofile'],
      ['torch.utils.bottleneck.__main__', 'run_autograd_prof', 'torch.utils.bottleneck.__main__.run_autograd_prof'],
    ]);
  });

  it('B26 submodules of a blocked module inherit the block', () => {
    expectAllDenied([
      ['asyncio.unix_events', '_UnixSubprocessTransport._start', 'asyncio.unix_events._UnixSubprocessTransport._start'],
      ['aiohttp.client', 'ClientSession', 'aiohttp.client.ClientSession'],
      ['pip._internal', 'main', 'pip._internal.main'],
      ['os.path', 'join', 'os.path.join'],
    ]);
    expect(classifyGlobal('asyncio.unix_events', '_UnixSubprocessTransport._start')).to.include({ matched: 'asyncio' });
  });

  it('B27 operator/_operator attrgetter/itemgetter/methodcaller and operator.call', () => {
    expectAllDenied([
      ['operator', 'attrgetter', 'operator.attrgetter'],
      ['_operator', 'attrgetter', 'operator.attrgetter'],
      ['_operator', 'itemgetter', 'operator.itemgetter'],
      ['operator', 'methodcaller', 'operator.methodcaller'],
      ['_operator', 'methodcaller', 'operator.methodcaller'],
      ['operator', 'call', 'operator.call'],
      ['_operator', 'call', 'operator.call'],
    ]);
  });

  it('B28 functools.partial wrappers', () => {
    expectAllDenied([
      ['functools', 'partial', 'functools.partial'],
      ['_functools', 'partial', 'functools.partial'],
      ['functools', 'partialmethod', 'functools.partialmethod'],
    ]);
  });

  it('B29 universal resolvers', () => {
    expectAllDenied([
      ['pkgutil', 'resolve_name', 'pkgutil.resolve_name'],
      ['importlib', 'import_module', 'importlib.import_module'],
      ['importlib.util', 'spec_from_file_location', 'importlib.util.spec_from_file_location'],
      ['pydoc', 'locate', 'pydoc.locate'],
      ['marshal', 'loads', 'marshal.loads'],
    ]);
  });

  it('B30 nested deserializers', () => {
    expectAllDenied([
      ['pickle', 'loads', 'pickle.loads'],
      ['_pickle', 'loads', 'pickle.loads'],
      ['cPickle', 'loads', 'pickle.loads'],
      ['torch', 'load', 'torch.load'],
      ['torch.serialization', 'load', 'torch.serialization.load'],
      ['torch.storage', '_load_from_bytes', 'torch.storage._load_from_bytes'],
      ['torch.utils._config_module', 'ConfigModule.load_config', 'torch.utils._config_module.ConfigModule.load_config'],
      ['torch.utils.data.datapipes.utils.decoder', 'basichandlers', 'torch.utils.data.datapipes.utils.decoder.basichandlers'],
      ['joblib', 'load', 'joblib.load'],
      ['joblib.numpy_pickle', 'load', 'joblib.numpy_pickle.load'],
      ['marshal', 'loads', 'marshal.loads'],
      ['numpy', 'load', 'numpy.load'],
      ['numpy.lib.npyio', 'load', 'numpy.lib.npyio.load'],
    ]);
  });

  it('B31 code-object construction', () => {
    expectAllDenied([
      ['types', 'CodeType', 'types.CodeType'],
      ['types', 'FunctionType', 'types.FunctionType'],
      ['cloudpickle.cloudpickle', '_make_function', 'cloudpickle.cloudpickle._make_function'],
      ['cloudpickle.cloudpickle', '_builtin_type', 'cloudpickle.cloudpickle._builtin_type'],
      ['cloudpickle.cloudpickle', 'subimport', 'cloudpickle.cloudpickle.subimport'],
      ['joblib.externals.cloudpickle.cloudpickle', '_make_function', 'joblib.externals.cloudpickle.cloudpickle._make_function'],
      ['dill._dill', '_create_code', 'dill._dill._create_code'],
    ]);
  });

  it('B32 file/network primitives', () => {
    expectAllDenied([
      ['ctypes', 'CDLL', 'ctypes.CDLL'],
      ['_io', 'FileIO', 'io.FileIO'],
      ['io', 'open', 'io.open'],
      ['logging', 'FileHandler', 'logging.FileHandler'],
      ['distutils.file_util', 'write_file', 'distutils.file_util.write_file'],
      ['shutil', 'rmtree', 'shutil.rmtree'],
      ['urllib.request', 'urlopen', 'urllib.request.urlopen'],
      ['urllib', 'urlopen', 'urllib.request.urlopen'],
      ['ssl', 'get_server_certificate', 'ssl.get_server_certificate'],
      ['builtins', 'open', 'builtins.open'],
    ]);
  });

  it('B33 stdlib functions with hidden subprocess', () => {
    expectAllDenied([
      ['uuid', '_get_command_stdout', 'uuid._get_command_stdout'],
      ['_osx_support', '_read_output', '_osx_support._read_output'],
      ['_aix_support', '_read_cmd_output', '_aix_support._read_cmd_output'],
      ['imaplib', 'IMAP4_stream', 'imaplib.IMAP4_stream'],
      ['_pyrepl.pager', 'pipe_pager', '_pyrepl.pager.pipe_pager'],
      ['test.support.script_helper', 'assert_python_ok', 'test.support.script_helper.assert_python_ok'],
    ]);
  });

  it('B34 numpy eval sinks', () => {
    expectAllDenied([
      ['numpy.f2py.crackfortran', 'getlincoef', 'numpy.f2py.crackfortran.getlincoef'],
      ['numpy.testing._private.utils', 'runstring', 'numpy.testing._private.utils.runstring'],
      ['numpy', 'f2py.crackfortran.getlincoef', 'numpy.f2py.crackfortran.getlincoef'],
    ]);
  });

  it('B35 third-party gadgets', () => {
    expectAllDenied([
      ['multiprocessing.util', 'spawnv_passfds', 'multiprocessing.util.spawnv_passfds'],
      ['mlflow.projects.backend.local', '_run_entry_point', 'mlflow.projects.backend.local._run_entry_point'],
      ['pandas', 'read_csv', 'pandas.read_csv'],
      ['pandas', 'read_pickle', 'pandas.read_pickle'],
      ['pandas.io.parsers.readers', 'read_csv', 'pandas.io.parsers.readers.read_csv'],
      ['transformers', 'AutoTokenizer.from_pretrained', 'transformers.AutoTokenizer.from_pretrained'],
      ['transformers.models.auto.tokenization_auto', 'AutoTokenizer.from_pretrained', 'transformers.models.auto.tokenization_auto.AutoTokenizer.from_pretrained'],
    ]);
  });

  it('B36 stdlib eval/exec/os.system sinks missing from every list', () => {
    expectAllDenied([
      ['mailcap', 'findmatch', 'mailcap.findmatch'],
      ['setuptools._distutils.spawn', 'spawn', 'setuptools._distutils.spawn.spawn'],
      ['pipes', 'Template.copy', 'pipes.Template.copy'],
      ['typing', '_eval_type', 'typing._eval_type'],
      ['typing', 'get_type_hints', 'typing.get_type_hints'],
      ['dataclasses', '_create_fn', 'dataclasses._create_fn'],
    ]);
  });

  it('B37 class synthesis with builtins.type (and the Path sink it plants)', () => {
    expectAllDenied([
      ['builtins', 'type', 'builtins.type'],
      ['__builtin__', 'type', 'builtins.type'],
      ['pathlib', 'Path.touch', 'pathlib.Path.touch'],
      ['pathlib._local', 'PosixPath.write_text', 'pathlib.PosixPath.write_text'],
    ]);
  });

  it('B38 private stdlib modules', () => {
    expectAllDenied([
      ['_interpreters', 'run_string', '_interpreters.run_string'],
      ['_xxsubinterpreters', 'run_string', '_xxsubinterpreters.run_string'],
      ['_posixsubprocess', 'fork_exec', '_posixsubprocess.fork_exec'],
    ]);
  });

  it('B39 allowlist shadowing: deny always wins, whatever else allows', () => {
    // The user's config cannot re-allow a denied global, exactly or by module wildcard.
    expectDenied('os', 'system', 'os.system', { extraAllowed: ['os.system', 'os.*'] });
    expectDenied('pathlib', 'os.system', 'os.system', { extraAllowed: ['pathlib.*', 'pathlib.os.system'] });
    // An allowlisted prefix does not shadow a denied attribute below it.
    expectDenied('numpy', 'ndarray.tofile', 'numpy.ndarray.tofile');
    expectDenied('torch', 'load', 'torch.load', { context: 'torchscript' });
  });

  it('B40 scanner tampering', () => {
    expectAllDenied([
      ['fickling', 'hook.remove_hook', 'fickling.hook.remove_hook'],
      ['fickling.hook', 'run_hooked', 'fickling.hook.run_hooked'],
      ['picklescan.scanner', 'scan_pickle_bytes', 'picklescan.scanner.scan_pickle_bytes'],
      ['modelscan.modelscan', 'ModelScan', 'modelscan.modelscan.ModelScan'],
      ['modelaudit', 'core', 'modelaudit.core'],
    ]);
  });

  it('B41 runtime-hook gaps: pure-Python pickle entry points', () => {
    expectAllDenied([
      ['pickle', '_load', 'pickle._load'],
      ['pickle', '_loads', 'pickle._loads'],
      ['pickle', '_Unpickler', 'pickle._Unpickler'],
      ['_pickle', 'Unpickler', 'pickle.Unpickler'],
      ['_pickle', 'loads', 'pickle.loads'],
    ]);
  });

  it('B42 overwritten modules / shadowing primitives', () => {
    expectAllDenied([
      ['sys', 'modules', 'sys.modules'],
      ['pathlib', 'sys.modules', 'sys.modules'],
      ['builtins', 'setattr', 'builtins.setattr'],
      ['importlib', 'reload', 'importlib.reload'],
      ['functools', 'update_wrapper', 'functools.update_wrapper'],
    ]);
  });
});
