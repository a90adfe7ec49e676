/** Truncated and mutated archives and compressed streams through the whole engine: always an artifact, never a throw. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { analyseReader, DEFAULT_ANALYSE_OPTIONS } from '../../../src/engine/analyse.js';
import { runRules } from '../../../src/engine/run-rules.js';
import { BUILTIN_RULES } from '../../../src/rules/builtin.js';
import { bufferReader } from '../../../src/sources/readers.js';
import type { Artifact } from '../../../src/types.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const data = (name: string) => new Uint8Array(readFileSync(new URL(`./data/${name}`, import.meta.url)));
const SEEDS = [
  'benign/archive/model.tar.gz', 'benign/archive/model.tar.bz2', 'benign/archive/model.tar.xz', 'benign/archive/logreg.joblib.lz4',
  'benign/archive/logreg.joblib.lzma', 'benign/archive/arrays-compressed.npz', 'malicious/archive/nested.tar.gz',
  'malicious/archive/symlink.tar', 'malicious/archive/traversal.zip', 'malicious/archive/payload.7z', 'malicious/archive/getcwd.joblib.bz2',
].map((name) => [name, fixture(name)] as const).concat(
  ['lzma-solid-encoded-header.7z', 'lzma2.7z', 'bzip2.7z', 'deflate.7z', 'symlinks.7z'].map((name) => [name, data(name)] as const),
);
const OPTIONS = { ...DEFAULT_ANALYSE_OPTIONS, maxMemberBytes: 4 << 20, maxCompressionRatio: 1000, maxArchiveMembers: 50 };
const settings = { rules: BUILTIN_RULES, ruleSettings: {}, settings: { allowedGlobals: [], trustedPublishers: [] } };

const count = (a: Artifact): number => 1 + a.children.reduce((s, c) => s + count(c), 0);

describe('archive fuzzing through analyseReader', () => {
  it('the unmodified seeds analyse without an engine or rule error', async () => {
    for (const [name, bytes] of SEEDS) {
      const a = await analyseReader(bufferReader(bytes), name, 0, OPTIONS);
      expect(count(a), name).to.be.greaterThan(0);
      expect(runRules(a, settings).filter((f) => f.ruleId.startsWith('engine/')), name).to.deep.equal([]);
    }
  });

  it('truncated or mutated copies always give an artifact (and no rule error)', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(SEEDS.length - 1),
        fc.oneof(
          fc.record({ cut: fc.nat() }),
          fc.record({ edits: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }) }),
        ),
        async (which, change) => {
          const [name, seed] = SEEDS[which]!;
          let bytes = Uint8Array.from(seed);
          if ('cut' in change) bytes = bytes.subarray(0, change.cut % (bytes.length + 1));
          else for (const [at, v] of change.edits) bytes[at % bytes.length] = v;
          const a = await analyseReader(bufferReader(bytes), name, 0, OPTIONS);
          expect(a.path).to.equal(name);
          expect(count(a)).to.be.at.most(200);
          expect(runRules(a, settings).filter((f) => f.ruleId === 'engine/rule-error')).to.deep.equal([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('7z header parser fuzzing', () => {
  it('mutated headers (past their CRC) only ever raise SevenZipHeaderError, within bounds', async () => {
    const { readHeader, readEncodedHeader, SevenZipHeaderError, SIGNATURE_HEADER_SIZE } = await import('../../../src/parsers/archive/sevenzip-header.js');
    // The plain (not packed) headers of two p7zip archives: the bytes after the signature header's target.
    const headers = ['lzma2.7z', 'symlinks.7z', 'copy.7z', 'lzma-solid-encoded-header.7z'].map((name) => {
      const b = data(name);
      const view = new DataView(b.buffer, b.byteOffset);
      const off = SIGNATURE_HEADER_SIZE + Number(view.getBigUint64(12, true));
      return b.slice(off, off + Number(view.getBigUint64(20, true)));
    });
    await fc.assert(
      fc.asyncProperty(fc.nat(headers.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), async (which, edits, cut) => {
        const h = Uint8Array.from(headers[which]!);
        for (const [at, v] of edits) h[at % h.length] = v;
        const bytes = h.subarray(0, h.length - (cut % 4));
        try {
          const parsed = bytes[0] === 0x17 ? readEncodedHeader(bytes) : readHeader(bytes);
          expect(parsed).to.be.an('object');
        } catch (err) {
          expect(err, String(err)).to.be.instanceOf(SevenZipHeaderError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
