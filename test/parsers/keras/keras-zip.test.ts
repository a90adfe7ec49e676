import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { claimsKerasZip } from '../../../src/parsers/keras/keras-zip.js';
import { KERAS_CODES } from '../../../src/parsers/keras/codes.js';
import type { Hdf5Artifact, KerasArtifact } from '../../../src/parsers/keras/types.js';
import { scan } from '../../../src/engine/scan.js';
import { SEVERITIES, type Severity } from '../../../src/types.js';
import { analyseFixture, codesIn, FIXTURES } from './helpers.js';
import { contentFindings } from '../../helpers/content-findings.js';

interface Entry {
  file: string;
  kind: 'benign' | 'malicious';
  description: string;
  expect: { minSeverity?: Severity; maxSeverity?: Severity; mentions?: string[] };
}
const MANIFEST = JSON.parse(readFileSync(`${FIXTURES}manifest.keras.json`, 'utf8')) as Entry[];
const rank = (s: Severity): number => SEVERITIES.indexOf(s);

describe('.keras archives', () => {
  it('claims zips with config.json beside metadata.json or the weights', () => {
    expect(claimsKerasZip(['metadata.json', 'config.json', 'model.weights.h5'])).to.equal(true);
    expect(claimsKerasZip(['config.json', 'model.weights.npz'])).to.equal(true);
    expect(claimsKerasZip(['config.json', 'tokenizer.json'])).to.equal(false);
    expect(claimsKerasZip(['metadata.json', 'model.weights.h5'])).to.equal(false);
    expect(claimsKerasZip(['archive/data.pkl', 'archive/version'])).to.equal(false);
  });

  it('a saved model: version, date, model class, members and the weights as an HDF5 child', async () => {
    const artifact = (await analyseFixture('benign/keras/functional.keras')) as KerasArtifact;
    expect(artifact.format).to.equal('keras');
    expect(artifact.anomalies).to.deep.equal([]);
    expect(artifact.keras).to.deep.include({ kerasVersion: '3.15.1', modelClass: 'Functional', configFormat: 'keras3', weights: 'model.weights.h5' });
    expect(artifact.keras.dateSaved).to.match(/^\d{4}-\d{2}-\d{2}@/);
    expect(artifact.keras.members).to.deep.equal(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(artifact.keras.objects.map((o) => o.className)).to.include.members(['Functional', 'LSTM', 'TimeDistributed', 'AUC']);
    const weights = artifact.children as Hdf5Artifact[];
    expect(weights.map((c) => [c.path, c.format, c.hdf5.hasModelConfig, c.hdf5.openedFrom])).to.deep.equal([
      ['benign/keras/functional.keras!model.weights.h5', 'hdf5', false, 'temp-copy'],
    ]);
  });

  it('a weights member over the member limit is only confirmed to be HDF5 (Keras reads only datasets from it)', async () => {
    const { analyseReader, DEFAULT_ANALYSE_OPTIONS } = await import('../../../src/engine/analyse.js');
    const { bufferReader } = await import('../../../src/sources/readers.js');
    const bytes = new Uint8Array(readFileSync(`${FIXTURES}malicious/keras/lambda.keras`));
    const artifact = (await analyseReader(bufferReader(bytes), 'm.keras', 0, { ...DEFAULT_ANALYSE_OPTIONS, maxMemberBytes: 4096 })) as KerasArtifact;
    expect(artifact.keras.weightsInspection).to.equal('signature-only');
    expect(artifact.children).to.deep.equal([]);
    // The config is still read in full: the Lambda is found.
    expect(artifact.anomalies.map((a) => a.code)).to.deep.equal([KERAS_CODES.lambda]);
  });

  it('an extra member is judged by content: a pickle under assets/ is found by the pickle engine', async () => {
    const artifact = await analyseFixture('malicious/keras/assets-pickle.keras');
    const pickle = artifact.children.find((c) => c.path.endsWith('!assets/extra.pkl'));
    expect(pickle?.format).to.equal('pickle');
  });

  it('TorchModuleWrapper: the pickled module in the config becomes a torch child the pickle engine reads', async () => {
    const artifact = await analyseFixture('malicious/keras/torch-module-wrapper.keras');
    expect(codesIn(artifact)).to.include(KERAS_CODES.torchModule);
    const module = artifact.children.find((c) => c.path.includes('!config.json!config.layers[1].config.module'));
    expect(module?.format).to.equal('pytorch-zip');
    expect(module!.children.map((c) => c.format)).to.include('pickle');
  });

  it('two config.json members: both inspected, each under its own path, and the duplicate kept as a zip anomaly', async () => {
    const artifact = await analyseFixture('malicious/keras/duplicate-config.keras');
    expect(artifact.anomalies.map((a) => a.code)).to.include.members(['zip/duplicate-name', KERAS_CODES.lambda]);
    const lambda = artifact.anomalies.find((a) => a.code === KERAS_CODES.lambda)!;
    expect(lambda.message).to.match(/at config\.json#\d+ config\.layers\[1\]\.config\.function/);
  });

  it('config.json that is not JSON is malformed', async () => {
    const artifact = await analyseFixture('malicious/keras/config-not-json.keras');
    expect(artifact.anomalies.map((a) => a.code)).to.deep.equal([KERAS_CODES.badConfig]);
    expect(artifact.anomalies[0].message).to.match(/^config\.json is not valid JSON \(.+\), so Keras cannot load the model/);
  });

  it('a config.json over the JSON limit is reported, not read', async () => {
    const report = await scan({ cwd: FIXTURES, paths: ['benign/keras/sequential.keras'] });
    expect(contentFindings(report.findings)).to.deep.equal([]);
    const { analyseReader, DEFAULT_ANALYSE_OPTIONS } = await import('../../../src/engine/analyse.js');
    const { bufferReader } = await import('../../../src/sources/readers.js');
    const bytes = new Uint8Array(readFileSync(`${FIXTURES}benign/keras/sequential.keras`));
    const artifact = await analyseReader(bufferReader(bytes), 'm.keras', 0, { ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 64 });
    expect(artifact.anomalies.map((a) => a.code)).to.deep.equal([KERAS_CODES.configLimit]);
  });
});

describe('Keras fixtures through scan() (test/fixtures/manifest.keras.json)', () => {
  it('covers both kinds', () => {
    expect(MANIFEST.filter((e) => e.kind === 'benign').length).to.be.greaterThan(4);
    expect(MANIFEST.filter((e) => e.kind === 'malicious').length).to.be.greaterThan(15);
  });

  for (const entry of MANIFEST) {
    it(`${entry.kind} ${entry.file}`, async () => {
      const findings = contentFindings((await scan({ cwd: FIXTURES, paths: [entry.file] })).findings);
      const shown = findings.map((f) => `[${f.severity}] ${f.ruleId} ${f.path}: ${f.message}`).join('\n');
      if (entry.expect.maxSeverity) {
        expect(findings.filter((f) => rank(f.severity) < rank(entry.expect.maxSeverity!)), shown).to.deep.equal([]);
      }
      if (entry.expect.minSeverity) {
        const serious = findings.filter((f) => rank(f.severity) <= rank(entry.expect.minSeverity!));
        expect(serious.length, shown).to.be.greaterThan(0);
        for (const m of entry.expect.mentions ?? []) expect(serious.some((f) => f.message.includes(m)), `${m}:\n${shown}`).to.equal(true);
      }
    });
  }
});
