import { expect } from 'chai';
import fc from 'fast-check';
import { CatFile } from '../../src/git/cat-file.js';
import { PullReader } from '../../src/git/pull-reader.js';
import { makeRepo, removeRepos } from './git-repo.js';

async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    if (cut > at) yield bytes.subarray(at, cut);
    at = Math.max(at, cut);
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

describe('git cat-file --batch reading', () => {
  after(removeRepos);

  it('PullReader: headers and bodies come out whole however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), async (bodies, cuts) => {
        const stream = Buffer.concat(bodies.flatMap((b, i) => [Buffer.from(`obj${i} blob ${b.length}\n`), Buffer.from(b), Buffer.from('\n')]));
        const reader = new PullReader(chunked(stream, cuts));
        for (const [i, body] of bodies.entries()) {
          expect(await reader.line(64)).to.equal(`obj${i} blob ${body.length}`);
          const got: Buffer[] = [];
          expect(await reader.take(body.length + 1, (c) => void got.push(Buffer.from(c)))).to.equal(true);
          expect(Buffer.concat(got).equals(Buffer.concat([Buffer.from(body), Buffer.from('\n')]))).to.equal(true);
        }
        expect(await reader.line(64)).to.equal(undefined);
        expect(await reader.take(1, () => undefined)).to.equal(false);
      }),
      { numRuns: 150 },
    );
  });

  it('PullReader: a header longer than allowed throws instead of growing', async () => {
    const reader = new PullReader(chunked(Buffer.alloc(10_000, 0x61), [100, 200, 5000]));
    let error: unknown;
    await reader.line(512).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('line longer than 512 bytes');
  });

  it('answers in order for blobs, a missing object and a tree, staying in step', async () => {
    const repo = makeRepo();
    repo.write('a.txt', 'alpha');
    repo.write('dir/b.txt', 'bravo!');
    repo.add('.');
    repo.commit();
    const blobA = repo.indexBlob('a.txt');
    const blobB = repo.indexBlob('dir/b.txt');
    const tree = repo.git(['rev-parse', 'HEAD^{tree}']).toString('utf8').trim();
    const missing = 'f'.repeat(40);

    const git = new CatFile(repo.root);
    try {
      const read = async (oid: string): Promise<string> => {
        const header = await git.request(oid);
        if (header.kind !== 'blob') return header.reason;
        const parts: Buffer[] = [];
        expect(await git.body(header.size, (c) => void parts.push(Buffer.from(c)))).to.equal(true);
        return Buffer.concat(parts).toString('utf8');
      };
      expect(await read(blobA)).to.equal('alpha');
      expect(await read(missing)).to.equal(`git has no object ${missing} (missing)`);
      expect(await read(tree)).to.equal(`object ${tree} is a tree, not a file's content`);
      expect(await read(blobB)).to.equal('bravo!');
      expect(await read('not-an-oid')).to.equal('not an object id: not-an-oid');
    } finally {
      await git.close();
    }
  });

  it('after git is gone, every request is refused with a reason, never a hang', async () => {
    const repo = makeRepo();
    repo.write('a.txt', 'alpha');
    repo.add('a.txt');
    const git = new CatFile(repo.root);
    await git.close();
    const header = await git.request(repo.indexBlob('a.txt'));
    expect(header).to.deep.equal({ kind: 'unavailable', reason: 'git cat-file stopped' });
  });
});
