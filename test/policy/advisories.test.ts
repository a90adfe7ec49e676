/** The loader-advisory data, PEP 440 / semver matching, and extra advisory files. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { admits, parseSpecifier, parseVersion, satisfies } from '../../src/parsers/deps/pep440.js';
import { AdvisoryDatabase, advisoryDatabase } from '../../src/policy/advisories/database.js';
import { AdvisoryFileError, loadAdvisoryFile, loadShippedAdvisories, SHIPPED_ADVISORIES, validateAdvisoryFile } from '../../src/policy/advisories/load.js';
import { checkDependency } from '../../src/policy/advisories/match.js';
import { npmAdmits, npmAffected } from '../../src/policy/advisories/npm.js';
import type { Dependency } from '../../src/parsers/deps/types.js';

const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
const schema = JSON.parse(readFileSync(new URL('../../schemas/advisories.schema.json', import.meta.url), 'utf8'));

const inRange = (version: string, spec: string): boolean => satisfies(parseVersion(version)!, parseSpecifier(spec)!, true);
const chooses = (version: string, spec: string): boolean => satisfies(parseVersion(version)!, parseSpecifier(spec)!, false);
const admitsRange = (spec: string, affected: string): boolean => admits(parseSpecifier(spec)!, parseSpecifier(affected)!).admits;

describe('advisories: PEP 440 edge cases', () => {
  it('<V excludes pre-releases of V (2.13.1rc0 is not <2.13.1) but not of other versions', () => {
    expect(inRange('2.13.1rc0', '<2.13.1')).to.equal(false);
    expect(inRange('2.13.0', '<2.13.1')).to.equal(true);
    expect(inRange('2.13.0rc2', '<2.13.1')).to.equal(true);
    expect(inRange('2.13.1.dev0', '<2.13.1')).to.equal(false);
  });

  it('<Vrc3 admits earlier pre-releases of V (which @renovatebot/pep440 satisfies() gets wrong)', () => {
    expect(inRange('5.0.0rc1', '<5.0.0rc3')).to.equal(true);
    expect(inRange('5.0.0rc3', '<5.0.0rc3')).to.equal(false);
    expect(inRange('5.0.0', '<5.0.0rc3')).to.equal(false);
    expect(inRange('4.57.0', '<5.0.0rc3')).to.equal(true);
  });

  it('.post releases sort after their release; >V excludes V.postN', () => {
    expect(inRange('0.22.2.post1', '<0.23.1')).to.equal(true);
    expect(inRange('2.6.0.post1', '<2.6.0')).to.equal(false);
    expect(inRange('2.6.0.post1', '>2.6.0')).to.equal(false);
    expect(inRange('2.6.0.post1', '>=2.6.0')).to.equal(true);
    expect(inRange('2.6.0.post2', '>2.6.0.post1')).to.equal(true);
  });

  it('local versions (+cu124) compare by their public version', () => {
    expect(inRange('2.5.1+cu124', '<2.6.0')).to.equal(true);
    expect(inRange('2.6.0+cu124', '<2.6.0')).to.equal(false);
    expect(inRange('2.6.0+cu124', '==2.6.0')).to.equal(true);
    expect(inRange('2.6.0+cu124', '>2.6.0')).to.equal(false);
    expect(inRange('2.6.0', '==2.6.0+cu124')).to.equal(false);
  });

  it('epochs outrank every release', () => {
    expect(inRange('1!2.0', '<2.6.0')).to.equal(false);
    expect(inRange('1!2.0', '<1!3')).to.equal(true);
    expect(inRange('2.0', '<1!0')).to.equal(true);
    expect(inRange('1!2.6.0', '==2.6.*')).to.equal(false);
  });

  it('~=, ==V.*, ===, != and zero padding', () => {
    expect(inRange('2.9', '~=2.4')).to.equal(true);
    expect(inRange('3.0', '~=2.4')).to.equal(false);
    expect(inRange('2.4.9', '~=2.4.1')).to.equal(true);
    expect(inRange('2.5.0', '~=2.4.1')).to.equal(false);
    expect(inRange('2.5', '==2.5.0')).to.equal(true);
    expect(inRange('2.5.3', '==2.5.*')).to.equal(true);
    expect(inRange('2.5', '==2.5.0.*')).to.equal(true);
    expect(inRange('2.5.1+cu124', '===2.5.1+cu124')).to.equal(true);
    expect(inRange('2.5.1', '===2.5.1+cu124')).to.equal(false);
    expect(inRange('2.5.1', '>=2,!=2.5.1')).to.equal(false);
  });

  it('an installer picks pre-releases only when the specifier names one', () => {
    expect(chooses('2.6.0rc1', '>=2.0')).to.equal(false);
    expect(chooses('2.6.0rc1', '>=2.6.0rc1')).to.equal(true);
    expect(chooses('2.6.0rc1', '>2.5.0rc1')).to.equal(false);
  });

  it('refuses what is not PEP 440', () => {
    for (const bad of ['>=>2', '==2.0.*.1', '<2.0+local', '~=2', '^1.2', '>=1.0 <2.0', 'torch']) expect(parseSpecifier(bad), bad).to.equal(undefined);
    for (const bad of ['x', '2.0-', '', `${'1.'.repeat(100)}1`]) expect(parseVersion(bad), bad).to.equal(undefined);
    expect(parseSpecifier('')).to.deep.equal([[]]);
  });
});

describe('advisories: does a specifier admit an affected version', () => {
  const cases: Array<[string, string, boolean]> = [
    ['>=2.0', '<2.6.0', true],
    ['', '<2.6.0', true],
    ['>=2.6.0', '<2.6.0', false],
    ['<2.6', '<2.6.0', true],
    ['>2.5.99999', '<2.6.0', true],
    ['>=2.6.0.dev0', '<2.6.0', false],
    ['==2.5.*', '<2.6.0', true],
    ['==2.6.*', '<2.6.0', false],
    ['~=2.4', '<2.6.0', true],
    ['>=2.5,!=2.5.0,<2.6', '<2.6.0', true],
    ['>=5.0.0', '<5.0.0rc3', false],
    ['>=5.0.0rc1', '<5.0.0rc3', true],
    ['>=4.99', '<5.0.0rc3', true],
    ['>=3.12.1,<3.13.0', '>=3.0.0,<3.12.1 || >=3.13.0,<3.13.2', false],
    ['>=3.12.1', '>=3.0.0,<3.12.1 || >=3.13.0,<3.13.2', true],
    ['>=2.4,<2.5', '<2.3.4 || >=2.4.0,<2.4.3 || >=2.5.0,<2.5.1', true],
    ['>=2.4.3,<2.5', '<2.3.4 || >=2.4.0,<2.4.3 || >=2.5.0,<2.5.1', false],
    ['>=1!1.0', '<2.6.0', false],
    ['<=1.0', '<0.2.72', true],
    ['>=0.2.72', '<0.2.72', false],
    ['>=2.0 || <1.0', '>=1.1,<1.5', false],
    ['>=2.0 || <1.2', '>=1.1,<1.5', true],
  ];
  for (const [spec, affected, expected] of cases) {
    it(`'${spec}' ${expected ? 'admits' : 'does not admit'} ${affected}`, () => expect(admitsRange(spec, affected)).to.equal(expected));
  }

  it('names the written bound that proves it', () => {
    expect(admits(parseSpecifier('>=2.0')!, parseSpecifier('<2.6.0')!).example).to.equal('2.0');
    expect(admits(parseSpecifier('')!, parseSpecifier('<2.6.0')!).example).to.equal(undefined);
  });
});

describe('advisories: npm (semver)', () => {
  it('matches locked versions and intersects ranges', () => {
    expect(npmAffected('0.2.2', ['<0.3.0'])).to.equal(true);
    expect(npmAffected('0.3.0', ['<0.3.0'])).to.equal(false);
    expect(npmAffected('0.3.0-rc.1', ['<0.3.0'])).to.equal(true);
    expect(npmAffected('not-a-version', ['<0.3.0'])).to.equal(undefined);
    expect(npmAdmits('^7.6.0', ['>=7.0.0 <7.5.2'])).to.equal(false);
    expect(npmAdmits('>=6.0.0', ['<7.0.0'])).to.equal(true);
    expect(npmAdmits('next', ['<7.0.0'])).to.equal(undefined);
  });
});

describe('advisories: the shipped data file', () => {
  const raw = JSON.parse(readFileSync(SHIPPED_ADVISORIES, 'utf8'));
  const data = loadShippedAdvisories();

  it('validates against schemas/advisories.schema.json and loads', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(raw), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    expect(data.advisories.length).to.be.greaterThan(30);
  });

  it('every row is PyPI (no invented npm row), sourced, with parseable ranges', () => {
    for (const a of data.advisories) {
      expect(a.ecosystem, a.id).to.equal('pypi');
      expect(a.references.length, a.id).to.be.greaterThan(0);
      for (const r of a.affected) expect(parseSpecifier(r), `${a.id} ${r}`).to.not.equal(undefined);
    }
  });

  it('covers every package of the source table that has a range, llama-cpp-python included', () => {
    expect([...new Set(data.advisories.map((a) => a.package))].sort()).to.deep.equal(
      ['joblib', 'keras', 'llama-cpp-python', 'mlflow', 'numpy', 'onnx', 'pytorch-lightning', 'scikit-learn', 'tensorflow', 'torch', 'transformers', 'vllm'],
    );
  });

  it('disputed and by-design rows are info; "verify" rows are unverified', () => {
    const info = data.advisories.filter((a) => a.severity === 'info').map((a) => a.id).sort();
    expect(info).to.deep.equal(['CVE-2019-6446', 'CVE-2020-13092', 'CVE-2020-28975', 'CVE-2024-34997', 'CVE-2024-37052', 'CVE-2024-55459', 'modelvet:torch-load-weights-only-default']);
    for (const a of data.advisories) if (a.kind === 'by-design' || a.disputed) expect(a.severity, a.id).to.equal('info');
    const unverified = data.advisories.filter((a) => a.confidence === 'unverified').map((a) => a.id).sort();
    expect(unverified).to.deep.equal(['CVE-2021-4118', 'CVE-2024-11392', 'CVE-2025-12058', 'CVE-2025-51480', 'CVE-2025-66448']);
  });

  it('rows without a checkable range are notes, not data', () => {
    const noted = data.notes!.flatMap((n) => n.ids);
    for (const id of ['CVE-2025-49847', 'CVE-2024-21825', 'CVE-2026-22807', 'CVE-2026-4944']) expect(noted, id).to.include(id);
    const ids = new Set(data.advisories.flatMap((a) => [a.id, ...(a.aliases ?? [])]));
    for (const id of noted) expect(ids.has(id), id).to.equal(false);
  });

  it('tensorflow-cpu, -gpu and tf-nightly match tensorflow rows; tf-keras and pytorch match nothing', () => {
    const db = advisoryDatabase();
    for (const alias of ['tensorflow-cpu', 'tensorflow-gpu', 'tf-nightly']) expect(db.for('pypi', alias).map((a) => a.id), alias).to.deep.equal(['CVE-2021-37678']);
    expect(db.for('pypi', 'tf-keras')).to.deep.equal([]);
    expect(db.for('pypi', 'pytorch')).to.deep.equal([]);
  });
});

describe('advisories: matching a dependency', () => {
  const db = advisoryDatabase();
  const dep = (d: Partial<Dependency> & { name: string }): Dependency => ({ ecosystem: 'pypi', written: d.name, ...d });
  const ids = (d: Dependency) => {
    const c = checkDependency(d, db);
    return c.status === 'matched' ? [c.how, c.matches.map((m) => m.advisory.id), c.clearVersion] : [c.status];
  };

  it('a locked version: the advisories whose range holds it, and the lowest listed release clear of all', () => {
    expect(ids(dep({ name: 'torch', version: '2.5.1' }))).to.deep.equal(['version', ['CVE-2025-32434', 'CVE-2026-24747', 'modelvet:torch-load-weights-only-default'], '2.10.0']);
    expect(ids(dep({ name: 'keras', version: '2.13.1rc0' }))).to.deep.equal(['version', ['CVE-2025-9906', 'CVE-2025-12058', 'CVE-2025-12060', 'GHSA-hqp4-2352-xf5r', 'CVE-2024-55459'], '3.14.0']);
    expect(ids(dep({ name: 'keras', version: '3.14.0' }))).to.deep.equal(['none']);
    expect(ids(dep({ name: 'torch', version: '2.10.0+cu124' }))).to.deep.equal(['none']);
  });

  it('a specifier: the advisories it admits', () => {
    expect(ids(dep({ name: 'torch', specifier: '>=2.6' }))).to.deep.equal(['specifier', ['CVE-2026-24747'], '2.10.0']);
    expect(ids(dep({ name: 'llama-cpp-python' }))).to.deep.equal(['specifier', ['CVE-2024-34359'], '0.2.72']);
  });

  it('direct references are not matched; unreadable versions are reported as such', () => {
    expect(ids(dep({ name: 'torch', direct: 'https://x/torch-2.5.1.whl' }))).to.deep.equal(['direct']);
    expect(checkDependency(dep({ name: 'torch', version: 'latest' }), db)).to.deep.include({ status: 'unreadable', what: "version 'latest'" });
    expect(ids(dep({ name: 'requests', version: 'latest' }))).to.deep.equal(['none']);
  });
});

describe('advisories: extra files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-adv-'));
  const advisory = { id: 'ORG-1', ecosystem: 'npm', package: 'left-pad', affected: ['<1.3.0'], fixed: ['1.3.0'], kind: 'dos', severity: 'medium', summary: 's', references: ['internal'] };
  const write = (name: string, data: unknown): string => {
    const p = join(dir, name);
    writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };

  it('loads an organisation file beside the shipped one', () => {
    const p = write('ok.json', { kind: 'loader-advisories', version: 1, advisories: [advisory] });
    const db = advisoryDatabase([p]);
    expect(db.for('npm', 'left-pad').map((a) => a.id)).to.deep.equal(['ORG-1']);
    expect(db.for('pypi', 'torch').length).to.be.greaterThan(0);
  });

  it('rejects a broken file, naming the problem', () => {
    const bad: Array<[unknown, RegExp]> = [
      ['{', /not valid JSON/],
      [{ kind: 'loader-advisories', version: 1, advisories: [{ ...advisory, kind: 'evil' }] }, /kind must be one of/],
      [{ kind: 'loader-advisories', version: 1, advisories: [{ ...advisory, affected: ['<<1'] }] }, /not a semver range/],
      [{ kind: 'loader-advisories', version: 1, advisories: [{ ...advisory, ecosystem: 'pypi', package: 'torch_x', affected: ['<1'] }] }, /not PEP 503-normalised/],
      [{ kind: 'loader-advisories', version: 1, advisories: [{ ...advisory, ecosystem: 'pypi', affected: ['^1.0'] }] }, /not a PEP 440 specifier set/],
      [{ kind: 'loader-advisories', version: 1, advisories: [advisory, advisory] }, /listed twice/],
      [{ kind: 'loader-advisories', version: 1, advisories: [{ ...advisory, extra: 1 }] }, /'extra' is not a known field/],
    ];
    bad.forEach(([data, message], i) => expect(() => loadAdvisoryFile(write(`bad${i}.json`, data)), String(message)).to.throw(AdvisoryFileError, message));
    expect(() => loadAdvisoryFile(join(dir, 'missing.json'))).to.throw(AdvisoryFileError, /cannot be read \(ENOENT\)/);
  });

  it('validateAdvisoryFile is the same check for data already parsed', () => {
    expect(() => validateAdvisoryFile({ kind: 'x' }, 'label')).to.throw(AdvisoryFileError, /^label:/);
    expect(new AdvisoryDatabase([validateAdvisoryFile({ kind: 'loader-advisories', version: 1, advisories: [] }, 'empty')]).for('npm', 'x')).to.deep.equal([]);
  });
});
