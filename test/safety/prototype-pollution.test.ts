/**
 * Hostile JSON, YAML and TOML keys (`__proto__`, `constructor`, `prototype`, and names of inherited
 * members) in every kind of document modelvet reads, through `analyseReader`, `scan`, `verify`,
 * the BOM writer and `check`: no built-in prototype changes, no object in an artifact, finding,
 * report or BOM gets a prototype from the input or inherits the canary, and no value or message
 * is an inherited member (`function Object() { [native code] }`) looked up by a hostile name.
 * The documents are real fixtures rewritten (test/safety/hostile-documents.ts).
 *
 * Everything runs in this process (the scan with `jobs: 1`): pollution in a worker thread or a
 * child process would not be seen here.
 */
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyseReader } from '../../src/engine/analyse.js';
import { runRules } from '../../src/engine/run-rules.js';
import { prepare, scan, type ScanOptions } from '../../src/engine/scan.js';
import { check } from '../../src/check/check.js';
import { verify } from '../../src/integrity/verify.js';
import { localFactSource } from '../../src/bom/sources/local.js';
import { hubFactSource } from '../../src/bom/sources/hub.js';
import { extractFacts } from '../../src/bom/facts/index.js';
import { writeBom } from '../../src/bom/write.js';
import { BOM_SPECS } from '../../src/bom/types.js';
import { parseHubRef } from '../../src/sources/hub/ref.js';
import { render } from '../../src/report/index.js';
import { BUILTIN_RULES } from '../../src/rules/builtin.js';
import { bufferReader } from '../../src/sources/readers.js';
import { UsageError } from '../../src/util/errors.js';
import type { Artifact, Report } from '../../src/types.js';
import { fakeRepoFromFolder, startFakeHub } from '../helpers/fake-hub.js';
import { HOSTILE_KEYS, hostileDocuments, hostileLockfile, hostileNames, lockfileNamingInheritedMembers, type HostileDocument, type Variant } from './hostile-documents.js';
import { CANARY, leaksIn, prototypeChanges, snapshotPrototypes, type PrototypeSnapshot } from './pollution.js';

const VARIANTS: Variant[] = ['pollute', 'shadow'];
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SETTINGS = { allowedGlobals: [], trustedPublishers: [] };

/** What each document must be read as: a document nobody parses would make its test vacuous. */
const EXPECTED_FORMAT: Record<string, string> = {
  'model.safetensors': 'safetensors',
  'model.safetensors.index.json': 'safetensors-index',
  'tokenizer_config.json': 'tokenizer-config',
  'templates/tokenizer_config.json': 'tokenizer-config',
  // A model's config.json and its card are read by `check` and `bom`, not by the scan.
  'config.json': 'unknown',
  'README.md': 'unknown',
  'adapter/adapter_config.json': 'model-config',
  'app/app-config.json': 'model-config',
  'hydra/config.yaml': 'model-config',
  'axolotl/qlora.yml': 'model-config',
  'mergekit/ties.yml': 'model-config',
  'yaml-merge/params.yaml': 'model-config',
  'js/package.json': 'dependency-manifest',
  'js/package-lock.json': 'dependency-manifest',
  'pipenv/Pipfile.lock': 'dependency-manifest',
  'pep621/pyproject.toml': 'dependency-manifest',
  'poetry/pyproject.toml': 'dependency-manifest',
  'poetry/poetry.lock': 'dependency-manifest',
  'uv/uv.lock': 'dependency-manifest',
  'pip/requirements.txt': 'dependency-manifest',
  'signed/model.sig': 'model-signature',
  'boms/model.cdx.json': 'ai-bom',
  'boms/golden.cdx.json': 'ai-bom',
  'boms/model.spdx.json': 'ai-bom',
  'boms/model.spdx3.json': 'ai-bom',
  'keras/model.keras': 'keras',
  'tf/keras_metadata.pb': 'tf-savedmodel',
  'notebooks/explore.ipynb': 'notebook',
  'lock/modelvet.lock.json': 'modelvet-lock',
};

function writeTree(dir: string, docs: readonly HostileDocument[]): void {
  for (const doc of docs) {
    mkdirSync(dirname(join(dir, doc.name)), { recursive: true });
    writeFileSync(join(dir, doc.name), doc.bytes);
  }
}

const allDocuments = async (variant: Variant): Promise<HostileDocument[]> => [...(await hostileDocuments(variant)), hostileLockfile(variant)];

/** Fails with what changed, at the first document that changed it. */
function expectNoPollution(before: PrototypeSnapshot, where: string): void {
  expect(prototypeChanges(before), `built-in prototypes after ${where}`).to.deep.equal([]);
}

function expectNoLeaks(value: unknown, where: string): void {
  expect(leaksIn(value, where), `inherited members or replaced prototypes in ${where}`).to.deep.equal([]);
}

/** The scan in this thread: one file at a time and no time budget (otherwise files go to worker threads). */
const inProcess = (options: ScanOptions): ScanOptions => ({ ...options, jobs: 1, fileTimeBudgetMs: 0 }) as ScanOptions;

/** Facts without the verdicts: a finding may quote a hostile key it reports (`tensor "__proto__" carries fields …`). */
const factsText = (facts: object): string => JSON.stringify({ ...facts, verdicts: [] });

describe('prototype pollution: hostile keys in every JSON, YAML and TOML modelvet reads', function () {
  this.timeout(120_000);
  let pristine: PrototypeSnapshot;
  let root: string;
  const dirs = new Map<Variant, string>();

  before(async () => {
    pristine = snapshotPrototypes();
    root = mkdtempSync(join(tmpdir(), 'modelvet-pollution-'));
    for (const variant of VARIANTS) {
      const dir = join(root, variant);
      writeTree(dir, await allDocuments(variant));
      dirs.set(variant, dir);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  afterEach(() => expectNoPollution(pristine, 'the test'));

  it('the documents really hold the hostile keys', async () => {
    const text = new TextDecoder().decode((await hostileDocuments('pollute')).find((d) => d.name === 'tokenizer_config.json')!.bytes);
    expect(text).to.contain('"__proto__": {').and.contain(`"${CANARY}": "yes"`).and.contain('"constructor": {');
    const shadow = new TextDecoder().decode((await hostileDocuments('shadow')).find((d) => d.name === 'js/package.json')!.bytes);
    expect(shadow).to.contain('"hasOwnProperty":').and.contain('"toString":');
  });

  for (const variant of VARIANTS) {
    it(`analyseReader and every built-in rule read each document (${variant}) without pollution or leaks`, async () => {
      const docs = await allDocuments(variant);
      expect(docs.map((d) => d.name).sort()).to.deep.equal(Object.keys(EXPECTED_FORMAT).sort());
      for (const doc of docs) {
        let artifact: Artifact;
        try {
          artifact = await analyseReader(bufferReader(doc.bytes), doc.name);
        } catch (err) {
          throw new Error(`${doc.name} (${doc.kind}): the parser threw ${(err as Error).stack}`);
        }
        expect(artifact.format, `${doc.name} (${doc.kind})`).to.equal(EXPECTED_FORMAT[doc.name]);
        const findings = runRules(artifact, { rules: BUILTIN_RULES, ruleSettings: {}, settings: SETTINGS });
        expect(findings.filter((f) => f.ruleId === 'engine/rule-error').map((f) => f.message), doc.name).to.deep.equal([]);
        expectNoLeaks(artifact, `${doc.name} artifact`);
        expectNoLeaks(findings, `${doc.name} findings`);
        expectNoPollution(pristine, doc.name);
      }
    });
  }

  for (const variant of VARIANTS) {
    it(`scan of a folder of them (${variant}), rendered in every report format, stays clean`, async () => {
      const dir = dirs.get(variant)!;
      const prepared = await prepare({ cwd: dir });
      const report = await scan(inProcess({ cwd: dir, paths: [dir], prepared }));
      expect(report.summary.files).to.equal(Object.keys(EXPECTED_FORMAT).length);
      // The scan read them: the hostile safetensors header is malformed, the rest are judged.
      expect(report.findings.some((f) => f.ruleId === 'safetensors/malformed')).to.equal(true);
      expect(report.errors).to.deep.equal([]);
      expectNoLeaks(report, 'the scan report');
      for (const format of ['text', 'json', 'sarif'] as const) {
        const text = render(report, { format, rules: prepared.registry.all(), cwd: dir, color: false, verbose: true });
        expect(text).not.to.contain('[native code]').and.not.to.contain('[object Object]');
      }
      expectNoPollution(pristine, 'the scan');
    });
  }

  it('scan and verify against a hostile lockfile refuse it or read it without pollution', async () => {
    for (const variant of VARIANTS) {
      const dir = dirs.get(variant)!;
      const lockfile = join(dir, 'lock', 'modelvet.lock.json');
      for (const run of [() => scan(inProcess({ cwd: dir, paths: [join(dir, 'model.safetensors')], lockfile })), () => verify({ cwd: dir, lockfile })]) {
        let outcome: unknown;
        try {
          outcome = await run();
        } catch (err) {
          // Refusing the lockfile is a usage error with one line, never a crash.
          expect(err, String(err)).to.be.instanceOf(UsageError);
          outcome = (err as Error).message;
        }
        expectNoLeaks(outcome, `${variant} lockfile outcome`);
        expectNoPollution(pristine, `${variant} lockfile`);
      }
    }
  });

  it('verify and scan against a valid lockfile whose paths are inherited members\' names judge each path', async () => {
    const dir = mkdtempSync(join(root, 'names-'));
    const model = join(dir, 'model.safetensors');
    copyFileSync(join(FIXTURES, 'benign/safetensors/torch-state-dict.safetensors'), model);
    const bytes = readFileSync(model);
    writeFileSync(join(dir, 'modelvet.lock.json'), lockfileNamingInheritedMembers({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }));
    // Present but different from what is locked: `constructor` and `toString`; the others are missing.
    writeFileSync(join(dir, 'constructor'), 'not what was locked');
    writeFileSync(join(dir, 'toString'), 'not what was locked');
    const report = await verify({ cwd: dir, lockfile: join(dir, 'modelvet.lock.json') });
    expectNoLeaks(report, 'verify report');
    const problems = report.findings.filter((f) => f.ruleId.startsWith('integrity/') && (f.severity === 'high' || f.severity === 'critical' || f.severity === 'medium'));
    for (const name of HOSTILE_KEYS) {
      expect(problems.some((f) => f.path.endsWith(name) || f.message.includes(name)), `${name}: ${problems.map((f) => `${f.ruleId} ${f.path} ${f.message}`).join('\n')}`).to.equal(true);
    }
    // The real file matches its entry: nothing reported about it.
    expect(problems.filter((f) => f.path.endsWith('model.safetensors'))).to.deep.equal([]);
    const scanned = await scan(inProcess({ cwd: dir, paths: [dir] }));
    expectNoLeaks(scanned, 'scan report');
    for (const name of ['constructor', 'toString']) {
      expect(scanned.findings.some((f) => f.path.endsWith(name) && f.ruleId.startsWith('integrity/')), `scan: ${name}`).to.equal(true);
    }
    expectNoPollution(pristine, 'the lockfile of inherited names');
  });

  it('a config allowing one global named after an inherited member allows only that one', async () => {
    const dir = mkdtempSync(join(root, 'allow-'));
    writeFileSync(join(dir, 'modelvet.config.json'), JSON.stringify({ pickle: { allowGlobals: ['__proto__.constructor', 'constructor.prototype'] }, trustedPublishers: ['constructor'] }));
    const pickle = (await hostileNames()).find((d) => d.name === 'proto-globals.pkl')!;
    writeFileSync(join(dir, pickle.name), pickle.bytes);
    const prepared = await prepare({ cwd: dir });
    const report = await scan(inProcess({ cwd: dir, paths: [dir], prepared }));
    expectNoLeaks(report, 'scan report');
    const judged = report.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.message);
    for (const name of ['builtins.__proto__', 'torch.constructor', 'collections.hasOwnProperty']) {
      expect(judged.some((m) => m.includes(name)), `${name} is still judged: ${judged.join('\n')}`).to.equal(true);
    }
    expectNoPollution(pristine, 'the allowlist config');
  });

  it('a BOM of each folder (facts, CycloneDX 1.6/1.7 and SPDX 3.0.1) stays clean', async () => {
    for (const variant of VARIANTS) {
      const dir = dirs.get(variant)!;
      const prepared = await prepare({ cwd: dir });
      const facts = await extractFacts(await localFactSource(dir, { cwd: dir, prepared, threads: 1 }));
      expectNoLeaks(facts, `${variant} BOM facts`);
      // No hostile value became a fact.
      expect(factsText(facts)).not.to.contain(CANARY);
      for (const spec of BOM_SPECS) {
        const written = writeBom(facts, spec);
        // Hostile keys are dropped, not carried into an invalid BOM.
        if (!written.ok) expect.fail(`${variant} ${spec}: ${written.errors.join('; ')}`);
        expect(written.text, `${variant} ${spec}`).not.to.contain('[native code]').and.not.to.contain('[object Object]');
        expectNoLeaks(written, `${variant} ${spec}`);
      }
      expectNoPollution(pristine, `${variant} BOM`);
    }
  });

  it('check and bom hf: of the folders served by a Hub whose API answers carry hostile keys stay clean', async () => {
    const hostileInfo = JSON.parse(
      `{"cardData": {"__proto__": {"${CANARY}": "yes"}, "license": "apache-2.0", "constructor": {"prototype": {"${CANARY}": "yes"}}, "base_model": "__proto__"},` +
        ` "config": {"__proto__": {"${CANARY}": "yes"}, "architectures": ["constructor"], "model_type": "toString"}, "__proto__": {"${CANARY}": "yes"}, "pipeline_tag": "hasOwnProperty"}`,
    ) as Record<string, unknown>;
    const repos = VARIANTS.map((variant) => ({ ...fakeRepoFromFolder(`hostile/${variant}`, dirs.get(variant)!), info: hostileInfo }));
    const hub = await startFakeHub(repos);
    try {
      for (const variant of VARIANTS) {
        const prepared = await prepare({ cwd: root });
        const options = { endpoint: hub.url, env: {}, cwd: root, retry: { retries: 0 }, prepared };
        const report: Report = await check({ ...options, refs: [`hf:hostile/${variant}`] });
        expect(report.findings.length).to.be.greaterThan(0);
        expect(report.errors).to.deep.equal([]);
        expectNoLeaks(report, `check of hostile/${variant}`);
        const facts = await extractFacts(await hubFactSource(parseHubRef(`hf:hostile/${variant}`)!, options));
        expectNoLeaks(facts, `bom hf:hostile/${variant} facts`);
        expect(factsText(facts)).not.to.contain(CANARY);
        for (const spec of BOM_SPECS) expectNoLeaks(writeBom(facts, spec), `bom hf:hostile/${variant} ${spec}`);
        expectNoPollution(pristine, `check of hostile/${variant}`);
      }
    } finally {
      await hub.close();
    }
  });

  it('names of inherited members are judged, not found in an allowlist (fail closed)', async () => {
    for (const doc of await hostileNames()) {
      const artifact = await analyseReader(bufferReader(doc.bytes), doc.name);
      const findings = runRules(artifact, { rules: BUILTIN_RULES, ruleSettings: {}, settings: SETTINGS });
      expectNoLeaks(artifact, `${doc.name} artifact`);
      expectNoLeaks(findings, `${doc.name} findings`);
      const judged = findings.filter((f) => f.severity !== 'info' && f.severity !== 'low');
      for (const name of doc.mentions) {
        expect(
          judged.some((f) => f.message.includes(name)),
          `${doc.kind}: no medium-or-worse finding names ${name}:\n${findings.map((f) => `${f.severity} ${f.ruleId} ${f.message}`).join('\n')}`,
        ).to.equal(true);
      }
      expectNoPollution(pristine, doc.name);
    }
  });

  it('a config file with hostile keys is refused with one line, or read without pollution', async () => {
    const texts: Array<[string, string]> = [
      ['modelvet.config.json', `{"__proto__": {"${CANARY}": "yes", "rules": {"pickle/dangerous-global": "off"}}, "constructor": {"prototype": {"${CANARY}": "yes"}}}`],
      ['modelvet.config.json', `{"rules": {"__proto__": "off", "constructor": "off"}}`],
      ['modelvet.config.json', `{"allowGlobals": ["__proto__.constructor"], "trustedPublishers": ["__proto__"]}`],
      ['modelvet.config.yaml', `__proto__:\n  ${CANARY}: yes\n  rules:\n    pickle/dangerous-global: "off"\nconstructor:\n  prototype:\n    ${CANARY}: yes\n`],
      ['modelvet.config.yaml', `base: &b\n  ${CANARY}: yes\nrules:\n  <<: *b\n`],
    ];
    for (const [name, text] of texts) {
      const dir = mkdtempSync(join(root, 'config-'));
      writeFileSync(join(dir, name), text);
      try {
        const prepared = await prepare({ cwd: dir });
        // Read: then the hostile keys must not have switched a rule off.
        expect(prepared.config.rules['pickle/dangerous-global'], text).not.to.equal('off');
        expectNoLeaks(prepared.config, `${name}: ${text}`);
      } catch (err) {
        expect(err, `${text}: ${String(err)}`).to.be.instanceOf(UsageError);
        expect((err as Error).message).not.to.contain('\n');
      }
      expectNoPollution(pristine, `${name}: ${text}`);
    }
  });
});
