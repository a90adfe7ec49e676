/**
 * Truncated and mutated copies of the ONNX fixtures through the engine and the parser: never an
 * exception, always an ONNX artifact, and a copy cut short is never silently clean.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { scanOnnxModel } from '../../../src/parsers/onnx/model.js';
import { wireFields, type WireField } from '../../../src/parsers/protobuf/wire.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { mutated } from '../tensorflow/mutate.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function onnxFiles(dir: string): Uint8Array[] {
  return readdirSync(`${FIXTURES}${dir}`).flatMap((f) => {
    const path = `${FIXTURES}${dir}/${f}`;
    if (statSync(path).isDirectory()) return onnxFiles(`${dir}/${f}`);
    return f.endsWith('.onnx') ? [new Uint8Array(readFileSync(path))] : [];
  });
}

const SAMPLES = [...onnxFiles('benign/onnx'), ...onnxFiles('malicious/onnx')];

describe('onnx parser: properties', () => {
  it('has fixtures to mutate', () => expect(SAMPLES.length).to.be.greaterThan(8));

  it('never throws on truncated or mutated models, through the engine and the parser', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(SAMPLES), async (bytes) => {
        const a = await analyseReader(bufferReader(bytes), 'm.onnx');
        expect(a.format).to.equal('onnx');
        for (const x of a.anomalies) expect(x.code).to.match(/^onnx\//);
        const scan = await scanOnnxModel(bufferReader(bytes), DEFAULT_ANALYSE_OPTIONS);
        expect(scan.info.operators).to.be.an('array');
      }),
      { numRuns: 150 },
    );
  });

  it('reports every copy cut inside its graph', async () => {
    // A protobuf cut between two top-level fields is a valid shorter message; one cut inside a field is not.
    const full = new Uint8Array(readFileSync(`${FIXTURES}benign/onnx/tiny-mlp.onnx`));
    let graph: WireField | undefined;
    for await (const f of wireFields(bufferReader(full), 0, full.length)) if (f.field === 7) graph = f;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: graph!.offset + 1, max: graph!.end - 1 }), async (cut) => {
        const a = await analyseReader(bufferReader(full.slice(0, cut)), 'm.onnx');
        expect(a.anomalies.length, `prefix of ${cut} bytes`).to.be.greaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});
