import { expect } from 'chai';
import { classifyGlobal } from '../../src/policy/index.js';
import { expectAllowed, expectDenied, expectUnknown } from './helpers.js';

describe('policy: extraAllowed from the user config', () => {
  it('exact "module.name" allows that one global', () => {
    const opts = { extraAllowed: ['mylib.models.Net'] };
    expectAllowed('mylib.models', 'Net', opts);
    expect(classifyGlobal('mylib.models', 'Net', opts)).to.deep.equal({ verdict: 'allowed', matched: 'mylib.models.Net', source: 'user config (extraAllowed)' });
    expectUnknown('mylib.models', 'Other', undefined, opts);
    expectUnknown('mylib.models', 'Net');
  });

  it('"module.*" allows any name in that module but not its submodules', () => {
    const opts = { extraAllowed: ['mylib.*'] };
    expectAllowed('mylib', 'Net', opts);
    expectAllowed('mylib', 'Net.Inner', opts);
    expectUnknown('mylib.sub', 'Net', undefined, opts);
    expectUnknown('mylibx', 'Net', undefined, opts);
  });

  it('matches on the canonical spelling of either side', () => {
    expectAllowed('numpy._core.records', 'recarray', { extraAllowed: ['numpy.core.records.recarray'] });
    expectAllowed('numpy.core.records', 'recarray', { extraAllowed: ['numpy._core.records.*'] });
    expectAllowed('pathlib._local', 'PosixPath', { extraAllowed: ['pathlib.PosixPath'] });
  });

  it('can never override the denylist or the introspection rule (deny wins)', () => {
    expectDenied('os', 'system', 'os.system', { extraAllowed: ['os.system'] });
    expectDenied('posix', 'system', 'os.system', { extraAllowed: ['posix.*'] });
    expectDenied('builtins', 'eval', 'builtins.eval', { extraAllowed: ['builtins.*'] });
    expectDenied('mylib', 'Net.__class__', 'mylib.Net.__class__', { extraAllowed: ['mylib.*'] });
    expectDenied('mylib', 'os.system', 'os.system', { extraAllowed: ['mylib.*'] });
  });

  it('ignores malformed entries instead of allowing more than asked', () => {
    const opts = { extraAllowed: ['*', 'mylib', 'my*.x', '.*', ''] };
    expectUnknown('mylib', 'Net', undefined, opts);
    expectUnknown('builtins', 'print', undefined, opts);
  });

  it('is recomputed per array (no cross-call leakage)', () => {
    expectAllowed('a', 'b', { extraAllowed: ['a.b'] });
    expectUnknown('a', 'b', undefined, { extraAllowed: ['a.c'] });
    expectUnknown('a', 'b');
  });
});
