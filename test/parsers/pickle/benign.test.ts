/**
 * Real pickles of benign data made by CPython 3.11 for protocols 0–5 (data/make-data.py):
 * every global CPython's find_class looked up is named, nothing is unresolved, no anomalies.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyse, importNames } from './helpers.js';

const dataDir = new URL('./data/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dataDir), 'utf8')) as {
  files: Record<string, { protocol: number; findClass?: Array<[string, string]> }>;
};

describe('pickle engine: real benign pickles', () => {
  for (const [name, entry] of Object.entries(manifest.files)) {
    if (!entry.findClass) continue;
    it(`${name}: imports match find_class, nothing unresolved`, async () => {
      const bytes = new Uint8Array(readFileSync(new URL(name, dataDir)));
      const a = await analyse(bytes);
      expect(a.anomalies).to.deep.equal([]);
      expect(a.unresolved).to.deep.equal([]);
      expect(a.streams).to.have.length(1);
      // Protocols 0 and 1 have no PROTO opcode: the protocol in force is 0.
      expect(a.streams[0]).to.include({ complete: true, end: bytes.length, protocol: entry.protocol >= 2 ? entry.protocol : 0 });
      // find_class receives the names before the Python 2 mapping.
      const raw = a.imports.map((i) => (i.mappedFrom ? `${i.mappedFrom.module}.${i.mappedFrom.name}` : `${i.module}.${i.name}`));
      expect(raw).to.deep.equal(entry.findClass!.map(([m, n]) => `${m}.${n}`));
      for (const c of a.calls) expect(c.target.kind).to.equal('global');
    });
  }

  it('protocol < 3 names are mapped to Python 3 as find_class does', async () => {
    const a = await analyse(new Uint8Array(readFileSync(new URL('small-p2.pkl', dataDir))));
    expect(importNames(a)).to.include.members(['builtins.set', 'builtins.range', 'collections.OrderedDict', '_codecs.encode']);
    expect(a.imports.find((i) => i.name === 'range')?.mappedFrom).to.deep.equal({ module: '__builtin__', name: 'xrange' });
  });

  it('protocol 3+ names are not mapped', async () => {
    const a = await analyse(new Uint8Array(readFileSync(new URL('small-p4.pkl', dataDir))));
    expect(a.imports.every((i) => i.mappedFrom === undefined)).to.equal(true);
    expect(importNames(a)).to.include.members(['builtins.range', 'collections.OrderedDict']);
  });
});
