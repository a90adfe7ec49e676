/**
 * `modelvet bom` end to end: every spec on every fixture of test/fixtures/bom (made by
 * test/fixtures/make_bom.py), validated here with the official schemas independently of the
 * writer's own validation, and compared byte for byte with the golden files in
 * test/fixtures/bom/golden/. After an intended change to the output, regenerate them with
 *
 *     MODELVET_UPDATE_GOLDEN=1 npx mocha test/cli/bom.test.ts
 *
 * and review the diff.
 */
import { expect } from 'chai';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { bomTimestamp, deliverBom } from '../../src/commands/bom.js';
import { BOM_SPECS, type BomFacts, type BomSpec } from '../../src/bom/types.js';
import { writeBom } from '../../src/bom/write.js';
import { pool } from '../../src/util/pool.js';
import { runCliAsync, type CliResult } from '../helpers/cli.js';
import { fakeRepoFromFolder, startFakeHub } from '../helpers/fake-hub.js';

const devBin = fileURLToPath(new URL('../../bin/dev.js', import.meta.url));
const BOM = fileURLToPath(new URL('../fixtures/bom/', import.meta.url));
const GOLDEN = join(BOM, 'golden');
const UPDATE = process.env.MODELVET_UPDATE_GOLDEN === '1';
const COMMIT = '5e0a7b3c9d1f2e4a6b8c0d2e4f6a8b0c1d3e5f7a';

const FIXTURES: Record<string, string> = {
  'tiny-gpt2': join(BOM, 'tiny-gpt2'),
  'hf-cache': join(BOM, 'hf-cache', 'models--modelvet-test--tiny-gpt2', 'snapshots', COMMIT),
  gguf: join(BOM, 'gguf'),
  bare: join(BOM, 'bare'),
};

// --- independent validators: the official schemas ------------------------------------------------

const require = createRequire(import.meta.url);
const CDX_DIR = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const SPDX_SCHEMA = fileURLToPath(new URL('../../../shared/schemas/spdx-3.0.1.schema.json', import.meta.url));
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const validators = new Map<BomSpec, ValidateFunction>();

function validatorFor(spec: BomSpec): ValidateFunction {
  let v = validators.get(spec);
  if (v) return v;
  if (spec === 'spdx-3.0.1') {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv as never);
    v = ajv.compile(readJson(SPDX_SCHEMA));
  } else {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addFormat('idn-email', true);
    ajv.addFormat('iri-reference', true);
    for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) ajv.addSchema(readJson(join(CDX_DIR, f)), `http://cyclonedx.org/schema/${f}`);
    v = ajv.compile(readJson(join(CDX_DIR, `bom-${spec.slice('cyclonedx-'.length)}.SNAPSHOT.schema.json`)));
  }
  validators.set(spec, v);
  return v;
}

function schemaErrors(spec: BomSpec, doc: unknown): string[] {
  const validate = validatorFor(spec);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

// --- running the CLI -----------------------------------------------------------------------------

/** The CLI without a SOURCE_DATE_EPOCH from the environment, so outputs stay comparable. */
const runCli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runCliAsync(args, { cwd, env: { SOURCE_DATE_EPOCH: '', ...env } });

/** Runs jobs two at a time (the CLI spends most of its start-up compiling; the machine has two cores). */
const inPairs = <T>(jobs: ReadonlyArray<() => Promise<T>>): Promise<T[]> => pool(jobs, 2, (job) => job());

describe('modelvet bom (CLI)', function () {
  this.timeout(240_000);
  let cwd: string;
  const written = new Map<string, { result: CliResult; text: string }>();
  const key = (fixture: string, spec: BomSpec): string => `${fixture}.${spec}`;

  before(async () => {
    // An empty working folder: no config or lockfile of this repository changes the verdicts.
    cwd = mkdtempSync(join(tmpdir(), 'modelvet-bom-cli-'));
    const jobs = Object.keys(FIXTURES).flatMap((fixture) =>
      BOM_SPECS.map((spec) => async () => {
        const out = `${key(fixture, spec)}.json`;
        const result = await runCli(['bom', FIXTURES[fixture]!, '--spec', spec, '--output', out], cwd);
        written.set(key(fixture, spec), { result, text: existsSync(join(cwd, out)) ? readFileSync(join(cwd, out), 'utf8') : '' });
      }),
    );
    await inPairs(jobs);
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  for (const fixture of Object.keys(FIXTURES)) {
    for (const spec of BOM_SPECS) {
      it(`${fixture}, ${spec}: exit 0, a file valid against the official schema, identical to the golden file`, () => {
        const { result, text } = written.get(key(fixture, spec))!;
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.equal('');
        expect(result.stderr).to.equal('');
        const doc = JSON.parse(text) as unknown;
        expect(schemaErrors(spec, doc)).to.deep.equal([]);
        const golden = join(GOLDEN, `${key(fixture, spec)}.json`);
        if (UPDATE) {
          mkdirSync(GOLDEN, { recursive: true });
          writeFileSync(golden, text);
        }
        expect(text === readFileSync(golden, 'utf8'), `${golden} differs (MODELVET_UPDATE_GOLDEN=1 regenerates it)`).to.equal(true);
      });
    }
  }

  it('CycloneDX: the model is metadata.component with its purl where the cache names repo and commit, every file hashed', () => {
    const cache = JSON.parse(written.get(key('hf-cache', 'cyclonedx-1.6'))!.text) as { metadata: { component: Record<string, unknown> & { components: Array<{ name: string; hashes?: Array<{ alg: string; content: string }> }> } } };
    const model = cache.metadata.component;
    expect(model.type).to.equal('machine-learning-model');
    expect(model.purl).to.equal(`pkg:huggingface/modelvet-test/tiny-gpt2@${COMMIT}`);
    expect(model.version).to.equal(COMMIT);
    const files = model.components.filter((c) => (c as { type?: string }).type === 'file');
    expect(files.map((f) => f.name).sort()).to.deep.equal(['LICENSE', 'README.md', 'additional_chat_templates/tool_use.jinja', 'chat_template.jinja', 'config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    for (const f of files) expect(f.hashes?.map((h) => h.alg), f.name).to.deep.equal(['SHA-256']);
  });

  it('the folder and the cache layout of the same files describe them alike (files, hashes, model card, licences, datasets)', () => {
    for (const spec of ['cyclonedx-1.6', 'cyclonedx-1.7'] as const) {
      type Doc = { components?: unknown[]; metadata: { component: { components: unknown[]; modelCard?: unknown; licenses?: unknown } } };
      const folder = JSON.parse(written.get(key('tiny-gpt2', spec))!.text) as Doc;
      const cache = JSON.parse(written.get(key('hf-cache', spec))!.text) as Doc;
      expect(cache.metadata.component.components, spec).to.deep.equal(folder.metadata.component.components);
      expect(cache.metadata.component.modelCard, spec).to.deep.equal(folder.metadata.component.modelCard);
      expect(cache.metadata.component.licenses, spec).to.deep.equal(folder.metadata.component.licenses);
      expect(cache.components, spec).to.deep.equal(folder.components);
    }
    type Spdx = { '@graph': Array<{ type: string; name?: string; verifiedUsing?: unknown }> };
    const filesOf = (text: string): unknown[] => (JSON.parse(text) as Spdx)['@graph'].filter((e) => e.type === 'software_File').map((e) => [e.name, e.verifiedUsing]).sort();
    expect(filesOf(written.get(key('hf-cache', 'spdx-3.0.1'))!.text)).to.deep.equal(filesOf(written.get(key('tiny-gpt2', 'spdx-3.0.1'))!.text));
  });

  it('stdout carries the same bytes as --output, on a second run too', async () => {
    const r = await runCli(['bom', FIXTURES.gguf!, '--spec', 'cyclonedx-1.7'], cwd);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(written.get(key('gguf', 'cyclonedx-1.7'))!.text);
  });

  it('--timestamp adds exactly the timestamp (SOURCE_DATE_EPOCH when set)', async () => {
    const [cdx, spdx] = await inPairs([
      () => runCli(['bom', FIXTURES.bare!, '--timestamp'], cwd, { SOURCE_DATE_EPOCH: '1700000000' }),
      () => runCli(['bom', FIXTURES.bare!, '--spec', 'spdx-3.0.1', '--timestamp'], cwd, { SOURCE_DATE_EPOCH: '1700000000' }),
    ]);
    expect(cdx!.status, cdx!.stderr).to.equal(0);
    const withTime = JSON.parse(cdx!.stdout) as { metadata: Record<string, unknown> };
    const without = JSON.parse(written.get(key('bare', 'cyclonedx-1.6'))!.text) as { metadata: Record<string, unknown> };
    expect(withTime.metadata.timestamp).to.equal('2023-11-14T22:13:20Z');
    expect(without.metadata).not.to.have.property('timestamp');
    delete withTime.metadata.timestamp;
    // A BOM without a time declares itself reproducible (cdx:reproducible); one with a time does not.
    expect(without.metadata.properties).to.deep.equal([{ name: 'cdx:reproducible', value: 'true' }]);
    expect(withTime.metadata).not.to.have.property('properties');
    delete without.metadata.properties;
    expect(withTime).to.deep.equal(without);
    // SPDX requires a creation time; with --timestamp it is the one asked for, and nothing else changes.
    expect(spdx!.status, spdx!.stderr).to.equal(0);
    const spdxWith = spdx!.stdout;
    const spdxWithout = written.get(key('bare', 'spdx-3.0.1'))!.text;
    expect(spdxWith).to.include('"created": "2023-11-14T22:13:20Z"');
    // Without a time the creation info says why its `created` is the epoch; with one, that note goes.
    type Graph = { '@graph': Array<Record<string, unknown>> };
    const creationInfo = (t: string): Record<string, unknown> => (JSON.parse(t) as Graph)['@graph'].find((e) => e['@id'] === '_:creationinfo')!;
    expect(creationInfo(spdxWithout).created).to.equal('1970-01-01T00:00:00Z');
    expect(creationInfo(spdxWithout).comment).to.be.a('string');
    expect(creationInfo(spdxWith)).not.to.have.property('comment');
    const strip = (t: string): unknown => {
      const doc = JSON.parse(t) as Graph;
      const info = doc['@graph'].find((e) => e['@id'] === '_:creationinfo')!;
      delete info.created;
      delete info.comment;
      return doc;
    };
    expect(strip(spdxWith)).to.deep.equal(strip(spdxWithout));
    expect(schemaErrors('spdx-3.0.1', JSON.parse(spdxWith))).to.deep.equal([]);
  });

  it('usage errors exit 2 with one line: a file inside a Hub repo, a missing folder, an unknown spec, --output on a folder', async () => {
    mkdirSync(join(cwd, 'a-folder'), { recursive: true });
    const results = await inPairs([
      () => runCli(['bom', 'https://huggingface.co/org/name/blob/main/config.json'], cwd),
      () => runCli(['bom', 'no-such-model/'], cwd),
      () => runCli(['bom', FIXTURES.bare!, '--spec', 'spdx-2.3'], cwd),
      () => runCli(['bom', FIXTURES.bare!, '--output', 'a-folder'], cwd),
    ]);
    const [hub, missing, spec, folder] = results as [CliResult, CliResult, CliResult, CliResult];
    for (const r of results) {
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
    }
    expect(hub.stderr).to.equal('modelvet: https://huggingface.co/org/name/blob/main/config.json names a file or folder inside the repo: a BOM describes the whole repo, give hf:org/name@<rev>\n');
    expect(missing.stderr).to.equal('modelvet: no such file or folder: no-such-model/\n');
    expect(spec.stderr).to.match(/spdx-2\.3/);
    expect(folder.stderr).to.equal('modelvet: --output a-folder is a folder\n');
  });

  it('--output replaces a link rather than writing through it', async () => {
    const victim = join(cwd, 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(cwd, 'link.json'));
    const r = await runCli(['bom', FIXTURES.bare!, '--output', 'link.json'], cwd);
    expect(r.status, r.stderr).to.equal(0);
    expect(readFileSync(victim, 'utf8')).to.equal('untouched');
    expect(lstatSync(join(cwd, 'link.json')).isSymbolicLink()).to.equal(false);
    expect(readFileSync(join(cwd, 'link.json'), 'utf8')).to.equal(written.get(key('bare', 'cyclonedx-1.6'))!.text);
  });
});

describe('modelvet bom: an invalid BOM is never written', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelvet-bom-invalid-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return { out, to: { cwd: dir, output: 'bom.json', stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
  };

  it('exit 2, every error listed on stderr, no file', () => {
    const { out, to } = capture();
    const code = deliverBom({ ok: false, errors: ['/metadata/component: must have required property name', 'dangling ref modelvet:file:x\u001b[31m'] }, 'cyclonedx-1.6', to);
    expect(code).to.equal(2);
    expect(out.stdout).to.equal('');
    expect(out.stderr.split('\n')).to.deep.equal([
      'modelvet: the cyclonedx-1.6 BOM failed validation (2 errors); nothing was written',
      'modelvet:   /metadata/component: must have required property name',
      'modelvet:   dangling ref modelvet:file:x\\x1b[31m',
      '',
    ]);
    expect(existsSync(join(dir, 'bom.json'))).to.equal(false);
  });

  it('facts the writer rejects (a hash that is not SHA-256) take the same path, for every spec', () => {
    const facts: BomFacts = {
      model: { name: 'broken', source: 'folder' },
      licenses: [],
      languages: [],
      tags: [],
      hyperparameters: [],
      datasets: [],
      metrics: [],
      ancestors: [],
      chatTemplates: [],
      files: [{ path: 'model.safetensors', size: 1, sha256: 'not-a-sha256', sha256Source: 'local', role: 'weights' }],
      verdicts: [],
      tool: { name: 'modelvet', version: '0.0.0' },
    };
    for (const spec of BOM_SPECS) {
      const result = writeBom(facts, spec);
      expect(result.ok, spec).to.equal(false);
      const { out, to } = capture();
      expect(deliverBom(result, spec, to)).to.equal(2);
      const lines = out.stderr.trim().split('\n');
      expect(lines[0]).to.match(new RegExp(`^modelvet: the ${spec} BOM failed validation \\(\\d+ errors?\\); nothing was written$`));
      expect(lines.length - 1).to.equal(result.ok ? 0 : result.errors.length);
      expect(existsSync(join(dir, 'bom.json'))).to.equal(false);
    }
  });

  it('a valid BOM goes to --output or stdout, exit 0', () => {
    const { out, to } = capture();
    expect(deliverBom({ ok: true, text: '{}\n' }, 'spdx-3.0.1', to)).to.equal(0);
    expect(readFileSync(join(dir, 'bom.json'), 'utf8')).to.equal('{}\n');
    expect(out.stdout + out.stderr).to.equal('');
    const toStdout = capture();
    expect(deliverBom({ ok: true, text: '{}\n' }, 'spdx-3.0.1', { ...toStdout.to, output: undefined })).to.equal(0);
    expect(toStdout.out.stdout).to.equal('{}\n');
  });

  it('--timestamp: SOURCE_DATE_EPOCH in whole seconds, else now; a malformed one is a usage error', () => {
    expect(bomTimestamp({ SOURCE_DATE_EPOCH: '0' })).to.equal('1970-01-01T00:00:00Z');
    expect(bomTimestamp({}, new Date('2026-03-04T05:06:07.890Z'))).to.equal('2026-03-04T05:06:07Z');
    expect(() => bomTimestamp({ SOURCE_DATE_EPOCH: 'yesterday' })).to.throw(/SOURCE_DATE_EPOCH must be a number of seconds/);
  });
});

describe('modelvet bom hf:org/name@rev (a fake Hub)', function () {
  this.timeout(240_000);
  type Cdx = { metadata: { component: Record<string, unknown> & { components: Array<{ name: string; hashes?: Array<{ alg: string; content: string }>; properties?: Array<{ name: string; value: string }> }> } } };
  const hashesOf = (doc: Cdx): Record<string, string | undefined> =>
    Object.fromEntries(doc.metadata.component.components.filter((c) => !c.name.includes('#')).map((c) => [c.name, c.hashes?.find((h) => h.alg === 'SHA-256')?.content]));

  it('reads the repo at its commit: every file hashed (LFS SHA-256, small git files hashed and checked against their blob ids), the model card as from the cache, valid in every spec', async () => {
    const hub = await startFakeHub([fakeRepoFromFolder('modelvet-test/tiny-gpt2', FIXTURES['tiny-gpt2']!, { sha: COMMIT })]);
    const cwd = mkdtempSync(join(tmpdir(), 'modelvet-bom-hub-'));
    try {
      const runs = await inPairs(BOM_SPECS.map((spec) => () => runCli(['bom', 'hf:modelvet-test/tiny-gpt2@main', '--endpoint', hub.url, '--spec', spec], cwd, { HF_TOKEN: '' })));
      for (const [i, spec] of BOM_SPECS.entries()) {
        expect(runs[i]!.status, runs[i]!.stderr).to.equal(0);
        expect(schemaErrors(spec, JSON.parse(runs[i]!.stdout))).to.deep.equal([]);
      }
      const remote = JSON.parse(runs[0]!.stdout) as Cdx;
      const cache = JSON.parse(readFileSync(join(GOLDEN, 'hf-cache.cyclonedx-1.6.json'), 'utf8')) as Cdx;
      expect(remote.metadata.component.purl).to.equal(`pkg:huggingface/modelvet-test/tiny-gpt2@${COMMIT}`);
      const hashes = hashesOf(remote);
      expect(Object.values(hashes).every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))).to.equal(true);
      expect(hashes).to.deep.equal(hashesOf(cache));
      const source = (name: string): string | undefined =>
        remote.metadata.component.components.find((c) => c.name === name)?.properties?.find((p) => p.name === 'modelvet:sha256-source')?.value;
      expect(source('model.safetensors')).to.equal('hub-lfs');
      expect(source('config.json')).to.equal('local');
      expect(remote.metadata.component.modelCard).to.deep.equal(cache.metadata.component.modelCard);
      // Every byte came through ranged reads: the weights by their header only.
      const weights = hub.requests.filter((r) => r.path.endsWith('/model.safetensors'));
      expect(weights.every((r) => r.range !== undefined)).to.equal(true);
    } finally {
      await hub.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
