import { fileURLToPath } from 'node:url';
import { RuleTester } from '../../src/rules/rule-tester.js';
import vulnerableLoader from '../../src/rules/dependencies/vulnerable-loader.js';
import unreadable from '../../src/rules/dependencies/unreadable.js';
import type { Dependency, DependencyArtifact, DependencyManifestKind } from '../../src/parsers/deps/types.js';
import type { Anomaly } from '../../src/types.js';

const tester = new RuleTester();
const testAdvisories = fileURLToPath(new URL('../fixtures/projects/deps/js-app/test-advisories.json', import.meta.url));

function manifest(kind: DependencyManifestKind, dependencies: Array<Partial<Dependency> & { name: string }>, anomalies: Anomaly[] = [], path = 'proj/file'): DependencyArtifact {
  return {
    path,
    format: 'dependency-manifest',
    size: 100,
    anomalies,
    children: [],
    manifest: { kind, dependencies: dependencies.map((d, i) => ({ ecosystem: 'pypi', written: d.name, location: { line: i + 1 }, ...d })) },
  };
}

tester.run('dependencies/vulnerable-loader', vulnerableLoader, {
  valid: [
    { name: 'a lock on fixed releases', artifact: manifest('uv-lock', [{ name: 'torch', version: '2.10.0' }, { name: 'keras', version: '3.14.0' }, { name: 'onnx', version: '1.21.0' }]) },
    { name: 'a specifier that admits no affected version', artifact: manifest('requirements', [{ name: 'torch', specifier: '>=2.10' }, { name: 'transformers', specifier: '>=5.3.0,<6' }]) },
    { name: 'a direct reference is not matched', artifact: manifest('requirements', [{ name: 'torch', direct: 'https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp311-cp311-linux_x86_64.whl' }]) },
    { name: 'a package without advisories, even unreadable', artifact: manifest('requirements', [{ name: 'requests', version: 'latest' }]) },
    { name: 'a tf-keras pin is not keras', artifact: manifest('requirements', [{ name: 'tf-keras', version: '2.15.0' }]) },
    { name: 'npm packages need an advisory file', artifact: manifest('package-lock', [{ ecosystem: 'npm', name: '@huggingface/jinja', version: '0.2.2' }]) },
    { name: 'a pre-release excluded by <V is clear of that row', artifact: manifest('pipfile-lock', [{ name: 'llama-cpp-python', version: '0.2.72rc1' }]) },
  ],
  invalid: [
    {
      name: 'a locked affected version is high, with the by-design note as info',
      artifact: manifest('poetry-lock', [{ name: 'torch', version: '2.5.1' }]),
      findings: [
        {
          severity: 'high',
          message: 'locked at torch 2.5.1, affected by CVE-2025-32434 (<2.6.0) and CVE-2026-24747 (<2.10.0), all fixed in 2.10.0: loading an untrusted model with it can run code',
          evidence: { package: 'torch', version: '2.5.1', manifest: 'poetry-lock', ids: ['CVE-2025-32434', 'CVE-2026-24747'], clearVersion: '2.10.0' },
        },
        { severity: 'info', message: /^torch 2\.5\.1 falls under modelvet:torch-load-weights-only-default \(<2\.6\.0\)/, evidence: { ids: ['modelvet:torch-load-weights-only-default'] } },
      ],
    },
    {
      name: 'one advisory reads like the brief: locked, range, fixed in',
      artifact: manifest('uv-lock', [{ name: 'llama-cpp-python', version: '0.2.70' }]),
      findings: [{ severity: 'high', message: 'locked at llama-cpp-python 0.2.70, affected by CVE-2024-34359 (<0.2.72), fixed in 0.2.72: loading an untrusted model with it can run code' }],
    },
    {
      name: 'a == pin in a requirements file is "pinned to"; tensorflow-gpu matches tensorflow rows',
      artifact: manifest('requirements', [{ name: 'tensorflow-gpu', version: '2.4.1' }]),
      findings: [{ severity: 'high', message: /^pinned to tensorflow-gpu 2\.4\.1, affected by CVE-2021-37678 \(<2\.3\.4 or >=2\.4\.0,<2\.4\.3 or >=2\.5\.0,<2\.5\.1\), fixed in 2\.3\.4 \/ 2\.4\.3 \/ 2\.5\.1 \/ 2\.6\.0/ }],
    },
    {
      name: 'a local version and a .post release are matched by their public version',
      artifact: manifest('pipfile-lock', [{ name: 'torch', version: '2.5.1+cu124' }, { name: 'scikit-learn', version: '0.22.2.post1' }]),
      findings: [
        { severity: 'high', message: /^locked at torch 2\.5\.1\+cu124, affected by CVE-2025-32434/ },
        { severity: 'info', message: /^torch 2\.5\.1\+cu124 falls under/ },
        { severity: 'info', message: /^scikit-learn 0\.22\.2\.post1 falls under CVE-2020-13092 \(<0\.23\.1\) and CVE-2020-28975 \(<0\.24\.dev0\)/ },
      ],
    },
    {
      name: 'a release candidate below the fixed one is affected',
      artifact: manifest('pipfile-lock', [{ name: 'transformers', version: '5.0.0rc1' }]),
      findings: [{ severity: 'high', message: /^locked at transformers 5\.0\.0rc1, affected by CVE-2026-1839 \(<5\.0\.0rc3\) and CVE-2026-4372 \(<5\.3\.0\), all fixed in 5\.3\.0/ }],
    },
    {
      name: 'a specifier that admits affected versions is medium, and says which',
      artifact: manifest('pyproject-pep621', [{ name: 'onnx', specifier: '>=1.16,<2' }]),
      findings: [
        {
          severity: 'medium',
          message:
            'onnx>=1.16,<2 admits versions affected by CVE-2024-5187 (<1.17.0), CVE-2025-51480 (<1.21.0, range unverified), CVE-2026-27489 (<1.21.0), CVE-2026-28500 (<=1.20.1) and CVE-2026-34445 (<=1.20.1), all fixed in 1.21.0: loading an untrusted model with such a version can write files, read files, bypass a safety check or crash the process',
          evidence: { specifier: '>=1.16,<2', clearVersion: '1.21.0' },
        },
      ],
    },
    {
      name: 'a bare name admits everything',
      artifact: manifest('requirements', [{ name: 'vllm' }]),
      findings: [{ severity: 'medium', message: 'vllm (no version constraint) admits versions affected by CVE-2025-24357 (<0.7.0) and CVE-2025-66448 (<0.11.1, range unverified), all fixed in 0.11.1: loading an untrusted model with such a version can run code' }],
    },
    {
      name: 'only disputed or by-design rows: info, never a failure',
      artifact: manifest('requirements', [{ name: 'numpy', version: '1.16.0' }, { name: 'mlflow', specifier: '>=2' }]),
      findings: [
        { severity: 'info', message: /^numpy 1\.16\.0 falls under CVE-2019-6446 \(<1\.16\.3\), which describes documented or disputed loader behaviour: numpy\.load unpickles/ },
        { severity: 'info', message: /^mlflow>=2 admits versions covered by CVE-2024-37052 \(>=1\.1\.0\)/, evidence: { ids: ['CVE-2024-37052'] } },
      ],
    },
    {
      name: 'a version that is not PEP 440 is not silently passed',
      artifact: manifest('poetry-lock', [{ name: 'keras', version: 'three' }]),
      findings: [{ severity: 'medium', message: /^keras version 'three' is not PEP 440, so 10 known loader advisories for it \(CVE-2024-3660, / }],
    },
    {
      name: 'npm through an extra advisory file: a pin is high, an admitting range medium',
      artifact: manifest('package-json', [
        { ecosystem: 'npm', name: '@huggingface/jinja', version: '0.2.2' },
        { ecosystem: 'npm', name: 'semver', specifier: '^7.6.0' },
        { ecosystem: 'npm', name: 'is-number', specifier: '>=6.0.0' },
      ]),
      settings: { advisories: [testAdvisories] },
      findings: [
        { severity: 'high', message: 'pinned to @huggingface/jinja 0.2.2, affected by MODELVET-TEST-0001 (<0.3.0), fixed in 0.3.0: loading an untrusted model with it can run code' },
        { severity: 'medium', message: 'is-number@>=6.0.0 admits versions affected by MODELVET-TEST-0003 (<7.0.0), fixed in 7.0.0: loading an untrusted model with such a version can read files' },
      ],
    },
  ],
});

tester.run('dependencies/unreadable', unreadable, {
  valid: [
    { name: 'a clean manifest', artifact: manifest('requirements', [{ name: 'torch', version: '2.10.0' }]) },
    { name: 'other families\' anomalies are not this rule\'s', artifact: manifest('requirements', [], [{ code: 'template/unparsed', message: 'x' }]) },
  ],
  invalid: [
    {
      name: 'a manifest its tool refuses is medium',
      artifact: manifest('pyproject-pep621', [], [{ code: 'deps/malformed', message: 'pyproject.toml is not valid TOML at line 3 (x), so its dependencies were not checked', detail: { line: 3 } }]),
      findings: [{ severity: 'medium', message: /not valid TOML at line 3/, evidence: { code: 'deps/malformed', line: 3 } }],
    },
    {
      name: 'one rejected line names itself',
      artifact: manifest('requirements', [], [{ code: 'deps/invalid-entry', message: 'line 4 is not a requirement pip accepts (x), so pip refuses the whole file', detail: { line: 4 } }]),
      findings: [{ severity: 'medium', message: 'line 4 is not a requirement pip accepts (x), so pip refuses the whole file; that dependency was not checked' }],
    },
    {
      name: 'a manifest over the size limit is high (fail closed)',
      artifact: manifest('package-lock', [], [{ code: 'deps/limit', message: 'package-lock.json is 200 bytes, over the 100-byte limit for a manifest read whole, so its dependencies were not checked' }]),
      findings: [{ severity: 'high', message: /over the 100-byte limit/ }],
    },
  ],
});
