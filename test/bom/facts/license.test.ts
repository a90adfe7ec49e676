import { expect } from 'chai';
import { cardLicenses } from '../../../src/bom/facts/license.js';
import { spdxExpression } from '../../../src/bom/facts/spdx.js';

const noRepo = (): undefined => undefined;
const repo = (path: string): string => `https://huggingface.co/org/name/blob/${'a'.repeat(40)}/${path}`;

describe('BOM facts: licences', () => {
  describe('Hub licence ids', () => {
    const cases: Array<[string, ReturnType<typeof cardLicenses>[number] | undefined]> = [
      ['apache-2.0', { kind: 'spdx', expression: 'Apache-2.0', declared: 'apache-2.0' }],
      ['mit', { kind: 'spdx', expression: 'MIT', declared: 'mit' }],
      ['cc-by-4.0', { kind: 'spdx', expression: 'CC-BY-4.0', declared: 'cc-by-4.0' }],
      ['cc-by-nc-sa-4.0', { kind: 'spdx', expression: 'CC-BY-NC-SA-4.0', declared: 'cc-by-nc-sa-4.0' }],
      ['lppl-1.3c', { kind: 'spdx', expression: 'LPPL-1.3c', declared: 'lppl-1.3c' }],
      ['postgresql', { kind: 'spdx', expression: 'PostgreSQL', declared: 'postgresql' }],
      ['cdla-permissive-2.0', { kind: 'spdx', expression: 'CDLA-Permissive-2.0', declared: 'cdla-permissive-2.0' }],
      // The Hub's gpl-3.0 does not say "only" or "or later": the SPDX id that says neither (deprecated, still valid).
      ['gpl-3.0', { kind: 'spdx', expression: 'GPL-3.0', declared: 'gpl-3.0' }],
      ['c-uda', { kind: 'spdx', expression: 'C-UDA-1.0', declared: 'c-uda' }],
      ['lgpl-lr', { kind: 'spdx', expression: 'LGPLLR', declared: 'lgpl-lr' }],
      ['llama3.2', { kind: 'named', name: 'Llama 3.2 Community License Agreement', declared: 'llama3.2' }],
      ['gemma', { kind: 'named', name: 'Gemma Terms of Use', declared: 'gemma' }],
      ['openrail', { kind: 'named', name: 'OpenRAIL license family', declared: 'openrail' }],
      ['creativeml-openrail-m', { kind: 'named', name: 'CreativeML OpenRAIL-M', declared: 'creativeml-openrail-m' }],
      // Families without a version are not guessed into one (spdx-correct would say GPL-3.0-or-later, BSD-2-Clause).
      ['gpl', { kind: 'named', name: 'GNU General Public License family', declared: 'gpl' }],
      ['bsd', { kind: 'named', name: 'BSD license family', declared: 'bsd' }],
      ['unknown', undefined],
    ];
    for (const [id, expected] of cases) {
      it(`${id} → ${expected ? (expected.kind === 'spdx' ? expected.expression : `"${expected.name}"`) : 'nothing'}`, () => {
        expect(cardLicenses({ ids: [id] }, noRepo)).to.deep.equal(expected ? [expected] : []);
      });
    }
  });

  it('never states unknown or NOASSERTION as a licence', () => {
    for (const id of ['unknown', 'UNKNOWN', 'NOASSERTION', 'NONE']) expect(cardLicenses({ ids: [id] }, noRepo), id).to.deep.equal([]);
    expect(cardLicenses({ ids: ['unknown', 'mit'] }, noRepo)).to.deep.equal([{ kind: 'spdx', expression: 'MIT', declared: 'mit' }]);
  });

  it('other + license_name + license_link: the custom licence by name, its relative link resolved in the repo', () => {
    expect(cardLicenses({ ids: ['other'], name: 'qwen-research', link: 'LICENSE' }, repo)).to.deep.equal([
      { kind: 'named', name: 'qwen-research', url: `https://huggingface.co/org/name/blob/${'a'.repeat(40)}/LICENSE`, declared: 'other' },
    ]);
  });

  it('a relative link with no known repo is left out, an absolute one kept', () => {
    expect(cardLicenses({ ids: ['other'], name: 'custom', link: './LICENSE.md' }, noRepo)).to.deep.equal([{ kind: 'named', name: 'custom', declared: 'other' }]);
    expect(cardLicenses({ ids: ['llama3'], link: 'https://llama.meta.com/llama3/license/' }, noRepo)).to.deep.equal([
      { kind: 'named', name: 'Llama 3 Community License Agreement', url: 'https://llama.meta.com/llama3/license/', declared: 'llama3' },
    ]);
    expect(cardLicenses({ ids: ['other'], name: 'x', link: '../../etc/passwd' }, repo)).to.deep.equal([{ kind: 'named', name: 'x', declared: 'other' }]);
    expect(cardLicenses({ ids: ['other'], name: 'x', link: 'javascript:alert(1)' }, repo)).to.deep.equal([{ kind: 'named', name: 'x', declared: 'other' }]);
  });

  it('other without a name stays the declared "other"; a name without an id is the licence', () => {
    expect(cardLicenses({ ids: ['other'] }, noRepo)).to.deep.equal([{ kind: 'named', name: 'other', declared: 'other' }]);
    expect(cardLicenses({ ids: [], name: 'My Licence' }, noRepo)).to.deep.equal([{ kind: 'named', name: 'My Licence', declared: 'My Licence' }]);
    expect(cardLicenses({ ids: [] }, noRepo)).to.deep.equal([]);
  });

  it('a list gives each licence once, sorted', () => {
    expect(cardLicenses({ ids: ['mit', 'apache-2.0', 'MIT', 'gemma'] }, noRepo)).to.deep.equal([
      { kind: 'named', name: 'Gemma Terms of Use', declared: 'gemma' },
      { kind: 'spdx', expression: 'Apache-2.0', declared: 'apache-2.0' },
      { kind: 'spdx', expression: 'MIT', declared: 'mit' },
    ]);
  });

  describe('SPDX expressions', () => {
    it('keeps a valid expression as written', () => {
      expect(spdxExpression('MIT OR Apache-2.0')).to.equal('MIT OR Apache-2.0');
      expect(spdxExpression('Apache-2.0 WITH LLVM-exception')).to.equal('Apache-2.0 WITH LLVM-exception');
    });
    it('corrects case in ids, exceptions and operators', () => {
      expect(spdxExpression('mit or apache-2.0')).to.equal('MIT OR Apache-2.0');
      expect(spdxExpression('(mit and bsd-3-clause) or isc')).to.equal('(MIT AND BSD-3-Clause) OR ISC');
      expect(spdxExpression('gpl-2.0+ with classpath-exception-2.0')).to.equal('GPL-2.0+ WITH Classpath-exception-2.0');
    });
    it('takes spdx-correct where it only fixes spelling, not where it adds a version', () => {
      expect(spdxExpression('Apache 2.0')).to.equal('Apache-2.0');
      expect(spdxExpression('apache')).to.equal(undefined);
      expect(spdxExpression('GPL')).to.equal(undefined);
    });
    it('gives nothing for free text, empty or oversized input', () => {
      expect(spdxExpression('see the LICENSE file')).to.equal(undefined);
      expect(spdxExpression('')).to.equal(undefined);
      expect(spdxExpression('MIT OR '.repeat(200) + 'MIT')).to.equal(undefined);
    });
  });
});
