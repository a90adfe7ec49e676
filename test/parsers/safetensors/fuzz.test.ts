/**
 * Truncated, mutated and generated copies of the fixtures through the engine and the parser:
 * never an exception, always an artifact, and a broken file is never silently clean.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { analyseReader } from '../../../src/engine/analyse.js';
import { firstInvalidUtf8 } from '../../../src/parsers/safetensors/utf8.js';
import { bufferReader, fileReader } from '../../../src/sources/readers.js';
import { mutated } from '../tensorflow/mutate.js';
import { parse, stFile } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const files = (dir: string) => readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.safetensors')).map((f) => new Uint8Array(readFileSync(`${FIXTURES}${dir}/${f}`)));
const SAMPLES = [...files('benign/safetensors'), ...files('benign/safetensors/tiny-bert'), ...files('malicious/safetensors')];
const INDEX = new Uint8Array(readFileSync(`${FIXTURES}benign/safetensors/tiny-bert/model.safetensors.index.json`));


const FORMATS = ['safetensors', 'safetensors-index', 'unknown', 'pickle', 'zip', 'compressed', 'tar', 'numpy'];

describe('safetensors under hostile input (property)', () => {
  it('mutated files: the engine and the parser always return, and a file reported clean is exactly covered by its tensors', async () => {
    const original = new Set(SAMPLES.map((s) => Buffer.from(s).toString('base64')));
    await fc.assert(
      fc.asyncProperty(mutated(SAMPLES), async (bytes) => {
        const artifact = await analyseReader(bufferReader(bytes), 'model.safetensors');
        expect(FORMATS).to.include(artifact.format);
        expect(artifact.anomalies).to.be.an('array');
        const r = await parse(bytes);
        expect(r.info.tensors).to.be.an('array');
        // A cut that removes data bytes can never leave a valid file (the offsets cover them all).
        if (r.anomalies.length === 0 && !original.has(Buffer.from(bytes).toString('base64'))) {
          const total = r.info.tensors.reduce((n, x) => Math.max(n, x.end), 0);
          expect(8 + r.info.headerLength + total).to.equal(bytes.length);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('generated JSON as a header: never throws, anything but a tensor object is reported', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.nat({ max: 64 }), async (value, dataLength) => {
        const r = await parse(stFile(JSON.stringify(value) ?? 'null', dataLength));
        const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
        if (!isObject) expect(r.anomalies.length).to.be.greaterThan(0);
        if (isObject && Object.keys(value).length === 0) expect(r.anomalies.length === 0).to.equal(dataLength === 0);
      }),
      { numRuns: 150 },
    );
  });

  it('mutated indexes beside real shards: always an artifact, no exception', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelvet-stfuzz-'));
    try {
      cpSync(`${FIXTURES}benign/safetensors/tiny-bert`, dir, { recursive: true });
      const path = join(dir, 'model.safetensors.index.json');
      await fc.assert(
        fc.asyncProperty(mutated([INDEX]), async (bytes) => {
          writeFileSync(path, bytes);
          const reader = await fileReader(path);
          try {
            const artifact = await analyseReader(reader, 'model.safetensors.index.json', 0, undefined, { file: { absolutePath: path } });
            expect(artifact.format).to.equal('safetensors-index');
            expect(artifact.anomalies).to.be.an('array');
          } finally {
            await reader.close();
          }
        }),
        { numRuns: 100 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('locates invalid UTF-8 exactly where node:buffer finds it invalid', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      // Valid text with multi-byte characters (surrogate code points excluded: TextEncoder would replace them).
      fc.array(fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff), { maxLength: 8 }).map((cps) => new TextEncoder().encode(String.fromCodePoint(...cps))),
      fc.tuple(fc.string({ maxLength: 6 }), fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => b.map((x) => 0x80 | x))).map(([x, tail]) => new Uint8Array([...new TextEncoder().encode(x), ...tail])),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const at = firstInvalidUtf8(b);
        expect(at === -1, `at ${at}`).to.equal(isUtf8(b));
        if (at >= 0) {
          expect(isUtf8(b.subarray(0, at))).to.equal(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
