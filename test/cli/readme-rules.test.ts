import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';

/** The README's rule table is what users read first: it must list every built-in rule at its default severity. */
describe('README rule table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = new Map([...readme.matchAll(/^\| `([a-z0-9-]+\/[a-z0-9-]+)` \| (critical|high|medium|low|info) \|/gm)].map((m) => [m[1], m[2]]));

  it('lists every built-in rule with its default severity, and no rule that does not exist', () => {
    const missing = BUILTIN_RULES.filter((r) => rows.get(r.meta.id) !== r.meta.severity).map((r) => `${r.meta.id} (${r.meta.severity})`);
    expect(missing, 'rules missing from the README or with another severity there').to.deep.equal([]);
    const ids = new Set(BUILTIN_RULES.map((r) => r.meta.id));
    expect([...rows.keys()].filter((id) => !ids.has(id))).to.deep.equal([]);
  });
});
