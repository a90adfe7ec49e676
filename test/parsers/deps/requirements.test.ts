import { expect } from 'chai';
import { normalizeName, parseRequirement, pinnedVersion } from '../../../src/parsers/deps/pep508.js';
import { parseRequirementsText } from '../../../src/parsers/deps/requirements.js';
import { poetryToPep440 } from '../../../src/parsers/deps/poetry-constraint.js';
import { manifestKindOf } from '../../../src/parsers/deps/names.js';

describe('deps: PEP 508 requirements', () => {
  it('normalises names as PEP 503 does', () => {
    expect(normalizeName('Keras_Hub')).to.equal('keras-hub');
    expect(normalizeName('scikit.learn')).to.equal('scikit-learn');
    expect(normalizeName('llama_cpp--python')).to.equal('llama-cpp-python');
  });

  it('splits name, extras, specifier and marker', () => {
    const r = parseRequirement('transformers[torch, sentencepiece] >= 4.30 , <5 ; python_version < "3.12"');
    expect(r).to.deep.equal({ ok: true, requirement: { name: 'transformers', extras: ['torch', 'sentencepiece'], specifier: '>=4.30,<5', marker: 'python_version < "3.12"' } });
  });

  it('reads a direct reference and parenthesised specifiers', () => {
    expect(parseRequirement('torch @ https://download.pytorch.org/whl/torch-2.5.1.whl ; sys_platform == "linux"')).to.deep.equal({
      ok: true,
      requirement: { name: 'torch', extras: [], specifier: '', url: 'https://download.pytorch.org/whl/torch-2.5.1.whl', marker: 'sys_platform == "linux"' },
    });
    expect(parseRequirement('numpy (>=1.26,<2)')).to.deep.include({ ok: true });
  });

  it('rejects what pip rejects, naming why', () => {
    for (const bad of ['>=2.0', 'torch>=>2', 'torch==two', 'torch[cuda', 'torch;', 'torch >=1.0 junk', 'keras~=3']) {
      expect(parseRequirement(bad).ok, bad).to.equal(false);
    }
  });

  it('a == or === clause is a pin; a wildcard is not', () => {
    expect(pinnedVersion('==2.5.1')).to.equal('2.5.1');
    expect(pinnedVersion('===2.5.1+cu124')).to.equal('2.5.1+cu124');
    expect(pinnedVersion('==2.5.*')).to.equal(undefined);
    expect(pinnedVersion('>=2.0,<3')).to.equal(undefined);
  });
});

describe('deps: requirements files (pip req_file semantics)', () => {
  const text = [
    '# a comment',
    '--index-url https://pypi.org/simple',
    '-r base.txt',
    '--constraint=constraints.txt',
    'torch==2.5.1  # pinned',
    'keras ~= 3.4',
    'transformers[torch]>=4.30,<5 ; python_version >= "3.10"',
    'safetensors==0.4.5 \\',
    '    --hash=sha256:00',
    'onnx',
    'vllm @ https://files.example.invalid/vllm-0.6.0-cp38-abi3-manylinux1_x86_64.whl',
    '-e git+https://github.com/Lightning-AI/pytorch-lightning.git@1.5.0#egg=pytorch-lightning',
    'https://files.example.invalid/numpy-1.16.0-cp37-cp37m-manylinux1_x86_64.whl',
    'url#fragment-is-not-a-comment==1.0',
    'Torch_Audio===2.5.1+cu124',
  ].join('\r\n');
  const parsed = parseRequirementsText(text);

  it('records -r/-c lines as includes with their line', () => {
    expect(parsed.includes).to.deep.equal([
      { kind: 'requirements', target: 'base.txt', line: 3 },
      { kind: 'constraints', target: 'constraints.txt', line: 4 },
    ]);
  });

  it('reads pins, specifiers, extras, markers, continuations and direct references with 1-based lines', () => {
    const byName = Object.fromEntries(parsed.dependencies.map((d) => [d.name, d]));
    expect(byName.torch).to.deep.include({ version: '2.5.1', location: { line: 5, column: 1 }, written: 'torch==2.5.1' });
    expect(byName.keras).to.deep.include({ specifier: '~=3.4', location: { line: 6, column: 1 } });
    expect(byName.transformers).to.deep.include({ specifier: '>=4.30,<5', extras: ['torch'], marker: 'python_version >= "3.10"' });
    expect(byName.safetensors).to.deep.include({ version: '0.4.5', location: { line: 8, column: 1 } });
    expect(byName.onnx).to.deep.include({ location: { line: 10, column: 1 } });
    expect(byName.onnx!.version).to.equal(undefined);
    expect(byName.onnx!.specifier).to.equal(undefined);
    expect(byName.vllm).to.deep.include({ direct: 'https://files.example.invalid/vllm-0.6.0-cp38-abi3-manylinux1_x86_64.whl' });
    expect(byName['pytorch-lightning']).to.deep.include({ direct: 'git+https://github.com/Lightning-AI/pytorch-lightning.git@1.5.0#egg=pytorch-lightning', location: { line: 12, column: 1 } });
    expect(byName.numpy).to.deep.include({ direct: 'https://files.example.invalid/numpy-1.16.0-cp37-cp37m-manylinux1_x86_64.whl' });
    expect(byName['torch-audio']).to.deep.include({ version: '2.5.1+cu124' });
  });

  it('a line pip rejects is an anomaly naming the line; the rest is still read', () => {
    expect(parsed.anomalies.map((a) => a.detail?.line)).to.deep.equal([14]);
    expect(parsed.anomalies[0]!.code).to.equal('deps/invalid-entry');
    expect(parsed.anomalies[0]!.message).to.match(/^line 14 is not a requirement pip accepts/);
  });

  it('an unknown option is refused, a known one ignored', () => {
    const r = parseRequirementsText('--pre\n--no-such-option x\n--find-links ./wheels\n');
    expect(r.anomalies).to.have.length(1);
    expect(r.anomalies[0]!.message).to.include('unknown option --no-such-option');
    expect(r.dependencies).to.deep.equal([]);
  });

  it('a comment line ending in a backslash does not swallow the next line', () => {
    const r = parseRequirementsText('# note \\\ntorch==2.5.1\n');
    expect(r.dependencies.map((d) => [d.name, d.location?.line])).to.deep.equal([['torch', 2]]);
  });

  it('stays linear on hostile lines', () => {
    const start = Date.now();
    parseRequirementsText(`${'\\'.repeat(200_000)}a\\\n${'a-1'.repeat(100_000)}.tar.gz\nhttps://x/${'a-1'.repeat(50_000)}.tar.gz\n${'-'.repeat(100_000)}\n`);
    expect(Date.now() - start).to.be.lessThan(2000);
  });
});

describe('deps: Poetry constraints as PEP 440', () => {
  const cases: Array<[string, string]> = [
    ['^1.2.3', '>=1.2.3,<2.0.0'],
    ['^0.2.3', '>=0.2.3,<0.3.0'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['^0.0', '>=0.0,<0.1'],
    ['^0', '>=0,<1'],
    ['^2.4', '>=2.4,<3.0'],
    ['~1.2.3', '>=1.2.3,<1.3.0'],
    ['~1.2', '>=1.2,<1.3'],
    ['~1', '>=1,<2'],
    ['~=2.4', '~=2.4'],
    ['1.2.3', '==1.2.3'],
    ['=1.2.3', '==1.2.3'],
    ['1.2.*', '==1.2.*'],
    ['*', ''],
    ['>= 1.2, < 1.5', '>=1.2,<1.5'],
    ['>=1.2 <1.5', '>=1.2,<1.5'],
    ['^1.0 || ^2.0', '>=1.0,<2.0 || >=2.0,<3.0'],
    ['^1.0 || *', ''],
  ];
  for (const [poetry, pep440] of cases) {
    it(`${poetry} → ${pep440 || '(any)'}`, () => expect(poetryToPep440(poetry)).to.deep.equal({ ok: true, specifier: pep440 }));
  }
  it('refuses what is not a constraint', () => expect(poetryToPep440('^x.y').ok).to.equal(false));
});

describe('deps: manifest names', () => {
  it('knows each tool\'s file names, and nothing else', () => {
    const names: Array<[string, string | undefined]> = [
      ['requirements.txt', 'requirements'], ['requirements-dev.txt', 'requirements'], ['dev-requirements.txt', 'requirements'],
      ['constraints.txt', 'constraints'], ['constraints-cu124.txt', 'constraints'], ['pyproject.toml', 'pyproject-pep621'],
      ['poetry.lock', 'poetry-lock'], ['uv.lock', 'uv-lock'], ['Pipfile.lock', 'pipfile-lock'], ['package.json', 'package-json'],
      ['package-lock.json', 'package-lock'], ['npm-shrinkwrap.json', 'package-lock'],
      ['notes.txt', undefined], ['requirements.md', undefined], ['Pipfile', undefined], ['config.json', undefined],
    ];
    for (const [name, kind] of names) expect(manifestKindOf(name), name).to.equal(kind);
  });
});
