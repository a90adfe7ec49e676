import { expect } from 'chai';
import fc from 'fast-check';
import { bufferReader } from '../../../src/sources/readers.js';
import { checkCrc, openMemberChecked, readZipDirectory, ZipMemberError } from '../../../src/parsers/zip/index.js';
import { buildZip } from './helpers/zip-writer.js';

const sample = buildZip([
  { name: 'archive/data.pkl', data: '\x80\x02}q\x00.', method: 8 },
  { name: 'archive/byteorder', data: 'little' },
  { name: 'archive/data/0', data: new Uint8Array(48) },
  { name: 'archive/version', data: '3\n', zip64: true },
], { comment: 'c', zip64: true });

/** Parsing must never throw, never report an internal error, and always explain damage. */
async function exercise(bytes: Uint8Array): Promise<void> {
  const reader = bufferReader(bytes);
  const dir = await readZipDirectory(reader);
  expect(dir.anomalies.map((a) => a.code)).not.to.include('zip/parse-error');
  for (const a of dir.anomalies) expect(a.detail, a.code).to.be.an('object');
  for (const entry of dir.entries.slice(0, 8)) {
    try {
      await openMemberChecked(reader, entry, { maxBytes: 1 << 16 });
      await checkCrc(reader, entry, { maxBytes: 1 << 16 });
    } catch (err) {
      expect(err).to.be.instanceOf(ZipMemberError);
    }
  }
}

describe('zip fuzzing', () => {
  it('every truncation of a valid archive yields anomalies, never a throw', async () => {
    for (let cut = 0; cut < sample.length; cut++) {
      const bytes = sample.subarray(0, cut);
      await exercise(bytes);
      const dir = await readZipDirectory(bufferReader(bytes));
      expect(dir.anomalies.length, `cut at ${cut}`).to.be.greaterThan(0);
    }
  });

  it('random bit flips never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const bytes = sample.slice();
        for (const [at, bit] of flips) bytes[at]! ^= 1 << bit;
        await exercise(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes overwritten in the tail never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(120), fc.uint8Array({ minLength: 1, maxLength: 24 }), async (fromEnd, patch) => {
        const bytes = sample.slice();
        bytes.set(patch.subarray(0, Math.min(patch.length, fromEnd + 1)), Math.max(0, bytes.length - 1 - fromEnd));
        await exercise(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary bytes never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await exercise(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
