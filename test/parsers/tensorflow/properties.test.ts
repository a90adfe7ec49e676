/**
 * Truncated and mutated copies of the SavedModel fixtures through the engine and the parser:
 * never an exception, always a SavedModel artifact, and a copy cut short is never silently clean.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { scanSavedModel } from '../../../src/parsers/tensorflow/saved-model.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { mutated } from './mutate.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(`${FIXTURES}${rel}`));
const MODELS = ['benign/tensorflow/module', 'benign/tensorflow/vocab-table', 'malicious/tensorflow/read-file', 'malicious/tensorflow/print-to-file'].map((d) => read(`${d}/saved_model.pb`));
const METADATA = [read('malicious/tensorflow/keras-lambda/keras_metadata.pb')];

describe('tensorflow parser: properties', () => {
  it('never throws on truncated or mutated SavedModels, through the engine and the parser', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(MODELS), async (bytes) => {
        const a = await analyseReader(bufferReader(bytes), 'm/saved_model.pb');
        expect(a.format).to.equal('tf-savedmodel');
        for (const x of a.anomalies) expect(x.code).to.match(/^tensorflow\//);
        const scan = await scanSavedModel(bufferReader(bytes), DEFAULT_ANALYSE_OPTIONS);
        expect(scan.info.ops).to.be.an('array');
      }),
      { numRuns: 120 },
    );
  });

  it('never throws on mutated keras_metadata.pb', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(METADATA), async (bytes) => {
        const a = await analyseReader(bufferReader(bytes), 'm/keras_metadata.pb');
        expect(a.format).to.equal('tf-savedmodel');
      }),
      { numRuns: 80 },
    );
  });

  it('reports every strict prefix of a SavedModel', async () => {
    const full = MODELS[0];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: full.length - 1 }), async (cut) => {
        const a = await analyseReader(bufferReader(full.slice(0, cut)), 'm/saved_model.pb');
        expect(a.anomalies.length, `prefix of ${cut} bytes`).to.be.greaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});
