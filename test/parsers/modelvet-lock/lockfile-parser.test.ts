import { expect } from 'chai';
import fc from 'fast-check';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import type { AnalyseContext } from '../../../src/engine/format-handler.js';
import { serialiseLockfile } from '../../../src/integrity/lockfile.js';
import type { Lockfile } from '../../../src/integrity/types.js';
import { parseModelvetLock } from '../../../src/parsers/modelvet-lock/parse.js';
import type { ModelvetLockArtifact } from '../../../src/parsers/modelvet-lock/types.js';
import { bufferReader } from '../../../src/sources/readers.js';

const COMMIT = 'a'.repeat(40);
const LOCK: Lockfile = {
  lockfileVersion: 1,
  models: [
    { source: { type: 'hf', repo: 'org/model', repoType: 'model', revision: 'main', commit: COMMIT }, files: [{ path: 'model.safetensors', size: 10, sha256: 'b'.repeat(64), from: 'hub-lfs' }] },
    { source: { type: 'hf', repo: 'org/data', repoType: 'dataset', revision: 'v1', commit: COMMIT }, files: [] },
    { source: { type: 'local', path: 'models/x' }, files: [{ path: 'w.bin', size: 1, sha256: 'c'.repeat(64), from: 'local' }] },
  ],
};
const GOOD = new TextEncoder().encode(serialiseLockfile(LOCK));

const analyse = (bytes: Uint8Array, name = 'modelvet.lock.json') => analyseReader(bufferReader(bytes), `project/${name}`);

function context(options = DEFAULT_ANALYSE_OPTIONS): AnalyseContext {
  return {
    path: 'modelvet.lock.json',
    name: 'modelvet.lock.json',
    depth: 0,
    options,
    analyseChild: () => Promise.reject(new Error('no children')),
    analysePickle: () => Promise.reject(new Error('no pickles')),
  };
}

describe('modelvet-lock parser', () => {
  it('reads a lockfile found by its name; Hub entries become model references recorded at their commit', async () => {
    const artifact = (await analyse(GOOD)) as ModelvetLockArtifact;
    expect(artifact.format).to.equal('modelvet-lock');
    expect(artifact.anomalies).to.deep.equal([]);
    expect(artifact.lock).to.deep.equal(JSON.parse(serialiseLockfile(LOCK)));
    expect(artifact.modelRefs).to.deep.equal([
      { repo: 'org/data', repoType: 'dataset', revision: { kind: 'literal', value: COMMIT }, use: 'record', via: 'modelvet.lock.json' },
      { repo: 'org/model', repoType: 'model', revision: { kind: 'literal', value: COMMIT }, use: 'record', via: 'modelvet.lock.json' },
    ]);
  });

  it('the same bytes under another name are not a lockfile', async () => {
    expect((await analyse(GOOD, 'other.json')).format).not.to.equal('modelvet-lock');
  });

  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{ "lockfileVersion": 1, <<<<<<< HEAD', /not valid JSON/],
    ['invalid UTF-8', '\u00ff', /not valid JSON/],
    ['a schema error', '{"lockfileVersion":1,"models":[{"source":{"type":"local","path":"/abs"},"files":[]}]}', /does not match its schema \(\/models\/0\/source\/path/],
    ['prototype keys', '{"lockfileVersion":1,"models":[],"__proto__":{"x":1}}', /unknown property '__proto__'/],
  ];
  for (const [name, text, pattern] of bad) {
    it(`${name} → lock/malformed`, async () => {
      const bytes = name === 'invalid UTF-8' ? new Uint8Array([0x7b, 0xff, 0x7d]) : new TextEncoder().encode(text);
      const artifact = (await analyse(bytes)) as ModelvetLockArtifact;
      expect(artifact.format).to.equal('modelvet-lock');
      expect(artifact.lock).to.equal(undefined);
      expect(artifact.anomalies.map((a) => a.code)).to.deep.equal(['lock/malformed']);
      expect(artifact.anomalies[0]!.message).to.match(pattern);
    });
  }

  it('a lockfile over the JSON limit is not read, and says so', async () => {
    const artifact = await parseModelvetLock(bufferReader(GOOD), context({ ...DEFAULT_ANALYSE_OPTIONS, maxJsonBytes: 100 }));
    expect(artifact.anomalies.map((a) => a.code)).to.deep.equal(['lock/malformed']);
    expect(artifact.anomalies[0]!.message).to.match(/over the 100-byte JSON limit/);
  });

  it('property: truncated and mutated lockfiles never throw, always give an artifact, and never pass as valid unless they are', async function () {
    this.timeout(20_000);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: GOOD.length }),
        fc.array(fc.tuple(fc.nat({ max: GOOD.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        async (cut, edits) => {
          const bytes = GOOD.slice(0, cut === 0 ? GOOD.length : cut);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          const viaEngine = await analyse(bytes);
          expect(viaEngine.path).to.equal('project/modelvet.lock.json');
          // Bytes that turned into another format's magic (a pickle opcode at byte 0) are read as that format: by content first.
          const readings = viaEngine.format === 'modelvet-lock' ? [viaEngine] : [];
          for (const artifact of [...readings, await parseModelvetLock(bufferReader(bytes), context())]) {
            expect(artifact.format).to.equal('modelvet-lock');
            const lock = (artifact as ModelvetLockArtifact).lock;
            // Either a lockfile that passed the schema, or an anomaly saying why not: never both, never neither.
            expect(lock === undefined).to.equal(artifact.anomalies.length === 1);
            if (lock) expect(lock.lockfileVersion).to.equal(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
