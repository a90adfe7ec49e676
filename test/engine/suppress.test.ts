import { expect } from 'chai';
import { applySuppressions } from '../../src/engine/suppress.js';
import type { Finding } from '../../src/types.js';

const finding = (ruleId: string, path: string): Finding => ({ ruleId, severity: 'high', path, message: 'm' });

describe('suppressions', () => {
  const findings = [
    finding('pickle/unknown-global', 'models/a.pt!archive/data.pkl'),
    finding('pickle/unknown-global', 'models/b.pt!archive/data.pkl'),
    finding('zip/loader-divergence', 'models/a.pt'),
  ];

  it('suppresses by rule and by a path glob that covers members of the file', () => {
    const r = applySuppressions(findings, [{ rule: 'pickle/unknown-global', path: 'models/a.pt', reason: 'vetted custom layer' }], '2026-01-01');
    expect(r.kept.map((f) => f.path)).to.deep.equal(['models/b.pt!archive/data.pkl', 'models/a.pt']);
    expect(r.suppressed).to.have.length(1);
    expect(r.suppressed[0].reason).to.equal('vetted custom layer');
  });

  it('supports category wildcards', () => {
    const r = applySuppressions(findings, [{ rule: 'pickle/*', reason: 'legacy folder' }], '2026-01-01');
    expect(r.kept.map((f) => f.ruleId)).to.deep.equal(['zip/loader-divergence']);
  });

  it('still applies on its until day and stops the day after, saying so', () => {
    const s = [{ rule: 'zip/loader-divergence', reason: 'ticket 12', until: '2026-03-01' }];
    expect(applySuppressions(findings, s, '2026-03-01').kept).to.have.length(2);
    const after = applySuppressions(findings, s, '2026-03-02');
    expect(after.kept).to.have.length(3);
    expect(after.expired).to.deep.equal(s);
  });
});
