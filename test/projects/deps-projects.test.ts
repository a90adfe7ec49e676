/**
 * The dependency fixture projects (test/fixtures/projects/deps, made as make_deps.sh says),
 * scanned end to end: exact findings of the dependencies/* rules with their locations, and
 * none for the clean twins (the same projects on fixed releases).
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import type { Finding } from '../../src/types.js';

const root = fileURLToPath(new URL('../fixtures/projects/deps/', import.meta.url));

type Row = [rule: string, severity: Finding['severity'], path: string, line: number | undefined, ids: string[]];

async function findings(project: string): Promise<{ rows: Row[]; all: Finding[] }> {
  // The npm projects name a test-only advisory file in their own config.
  const config = project.startsWith('js-app') ? { configFile: `${project}/modelvet.config.json` } : {};
  const report = await scan({ cwd: root, paths: [project], ...config });
  const all = report.findings.filter((f) => f.ruleId.startsWith('dependencies/'));
  const rows = all.map((f): Row => [f.ruleId, f.severity, f.path, f.location?.line, (f.evidence?.ids as string[] | undefined) ?? []]);
  return { rows, all };
}

const VL = 'dependencies/vulnerable-loader';
const TORCH = ['CVE-2025-32434', 'CVE-2026-24747'];
const TORCH_DEFAULT = ['modelvet:torch-load-weights-only-default'];
const KERAS_3_8 = ['CVE-2025-1550', 'CVE-2025-8747', 'CVE-2025-9906', 'CVE-2025-9905', 'CVE-2025-12058', 'CVE-2025-12060', 'CVE-2026-1462', 'GHSA-hqp4-2352-xf5r'];
const ONNX_1_15 = ['CVE-2024-27318', 'CVE-2024-27319', 'CVE-2024-5187', 'CVE-2025-51480', 'CVE-2026-27489', 'CVE-2026-28500', 'CVE-2026-34445'];

describe('dependency fixture projects (end to end)', function () {
  this.timeout(60_000);

  it('py-requirements: pins, ranges, extras, markers, a followed -r include, a constraints file', async () => {
    const { rows, all } = await findings('py-requirements');
    expect(rows).to.deep.equal([
      [VL, 'high', 'py-requirements/base.txt', 2, ['CVE-2022-21797']],
      [VL, 'info', 'py-requirements/base.txt', 2, ['CVE-2024-34997']],
      [VL, 'info', 'py-requirements/base.txt', 3, ['CVE-2020-13092', 'CVE-2020-28975']],
      [VL, 'high', 'py-requirements/constraints.txt', 2, ONNX_1_15],
      [VL, 'info', 'py-requirements/constraints.txt', 3, ['CVE-2024-37052']],
      [VL, 'high', 'py-requirements/requirements.txt', 6, TORCH],
      [VL, 'high', 'py-requirements/requirements.txt', 11, ['CVE-2021-37678']],
      [VL, 'medium', 'py-requirements/requirements.txt', 7, ['CVE-2023-6730', 'CVE-2023-7018', 'CVE-2024-3568', 'CVE-2024-11392', 'CVE-2026-1839', 'CVE-2026-4372']],
      [VL, 'medium', 'py-requirements/requirements.txt', 8, KERAS_3_8],
      [VL, 'medium', 'py-requirements/requirements.txt', 14, ['CVE-2024-34359']],
      [VL, 'info', 'py-requirements/requirements.txt', 6, TORCH_DEFAULT],
      [VL, 'info', 'py-requirements/requirements.txt', 8, ['CVE-2024-55459']],
      [VL, 'info', 'py-requirements/requirements.txt', 9, ['CVE-2019-6446']],
    ]);
    const torch = all.find((f) => f.location?.line === 6 && f.severity === 'high')!;
    expect(torch.message).to.equal('pinned to torch 2.5.1, affected by CVE-2025-32434 (<2.6.0) and CVE-2026-24747 (<2.10.0), all fixed in 2.10.0: loading an untrusted model with it can run code');
    expect(torch.location).to.deep.equal({ line: 6, column: 1 });
    expect(torch.fix).to.equal('Upgrade torch to 2.10.0 or later; until then load only models you trust with it.');
    const tf = all.find((f) => f.location?.line === 11)!;
    expect(tf.evidence).to.deep.include({ package: 'tensorflow-cpu', version: '2.5.0', marker: 'python_version < "3.9"' });
    const transformers = all.find((f) => f.location?.line === 7)!;
    expect(transformers.evidence).to.deep.include({ specifier: '>=4.30,<5', extras: ['torch'], clearVersion: '5.3.0' });
    expect(transformers.message).to.include('CVE-2024-11392 (<4.48.0, range unverified)');
  });

  it('py-pep621: project dependencies, an extra and a dependency group', async () => {
    expect((await findings('py-pep621')).rows).to.deep.equal([
      [VL, 'high', 'py-pep621/pyproject.toml', 12, ['CVE-2026-1839', 'CVE-2026-4372']],
      [VL, 'high', 'py-pep621/pyproject.toml', 18, ['CVE-2024-5187', 'CVE-2025-51480', 'CVE-2026-27489', 'CVE-2026-28500', 'CVE-2026-34445']],
      [VL, 'medium', 'py-pep621/pyproject.toml', 11, TORCH],
      [VL, 'medium', 'py-pep621/pyproject.toml', 23, ['CVE-2021-37678']],
      [VL, 'info', 'py-pep621/pyproject.toml', 11, TORCH_DEFAULT],
    ]);
  });

  it('py-poetry: caret/tilde constraints in pyproject.toml, resolved versions in poetry.lock', async () => {
    const { rows, all } = await findings('py-poetry');
    expect(rows).to.deep.equal([
      [VL, 'high', 'py-poetry/poetry.lock', 13, ['CVE-2022-21797']],
      [VL, 'high', 'py-poetry/poetry.lock', 22, KERAS_3_8],
      [VL, 'high', 'py-poetry/poetry.lock', 44, ONNX_1_15],
      [VL, 'high', 'py-poetry/poetry.lock', 64, TORCH],
      [VL, 'high', 'py-poetry/poetry.lock', 80, ['CVE-2024-3568', 'CVE-2024-11392', 'CVE-2026-1839', 'CVE-2026-4372']],
      [VL, 'info', 'py-poetry/poetry.lock', 13, ['CVE-2024-34997']],
      [VL, 'info', 'py-poetry/poetry.lock', 64, TORCH_DEFAULT],
      [VL, 'high', 'py-poetry/pyproject.toml', 13, ['CVE-2024-3568', 'CVE-2024-11392', 'CVE-2026-1839', 'CVE-2026-4372']],
      [VL, 'high', 'py-poetry/pyproject.toml', 17, ['CVE-2022-21797']],
      [VL, 'medium', 'py-poetry/pyproject.toml', 10, TORCH],
      [VL, 'medium', 'py-poetry/pyproject.toml', 11, KERAS_3_8],
      [VL, 'info', 'py-poetry/pyproject.toml', 10, TORCH_DEFAULT],
      [VL, 'info', 'py-poetry/pyproject.toml', 17, ['CVE-2024-34997']],
    ]);
    expect(all.find((f) => f.path.endsWith('poetry.lock') && f.location?.line === 64)!.message).to.match(/^locked at torch 2\.5\.1, /);
    expect(all.find((f) => f.path.endsWith('pyproject.toml') && f.location?.line === 11)!.message).to.match(/^keras>=3\.8\.0,<3\.9\.0 admits versions affected by/);
  });

  it('py-uv: a local version (2.5.1+cpu) is matched, the editable root and a dev nightly are not', async () => {
    expect((await findings('py-uv')).rows).to.deep.equal([
      [VL, 'high', 'py-uv/uv.lock', 45, ['CVE-2025-51480', 'CVE-2026-27489', 'CVE-2026-28500', 'CVE-2026-34445']],
      [VL, 'high', 'py-uv/uv.lock', 67, TORCH],
      [VL, 'high', 'py-uv/uv.lock', 75, ['CVE-2026-1839', 'CVE-2026-4372']],
      [VL, 'info', 'py-uv/uv.lock', 67, TORCH_DEFAULT],
    ]);
  });

  it('py-pipenv: default and develop pins, a release candidate, a git entry left unmatched', async () => {
    expect((await findings('py-pipenv')).rows).to.deep.equal([
      [VL, 'high', 'py-pipenv/Pipfile.lock', 41, ['CVE-2026-24747']],
      [VL, 'high', 'py-pipenv/Pipfile.lock', 55, ['CVE-2026-1839', 'CVE-2026-4372']],
      [VL, 'info', 'py-pipenv/Pipfile.lock', 29, ['CVE-2024-37052']],
    ]);
  });

  it('js-app: npm ranges and package-lock v3 against a test-only advisory file named in the config', async () => {
    const { rows, all } = await findings('js-app');
    expect(rows).to.deep.equal([
      [VL, 'high', 'js-app/package-lock.json', 21, ['MODELVET-TEST-0001']],
      [VL, 'high', 'js-app/package.json', 7, ['MODELVET-TEST-0001']],
      [VL, 'medium', 'js-app/package.json', 14, ['MODELVET-TEST-0003']],
    ]);
    expect(all[0]!.message).to.equal('locked at @huggingface/jinja 0.2.2, affected by MODELVET-TEST-0001 (<0.3.0), fixed in 0.3.0: loading an untrusted model with it can run code');
  });

  it('js-app without its config: modelvet ships no npm advisory, so nothing is reported', async () => {
    const report = await scan({ cwd: root, paths: ['js-app'] });
    expect(report.findings.filter((f) => f.ruleId.startsWith('dependencies/'))).to.deep.equal([]);
  });

  for (const clean of ['py-requirements-clean', 'py-pep621-clean', 'py-poetry-clean', 'py-uv-clean', 'py-pipenv-clean', 'js-app-clean']) {
    it(`${clean}: the same project on fixed releases gives no dependency finding`, async () => {
      const { all } = await findings(clean);
      expect(all.map((f) => `[${f.severity}] ${f.path}:${f.location?.line} ${f.message}`)).to.deep.equal([]);
    });
  }
});
