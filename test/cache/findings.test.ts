import { expect } from 'chai';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fromCachedResult, toCachedResult } from '../../src/cache/findings.js';
import { resolveCacheDir } from '../../src/cache/location.js';
import type { Finding } from '../../src/types.js';

describe('cache: findings relative to their file', () => {
  const findings: Finding[] = [
    { ruleId: 'pickle/dangerous-global', severity: 'critical', path: 'models/a.pt!archive/data.pkl', message: 'loading calls os.getcwd', location: { offset: 2 } },
    { ruleId: 'pickle/prefer-safetensors', severity: 'low', path: 'models/a.pt', message: 'prefer safetensors' },
  ];

  it('stores suffixes and names them again for the path the content is at now', () => {
    const cached = toCachedResult('models/a.pt', 'pytorch-zip', 10, findings)!;
    expect(cached.findings.map((f) => f.suffix)).to.deep.equal(['!archive/data.pkl', '']);
    expect(fromCachedResult(cached, 'renamed/b.pt')).to.deep.equal([
      { ...findings[0], path: 'renamed/b.pt!archive/data.pkl' },
      { ...findings[1], path: 'renamed/b.pt' },
    ]);
  });

  it('refuses to cache a result with a finding about another path (it depends on more than these bytes)', () => {
    expect(toCachedResult('models/a.pt', 'pytorch-zip', 10, [...findings, { ruleId: 'config/x', severity: 'high', path: 'modelvet.yaml', message: 'm' }])).to.equal(undefined);
    // a sibling whose name merely starts with the file's name is another path
    expect(toCachedResult('models/a.pt', 'pytorch-zip', 10, [{ ...findings[1], path: 'models/a.pt.sig' }])).to.equal(undefined);
  });
});

describe('cache: where the cache lives', () => {
  it('--cache-dir, then MODELVET_CACHE_DIR, then XDG_CACHE_HOME/modelvet, then ~/.cache/modelvet', () => {
    const env = { MODELVET_CACHE_DIR: '/m', XDG_CACHE_HOME: '/x' };
    expect(resolveCacheDir({ dir: 'rel', env, cwd: '/work' })).to.equal('/work/rel');
    expect(resolveCacheDir({ env, cwd: '/work' })).to.equal('/m');
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: '/x' } })).to.equal('/x/modelvet');
    expect(resolveCacheDir({ env: { XDG_CACHE_HOME: 'relative' }, home: '/h' })).to.equal('/h/.cache/modelvet');
    expect(resolveCacheDir({ env: { MODELVET_CACHE_DIR: '' }, home: '/h' })).to.equal('/h/.cache/modelvet');
    expect(resolveCacheDir({ env: {} })).to.equal(join(homedir(), '.cache', 'modelvet'));
  });
});
