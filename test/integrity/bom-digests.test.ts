import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bomDigests } from '../../src/integrity/bom-digests.js';
import { FIXTURES, sha256 } from './helpers.js';
import { readFileSync } from 'node:fs';

describe('integrity: CycloneDX BOM digests', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: unknown): string => {
    const p = join(dir, name);
    writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };

  it('matches components by the modelvet:path property, else by name', () => {
    const found = bomDigests(join(FIXTURES, 'bom-model', 'bom.cdx.json'), 1 << 20);
    expect([...found.keys()].sort()).to.deep.equal(['model.safetensors', 'weights.bin']);
    expect(found.get('weights.bin')).to.deep.equal([sha256(readFileSync(join(FIXTURES, 'bom-model', 'weights.bin')))]);
  });

  it('reads nested components and metadata.component; ignores other algorithms and malformed digests', () => {
    const A = 'A'.repeat(64);
    const p = write('bom.json', {
      bomFormat: 'CycloneDX',
      metadata: { component: { name: 'top.bin', hashes: [{ alg: 'SHA-256', content: A }] } },
      components: [
        { name: 'outer', components: [{ name: 'inner.bin', hashes: [{ alg: 'SHA-256', content: 'b'.repeat(64) }, { alg: 'SHA-1', content: 'c'.repeat(40) }] }] },
        { name: 'bad.bin', hashes: [{ alg: 'SHA-256', content: 'zz' }] },
        { name: 'md5.bin', hashes: [{ alg: 'MD5', content: 'd'.repeat(32) }] },
      ],
    });
    const found = bomDigests(p, 1 << 20);
    expect(Object.fromEntries(found)).to.deep.equal({ 'top.bin': ['a'.repeat(64)], 'inner.bin': ['b'.repeat(64)] });
  });

  it('gives nothing for a BOM that is not CycloneDX, not JSON, or over the limit', () => {
    expect(bomDigests(write('a.json', { bomFormat: 'SPDX', components: [{ name: 'x', hashes: [{ alg: 'SHA-256', content: 'a'.repeat(64) }] }] }), 1 << 20).size).to.equal(0);
    expect(bomDigests(write('b.json', '{ not json'), 1 << 20).size).to.equal(0);
    expect(bomDigests(join(FIXTURES, 'bom-model', 'bom.cdx.json'), 10).size).to.equal(0);
    expect(bomDigests(join(dir, 'missing.json'), 1 << 20).size).to.equal(0);
  });

  it('a component named __proto__ pollutes nothing', () => {
    const p = write('proto.json', `{"bomFormat":"CycloneDX","components":[{"name":"__proto__","hashes":[{"alg":"SHA-256","content":"${'a'.repeat(64)}"}]}]}`);
    const found = bomDigests(p, 1 << 20);
    expect(found.get('__proto__')).to.deep.equal(['a'.repeat(64)]);
    expect(({} as Record<string, unknown>).length).to.equal(undefined);
  });

  it('property: any JSON under a CycloneDX header never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (components) => {
        const p = write('prop.json', { bomFormat: 'CycloneDX', components, metadata: { component: components } });
        expect(bomDigests(p, 1 << 20)).to.be.instanceOf(Map);
      }),
      { numRuns: 150 },
    );
  });
});
