import { expect } from 'chai';
import { classifyGlobal, listAliases, normalizeGlobal, normalizeModule } from '../../src/policy/index.js';
import { expectAllowed, expectDenied, expectUnknown } from './helpers.js';

describe('policy: module aliases', () => {
  it('maps Python 2 and private spellings to the public module', () => {
    const cases: Array<[string, string]> = [
      ['__builtin__', 'builtins'],
      ['__builtins__', 'builtins'],
      ['_operator', 'operator'],
      ['posix', 'os'],
      ['nt', 'os'],
      ['_io', 'io'],
      ['_pickle', 'pickle'],
      ['cPickle', 'pickle'],
      ['copy_reg', 'copyreg'],
      ['_functools', 'functools'],
      ['_codecs', 'codecs'],
      ['commands', 'subprocess'],
      ['httplib', 'http.client'],
      ['urllib2', 'urllib.request'],
      ['numpy._core', 'numpy.core'],
      ['numpy._core.multiarray', 'numpy.core.multiarray'],
      ['pathlib._local', 'pathlib'],
    ];
    for (const [from, to] of cases) expect(normalizeModule(from), from).to.equal(to);
  });

  it('leaves unrelated names alone, including look-alikes', () => {
    for (const m of ['numpy', 'numpy.core', 'numpy._corex', 'posixpath', 'operator', 'torch._utils']) expect(normalizeModule(m)).to.equal(m);
  });

  it('applies _compat_pickle NAME_MAPPING before module renames', () => {
    expect(normalizeGlobal('__builtin__', 'reduce')).to.deep.equal({ module: 'functools', name: 'reduce' });
    expect(normalizeGlobal('__builtin__', 'xrange')).to.deep.equal({ module: 'builtins', name: 'range' });
    expect(normalizeGlobal('itertools', 'imap')).to.deep.equal({ module: 'builtins', name: 'map' });
    expect(normalizeGlobal('exceptions', 'ValueError')).to.deep.equal({ module: 'builtins', name: 'ValueError' });
  });

  it('denies aliased spellings of denied callables, reporting the canonical name', () => {
    expectDenied('__builtin__', 'eval', 'builtins.eval');
    expectDenied('posix', 'system', 'os.system');
    expectDenied('nt', 'system', 'os.system');
    expectDenied('commands', 'getoutput', 'subprocess.getoutput');
    expectDenied('__builtin__', 'reduce', 'functools.reduce');
    expectDenied('__builtin__', 'intern', 'sys.intern');
    expectDenied('itertools', 'imap', 'builtins.map');
    expectDenied('_socket', 'socket', 'socket.socket');
    expectDenied('httplib', 'HTTPSConnection', 'http.client.HTTPSConnection');
  });

  it('resolves aliases inside dotted names too', () => {
    expectDenied('pathlib', 'posix.system', 'os.system');
    expectDenied('torch', '_C._io.FileIO', 'io.FileIO');
  });

  it('allows aliased spellings of allowlisted globals', () => {
    expectAllowed('__builtin__', 'set');
    expectAllowed('__builtin__', 'long'); // → builtins.int
    expectAllowed('_codecs', 'encode');
    expectAllowed('copy_reg', '_reconstructor');
    expectAllowed('numpy._core.multiarray', '_reconstruct');
    expectAllowed('numpy._core.multiarray', 'scalar');
    expectAllowed('numpy._core.numeric', '_frombuffer');
    expect(classifyGlobal('numpy._core.multiarray', '_reconstruct')).to.include({ matched: 'numpy.core.multiarray._reconstruct' });
  });

  it('maps Python 2 exceptions to builtins without allowing them', () => {
    expectUnknown('exceptions', 'ValueError', 'builtins.ValueError');
  });

  it('documents a source for every alias', () => {
    const all = listAliases();
    expect(all.length).to.be.greaterThan(40);
    for (const a of all) expect(a.source, a.from).to.be.a('string').and.not.empty;
  });
});
