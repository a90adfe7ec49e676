import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { readHdf5 } from '../../../src/parsers/keras/hdf5-reader.js';
import { hdf5SignatureOffset, sniffHdf5 } from '../../../src/parsers/keras/hdf5.js';
import { KERAS_CODES } from '../../../src/parsers/keras/codes.js';
import type { Hdf5Artifact } from '../../../src/parsers/keras/types.js';
import { analyseReader } from '../../../src/engine/analyse.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { analyseFixture, codesIn, FIXTURES, fixtureBytes } from './helpers.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

describe('HDF5 / legacy Keras .h5', () => {
  describe('sniff', () => {
    it('finds the superblock signature at 0 and after a 512/1024/2048-byte user block', () => {
      for (const at of [0, 512, 1024, 2048]) {
        const head = new Uint8Array(4096);
        head.set(SIGNATURE, at);
        expect(hdf5SignatureOffset(head), String(at)).to.equal(at);
      }
      const elsewhere = new Uint8Array(4096);
      elsewhere.set(SIGNATURE, 100);
      expect(sniffHdf5({ head: elsewhere })).to.equal(false);
      expect(sniffHdf5({ head: new Uint8Array(SIGNATURE.slice(0, 7)) })).to.equal(false);
    });
  });

  describe('models saved by keras', () => {
    for (const rel of ['benign/keras/sequential.h5', 'benign/keras/functional.h5']) {
      it(`${rel}: the config is read and clean`, async () => {
        const artifact = (await analyseFixture(rel)) as Hdf5Artifact;
        expect(artifact.format).to.equal('hdf5');
        expect(artifact.anomalies).to.deep.equal([]);
        expect(artifact.hdf5).to.deep.include({ hasModelConfig: true, openedFrom: 'file' });
        expect(artifact.hdf5.keras).to.deep.include({ kerasVersion: '3.15.1', backend: 'torch', configFormat: 'legacy' });
        expect(artifact.hdf5.keras!.objects.length).to.be.greaterThan(5);
        expect(artifact.hdf5.rootAttributes).to.have.members(['backend', 'keras_version', 'model_config', 'training_config']);
      });
    }

    it('a weights-only file has no model config and nothing to report', async () => {
      const artifact = (await analyseFixture('benign/keras/sequential.weights.h5')) as Hdf5Artifact;
      expect(artifact.format).to.equal('hdf5');
      expect(artifact.anomalies).to.deep.equal([]);
      expect(artifact.hdf5.hasModelConfig).to.equal(false);
      expect(artifact.hdf5.objectCount).to.be.greaterThan(5);
    });
  });

  describe('what loading would run', () => {
    it('a Lambda in a keras 3 .h5: critical code, and the .h5 safe_mode note', async () => {
      const artifact = (await analyseFixture('malicious/keras/lambda-getcwd.h5')) as Hdf5Artifact;
      expect(codesIn(artifact)).to.deep.equal([KERAS_CODES.lambda]);
      expect(artifact.anomalies[0].message).to.match(/^loading runs Python bytecode from the file: Lambda layer "lambda_\d+" at model_config config\.layers\[1\]\.config\.function is a marshalled function \(its code uses os, getcwd\); safe_mode does not protect \.h5 files in keras < 3\.11\.3 \(CVE-2025-9905\)/);
    });

    it('a Keras 2 style .h5 (h5py-written model_config, [code, defaults, closure])', async () => {
      const artifact = (await analyseFixture('malicious/keras/keras2-lambda.h5')) as Hdf5Artifact;
      expect(codesIn(artifact)).to.deep.equal([KERAS_CODES.lambda]);
      expect(artifact.anomalies[0].detail).to.deep.include({ form: 'legacy-list', names: ['os', 'getcwd'] });
      expect(artifact.hdf5.keras).to.deep.include({ kerasVersion: '2.12.0', backend: 'tensorflow' });
    });

    it('an HDF5 external link is reported with its target file', async () => {
      const artifact = (await analyseFixture('malicious/keras/external-link.h5')) as Hdf5Artifact;
      expect(codesIn(artifact)).to.deep.equal([KERAS_CODES.h5ExternalLink]);
      expect(artifact.hdf5.externalLinks).to.deep.equal([{ at: '/model_weights/dense', file: '/tmp/modelvet-fixture-nonexistent.h5', target: '/dense' }]);
    });

    it('an .h5 inside an archive is read through a temporary copy, which is removed', async () => {
      const temps = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('modelvet-h5-'));
      const before = new Set(temps());
      const root = await analyseFixture('malicious/keras/lambda-h5-in.zip');
      expect(temps().filter((d) => !before.has(d))).to.deep.equal([]);
      const member = root.children.find((c) => c.format === 'hdf5') as Hdf5Artifact;
      expect(member.path).to.equal('malicious/keras/lambda-h5-in.zip!models/lambda.h5');
      expect(member.hdf5.openedFrom).to.equal('temp-copy');
      expect(codesIn(member)).to.deep.equal([KERAS_CODES.lambda]);
    });

    it('an in-memory HDF5 bigger than the member limit is not opened, and says so', async () => {
      const bytes = fixtureBytes('malicious/keras/lambda.h5');
      const options = { maxDepth: 4, maxMemberBytes: 1000, maxCompressionRatio: 2000, maxArchiveMembers: 10_000, maxJsonBytes: 1 << 20, pickleBudgets: (await import('../../../src/engine/analyse.js')).DEFAULT_ANALYSE_OPTIONS.pickleBudgets };
      const artifact = (await analyseReader(bufferReader(bytes), 'm.h5', 0, options)) as Hdf5Artifact;
      expect(codesIn(artifact)).to.deep.equal([KERAS_CODES.h5NotOpened]);
      expect(artifact.anomalies[0].message).to.match(/^not fully analysed: this \d+-byte HDF5 member is larger than the 1000-byte member limit/);
    });

    it('a model_config larger than the JSON limit is reported, not read', async () => {
      const options = { ...(await import('../../../src/engine/analyse.js')).DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 100 };
      const artifact = (await analyseReader(bufferReader(fixtureBytes('malicious/keras/lambda.h5')), 'm.h5', 0, options)) as Hdf5Artifact;
      expect(codesIn(artifact)).to.include(KERAS_CODES.h5Limit);
      expect(codesIn(artifact)).not.to.include(KERAS_CODES.lambda);
    });
  });

  describe('files libhdf5 cannot read', () => {
    it('a truncated .h5: unreadable, with libhdf5 saying why', async () => {
      const artifact = await analyseFixture('malicious/keras/truncated.h5');
      expect(codesIn(artifact)).to.deep.equal([KERAS_CODES.h5Unreadable]);
      expect(artifact.anomalies[0].message).to.match(/^the HDF5 file cannot be read \(H5F__super_read\(\): truncated file/);
    });

    it('a file on which libhdf5 loops forever is stopped by the time limit, and the next file still reads', async function () {
      this.timeout(30_000);
      const started = Date.now();
      const hung = await readHdf5(`${FIXTURES}malicious/keras/hdf5-loop.h5`, { attributes: ['model_config'], maxAttrBytes: 1 << 20, maxObjects: 1000, timeoutMs: 1500 });
      expect(hung).to.deep.include({ ok: false, timedOut: true });
      expect(Date.now() - started).to.be.lessThan(10_000);
      const next = await readHdf5(`${FIXTURES}benign/keras/sequential.h5`, { attributes: ['keras_version'], maxAttrBytes: 1 << 20, maxObjects: 1000 });
      expect(next.ok).to.equal(true);
      expect(next.ok && next.attributes.keras_version).to.deep.equal({ kind: 'string', value: '3.15.1' });
    });

    it('libhdf5 output never reaches stderr (it writes to fd 2 from wasm)', function () {
      this.timeout(30_000);
      const reader = fileURLToPath(new URL('../../../src/parsers/keras/hdf5-reader.ts', import.meta.url));
      const script = `const { readHdf5 } = await import(${JSON.stringify(pathToFileURL(reader).href)});
        const r = await readHdf5(${JSON.stringify(`${FIXTURES}malicious/keras/truncated.h5`)}, { attributes: [], maxAttrBytes: 1, maxObjects: 1 });
        console.log(JSON.stringify({ ok: r.ok, diag: r.diagnostics.includes('HDF5-DIAG') }));`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 25_000 });
      expect(child.status, child.stderr).to.equal(0);
      expect(JSON.parse(child.stdout.trim())).to.deep.equal({ ok: false, diag: true });
      expect(child.stderr).not.to.include('HDF5');
    });
  });
});
