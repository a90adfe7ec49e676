import { expect } from 'chai';
import { classifyGlobal } from '../../src/policy/index.js';
import { candidateStarts, findIntrospection, isDunder } from '../../src/policy/dotted.js';
import { expectAllowed, expectDenied, expectUnknown } from './helpers.js';

describe('policy: dotted names', () => {
  it('pathlib + os.system resolves to os.system', () => {
    const v = expectDenied('pathlib', 'os.system', 'os.system');
    expect(v.matched).to.equal('os');
  });

  it('builtins + print.__class__.__base__.__subclasses__ is an introspection chain', () => {
    const v = expectDenied('builtins', 'print.__class__.__base__.__subclasses__', 'builtins.print.__class__.__base__.__subclasses__');
    expect(v.matched).to.equal('__class__');
    expect(v.reason).to.match(/introspection/);
  });

  it('numpy + __builtins__ and the module form numpy.__builtins__ are denied', () => {
    expectDenied('numpy', '__builtins__', 'numpy.__builtins__');
    expectDenied('numpy.__builtins__', 'eval', 'numpy.__builtins__.eval');
  });

  it('denies every introspection dunder anywhere in the name', () => {
    for (const d of ['__class__', '__base__', '__bases__', '__mro__', '__subclasses__', '__globals__', '__builtins__', '__dict__',
      '__getattribute__', '__import__', '__code__', '__reduce__', '__reduce_ex__', '__init__', '__call__', '__self__', '__func__']) {
      const v = classifyGlobal('torch.nn.modules.linear', `Linear.${d}`);
      expect(v.verdict, d).to.equal('denied');
    }
  });

  it('checks every suffix of the name, not only the first component', () => {
    expectDenied('torch', 'serialization.pickle.loads', 'pickle.loads');
    expectDenied('mylib', 'helpers.subprocess.Popen', 'subprocess.Popen');
    expectDenied('collections', 'abc.sys.modules', 'sys.modules');
  });

  it('does not treat a single trailing component as a module (no FP on a class named "trace")', () => {
    expectUnknown('torch', 'trace', 'torch.trace');
    expectUnknown('mylib.models', 'profile', 'mylib.models.profile');
    expect(candidateStarts('pathlib', 'os').starts).to.deep.equal([0]);
    expect(candidateStarts('pathlib', 'os.system').starts).to.deep.equal([0, 1]);
  });

  it('a dotted name is allowed only when exactly allowlisted as (module, name)', () => {
    expectAllowed('torch.nn.modules.linear', 'Linear');
    expectUnknown('torch', 'nn.modules.linear.Linear', 'torch.nn.modules.linear.Linear');
    expectUnknown('torch.nn.modules.linear', 'Linear.forward');
    expectUnknown('builtins', 'str.format');
  });

  it('denied attributes anywhere in a name (from_pretrained) are denied', () => {
    expectDenied('diffusers', 'StableDiffusionPipeline.from_single_file', 'diffusers.StableDiffusionPipeline.from_single_file');
    expectDenied('lightning.pytorch.core.module', 'LightningModule.load_from_checkpoint', 'lightning.pytorch.core.module.LightningModule.load_from_checkpoint');
  });

  it('module-position dunders: known roots pass, anything else is denied', () => {
    expect(findIntrospection('__main__', 'Net')).to.equal(undefined);
    expect(findIntrospection('__torch__.a', 'B')).to.equal(undefined);
    expect(findIntrospection('__builtin__', 'set')).to.equal(undefined);
    expect(findIntrospection('__weird__', 'x')).to.equal('__weird__');
    expect(findIntrospection('torch.__dict__', 'x')).to.equal('__dict__');
    expectDenied('__loader__', 'load_module', '__loader__.load_module');
    expectUnknown('__main__', 'Net', '__main__.Net');
  });

  it('Cython/numpy helpers with a leading double underscore are not dunders', () => {
    expect(isDunder('__pyx_unpickle_Tree')).to.equal(false);
    expect(isDunder('__randomstate_ctor')).to.equal(false);
    expect(isDunder('___torch_mangle_3')).to.equal(false);
    expect(isDunder('__init__')).to.equal(true);
    expect(isDunder('____')).to.equal(false);
    expectAllowed('numpy.random._pickle', '__randomstate_ctor');
  });

  it('stays linear on very long (cyclic, hence valid) attribute chains', () => {
    // os.path.os.path… is a real chain: every component resolves, so nothing may be skipped.
    const long = 'path.os.'.repeat(50_000) + 'system';
    const t0 = Date.now();
    expectDenied('os', long, `os.${long}`);
    expectDenied('pathlib', 'os.' + long, `os.${long}`);
    const benign = 'a.'.repeat(100_000) + 'b';
    expectUnknown('mylib', benign);
    expect(Date.now() - t0).to.be.lessThan(3000);
  });

  it('malformed names are never allowed', () => {
    expectUnknown('builtins', 'set.');
    expectUnknown('builtins', '');
    expectUnknown('', 'set');
  });
});
