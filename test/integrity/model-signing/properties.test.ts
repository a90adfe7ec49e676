/**
 * Truncated and mutated signature files, and signed statements with arbitrary values in every
 * field: never an exception, always a model-signature artifact, only signing anomalies.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { analyseReader } from '../../../src/engine/analyse.js';
import { readSigningBytes } from '../../../src/integrity/model-signing/read.js';
import type { ModelSignatureArtifact } from '../../../src/parsers/model-signature/types.js';
import { bufferReader } from '../../../src/sources/readers.js';
import { mutated } from '../../parsers/tensorflow/mutate.js';
import { FIXTURES, fixture, KEY, resource, signedBundle, statement } from './helpers.js';

const SAMPLES = readdirSync(FIXTURES)
  .filter((d) => !['keys', 'ca'].includes(d))
  .map((d) => new Uint8Array(readFileSync(fixture(`${d}/model.sig`))));

const TRUST = [{}, { publicKeyPath: KEY }, { trustedRootPath: fixture('ca/pki-trusted-root.json'), identity: 'ml-team@example.com' }];

async function readsCleanly(bytes: Uint8Array): Promise<void> {
  const a = (await analyseReader(bufferReader(bytes), 'm/model.sig')) as ModelSignatureArtifact;
  expect(a.format).to.equal('model-signature');
  for (const x of a.anomalies) expect(x.code).to.match(/^signing\//);
  expect(['verified', 'unverified', 'invalid']).to.include(a.signature.status);
  for (const options of TRUST) {
    const { manifest } = await readSigningBytes(bytes, 'm/model.sig', '/m', options);
    for (const f of manifest.files) expect(f.path).to.not.match(/(^|\/)\.\.(\/|$)|^\//);
  }
}

describe('model-signing: properties', () => {
  it('has fixtures to mutate', () => expect(SAMPLES.length).to.equal(8));

  it('never throws on truncated or mutated signature files', async () => {
    await fc.assert(fc.asyncProperty(mutated(SAMPLES), readsCleanly), { numRuns: 120 });
  });

  // A CI run found a certificate whose mutated extension the sigstore parser only rejects when read.
  it('replays the lazily-decoded certificate counterexample', async () => {
    await fc.assert(fc.asyncProperty(mutated(SAMPLES), readsCleanly), {
      seed: 1538691450,
      path: '50:37:34:35:34:34:34:34:34:34:34:34:35:34:34:34:34:35:34:34:34:35:35:35:35:34:41:36',
      endOnFailure: true,
    });
  });

  it('never throws on signed statements with arbitrary values in any field', async () => {
    const base = statement([resource('a.bin'), resource('b.bin')]) as Record<string, any>;
    const paths: Array<(s: Record<string, any>, v: unknown) => void> = [
      (s, v) => (s.subject = v),
      (s, v) => (s.subject[0].digest = v),
      (s, v) => (s.predicate = v),
      (s, v) => (s.predicate.serialization = v),
      (s, v) => (s.predicate.serialization.method = v),
      (s, v) => (s.predicate.serialization.ignore_paths = v),
      (s, v) => (s.predicate.resources = v),
      (s, v) => (s.predicate.resources[0] = v),
      (s, v) => (s.predicate.resources[1].name = v),
      (s, v) => (s.predicate.resources[1].digest = v),
      (s, v) => (s.predicate.resources[1].algorithm = v),
      (s, v) => (s.predicateType = v),
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: paths.length - 1 }), fc.anything(), async (i, value) => {
        const s = structuredClone(base);
        paths[i]!(s, value);
        await readsCleanly(signedBundle(s));
      }),
      { numRuns: 150 },
    );
  });
});
