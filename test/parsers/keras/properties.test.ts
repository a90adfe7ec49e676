/**
 * Hostile input, generated: mutated configs through the inspector, and truncated or mutated
 * .keras and .h5 files through the engine (h5wasm runs in its worker). Never an exception,
 * always an artifact, never a hang; a cut-short file is never silently clean.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { inspectKerasConfig } from '../../../src/parsers/keras/config.js';
import { HDF5_READER_SETTINGS } from '../../../src/parsers/keras/hdf5-reader.js';
import { analyseReader } from '../../../src/engine/analyse.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';
import { clone, codesIn, fixtureBytes, kerasConfig } from './helpers.js';

const KERAS_FILES = ['benign/keras/sequential.keras', 'malicious/keras/lambda-getcwd.keras', 'malicious/keras/torch-module-wrapper.keras'];
const H5_FILES = ['benign/keras/sequential.h5', 'malicious/keras/lambda-getcwd.h5', 'malicious/keras/keras2-lambda.h5'];
const FORMATS = ['keras', 'hdf5', 'zip', 'unknown', 'pickle', 'compressed', 'tar', 'numpy', 'pytorch-zip'];

/** A copy cut short, or with a few bytes overwritten. */
const mutated = (sources: Uint8Array[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: sources.length - 1 }),
      fc.oneof(
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }) }),
      ),
    )
    .map(([i, m]) => {
      const src = sources[i]!;
      if (m.kind === 'truncate') return { bytes: src.slice(0, m.at % src.length), truncated: true };
      const out = src.slice();
      // Mostly the first 8 KiB, where the zip and HDF5 structures and the configs are.
      for (const [pos, byte] of m.edits) out[pos % Math.min(out.length, pos % 3 === 0 ? out.length : 8192)] = byte;
      return { bytes: out, truncated: false };
    });

/** Every path in a JSON value, to overwrite one. */
function paths(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return root;
}

async function analyse(bytes: Uint8Array, name: string): Promise<Artifact> {
  const started = Date.now();
  const artifact = await analyseReader(bufferReader(bytes), name);
  expect(Date.now() - started).to.be.lessThan(HDF5_READER_SETTINGS.timeoutMs + 5000);
  expect(FORMATS).to.include(artifact.format);
  return artifact;
}

describe('Keras under hostile input (property)', function () {
  this.timeout(60_000);
  const saved = HDF5_READER_SETTINGS.timeoutMs;
  before(() => {
    // A mutated file that makes libhdf5 loop costs the whole limit: keep it short here.
    HDF5_READER_SETTINGS.timeoutMs = 1500;
  });
  after(() => {
    HDF5_READER_SETTINGS.timeoutMs = saved;
  });

  it('mutated configs: the inspector always returns, within its caps', async () => {
    const configs = await Promise.all(KERAS_FILES.map(kerasConfig));
    const interesting = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.constantFrom('function', '__lambda__', 'Lambda', 'TFSMLayer', 'TorchModuleWrapper', 'os', 'builtins', 'keras.utils', 'get_file', '__proto__', 'constructor', null, [], {}),
      fc.record({ class_name: fc.constantFrom('function', '__lambda__', 'Lambda', 'StringLookup', 'X'), module: fc.option(fc.string()), config: fc.jsonValue({ maxDepth: 3 }), registered_name: fc.option(fc.string()) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: configs.length - 1 }), fc.array(fc.tuple(fc.nat(), interesting), { minLength: 1, maxLength: 5 }), (i, edits) => {
        let config: unknown = clone(configs[i]);
        for (const [at, value] of edits) {
          const all = paths(config);
          config = setAt(config, all[at % all.length]!, value);
        }
        const result = inspectKerasConfig(config, 'config.json');
        expect(result.objects).to.be.an('array');
        expect(result.anomalies).to.be.an('array');
        for (const a of result.anomalies) expect(a.code).to.match(/^keras\//);
      }),
      { numRuns: 200 },
    );
  });

  it('truncated and mutated .keras files: always an artifact, a cut-short archive never clean', async () => {
    const sources = KERAS_FILES.map(fixtureBytes);
    await fc.assert(
      fc.asyncProperty(mutated(sources), async ({ bytes, truncated }) => {
        const artifact = await analyse(bytes, 'model.keras');
        // A stub too short for any magic is `unknown` (listed by format/unrecognized); anything recognised as a zip is not clean.
        if (truncated && artifact.format !== 'unknown') expect(codesIn(artifact).length, 'a truncated .keras reported clean').to.be.greaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it('truncated and mutated .h5 files: always an artifact, never a hang; a cut-short file is never clean', async () => {
    const sources = H5_FILES.map(fixtureBytes);
    await fc.assert(
      fc.asyncProperty(mutated(sources), async ({ bytes, truncated }) => {
        const artifact = await analyse(bytes, 'model.h5');
        if (truncated && artifact.format !== 'unknown') expect(codesIn(artifact).length, 'a truncated .h5 reported clean').to.be.greaterThan(0);
      }),
      { numRuns: 60 },
    );
  });
});
