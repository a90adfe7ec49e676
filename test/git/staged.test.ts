import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyseReader } from '../../src/engine/analyse.js';
import { collectStagedTargets, type StagedCollection, type StagedOptions } from '../../src/git/staged.js';
import type { PickleArtifact } from '../../src/parsers/pickle/types.js';
import { fileReader } from '../../src/sources/readers.js';
import { UsageError } from '../../src/util/errors.js';
import { CLEAN_PICKLE, GETCWD_PICKLE, lfsPointer, makeRepo, removeRepos, sha256, type TestRepo } from './git-repo.js';

/** Globals the pickle in a file imports, as the analyser reads it under the file's staged name. */
async function pickleImports(absPath: string, displayPath: string): Promise<string[]> {
  const reader = await fileReader(absPath);
  try {
    const artifact = (await analyseReader(reader, displayPath)) as PickleArtifact;
    expect(artifact.format).to.equal('pickle');
    return artifact.pickle.imports.map((i) => `${i.module}.${i.name}`);
  } finally {
    await reader.close();
  }
}

const tempCopies = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('modelvet-staged-'));

describe('git staged collection (scan --staged)', () => {
  const saved: Record<string, string | undefined> = {};
  const isolated = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const open: StagedCollection[] = [];

  async function collect(cwd: string, paths: string[] = [], options: StagedOptions = {}): Promise<StagedCollection> {
    const collection = await collectStagedTargets(cwd, paths, options);
    open.push(collection);
    return collection;
  }

  before(() => {
    // collectStagedTargets inherits the environment (a hook's GIT_INDEX_FILE): keep this machine's git configuration out.
    for (const [k, v] of Object.entries(isolated)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.cleanup();
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    removeRepos();
  });

  describe('the index, not the work tree', () => {
    it('gives the staged pickle that would call os.getcwd when the work tree holds a clean one', async () => {
      const repo = makeRepo();
      repo.write('models/model.pkl', GETCWD_PICKLE);
      repo.add('models/model.pkl');
      repo.write('models/model.pkl', CLEAN_PICKLE);

      const { files, problems } = await collect(repo.root);
      expect(problems).to.deep.equal([]);
      expect(files.map((f) => [f.path, f.displayPath])).to.deep.equal([['models/model.pkl', 'models/model.pkl']]);
      expect(readFileSync(files[0].absPath).equals(GETCWD_PICKLE)).to.equal(true);
      expect(files[0].size).to.equal(GETCWD_PICKLE.length);
      expect(files[0].sha256).to.equal(sha256(GETCWD_PICKLE));
      expect(files[0].blobId).to.equal(repo.indexBlob('models/model.pkl'));
      expect(await pickleImports(files[0].absPath, files[0].displayPath)).to.deep.equal(['os.getcwd']);
    });

    it('gives the clean staged pickle when the work tree holds one that would call os.getcwd', async () => {
      const repo = makeRepo();
      repo.write('model.pkl', CLEAN_PICKLE);
      repo.add('model.pkl');
      repo.write('model.pkl', GETCWD_PICKLE);

      const { files } = await collect(repo.root);
      expect(readFileSync(files[0].absPath).equals(CLEAN_PICKLE)).to.equal(true);
      expect(await pickleImports(files[0].absPath, files[0].displayPath)).to.deep.equal([]);
    });

    it('leaves out files that are only changed or new in the work tree, and committed files left alone', async () => {
      const repo = makeRepo();
      repo.write('kept.bin', 'committed');
      repo.write('edited.bin', 'committed');
      repo.add('kept.bin', 'edited.bin');
      repo.commit();
      repo.write('edited.bin', 'edited but not staged');
      repo.write('untracked.pkl', GETCWD_PICKLE);
      repo.write('staged.bin', 'staged');
      repo.add('staged.bin');

      const { files, problems } = await collect(repo.root);
      expect(files.map((f) => f.path)).to.deep.equal(['staged.bin']);
      expect(problems).to.deep.equal([]);
    });

    it('reads the index git names in GIT_INDEX_FILE, as a pre-commit hook of `git commit <paths>` must', async () => {
      const repo = makeRepo();
      repo.write('a.pkl', CLEAN_PICKLE);
      repo.add('a.pkl');
      const alternate = join(repo.root, '.git', 'alternate-index');
      repo.write('a.pkl', GETCWD_PICKLE);
      repo.git(['add', 'a.pkl'], { env: { GIT_INDEX_FILE: alternate } });

      const before = process.env.GIT_INDEX_FILE;
      process.env.GIT_INDEX_FILE = alternate;
      try {
        const { files } = await collect(repo.root);
        expect(readFileSync(files[0].absPath).equals(GETCWD_PICKLE)).to.equal(true);
      } finally {
        if (before === undefined) delete process.env.GIT_INDEX_FILE;
        else process.env.GIT_INDEX_FILE = before;
      }
      const { files } = await collect(repo.root);
      expect(readFileSync(files[0].absPath).equals(CLEAN_PICKLE)).to.equal(true);
    });
  });

  describe('which entries', () => {
    it('skips deletions and gives a renamed file under its new name', async () => {
      const repo = makeRepo();
      repo.write('old.bin', 'old');
      repo.write('gone.bin', 'gone');
      repo.write('same.bin', 'same');
      repo.add('.');
      repo.commit();
      mkdirSync(join(repo.root, 'renamed'));
      repo.git(['mv', 'old.bin', 'renamed/new.bin']);
      repo.git(['rm', '-q', 'gone.bin']);
      repo.write('same.bin', 'modified');
      repo.add('same.bin');

      const { files, problems } = await collect(repo.root);
      expect(files.map((f) => f.path)).to.deep.equal(['renamed/new.bin', 'same.bin']);
      expect(readFileSync(files[0].absPath, 'utf8')).to.equal('old');
      expect(readFileSync(files[1].absPath, 'utf8')).to.equal('modified');
      expect(problems).to.deep.equal([]);
    });

    it('keeps paths with spaces and non-ASCII letters exact, and the copy keeps the base name', async () => {
      const repo = makeRepo();
      const path = 'my models/Gewichte ü 模型 (v2).safetensors';
      repo.write(path, 'x');
      repo.add(path);

      const { files } = await collect(repo.root);
      expect(files.map((f) => [f.path, f.displayPath])).to.deep.equal([[path, path]]);
      expect(files[0].absPath.endsWith('/Gewichte ü 模型 (v2).safetensors')).to.equal(true);
      expect(readFileSync(files[0].absPath, 'utf8')).to.equal('x');
    });

    it('limits the collection to the given paths, read literally (no glob) from cwd', async () => {
      const repo = makeRepo();
      repo.write('models/a.bin', 'a');
      repo.write('models/[ab].bin', 'literal');
      repo.write('other/c.bin', 'c');
      repo.add('.');

      expect((await collect(repo.root, ['models'])).files.map((f) => f.path)).to.deep.equal(['models/[ab].bin', 'models/a.bin']);
      expect((await collect(repo.root, ['models/[ab].bin'])).files.map((f) => f.path)).to.deep.equal(['models/[ab].bin']);
      expect((await collect(join(repo.root, 'models'), ['../other/c.bin'])).files.map((f) => f.displayPath)).to.deep.equal([join(repo.root, 'other', 'c.bin')]);
    });

    it('reads no content of entries the caller does not select', async () => {
      const repo = makeRepo();
      repo.write('model.pkl', GETCWD_PICKLE);
      repo.write('notes.md', 'text');
      repo.write('missing.safetensors', lfsPointer(sha256('absent'), 10));
      repo.add('.');

      const { files, problems } = await collect(repo.root, [], { select: (path) => path.endsWith('.pkl') });
      expect(files.map((f) => f.path)).to.deep.equal(['model.pkl']);
      expect(problems).to.deep.equal([]);
    });

    it('from a sub-folder: everything staged by default, shown relative to cwd (absolute outside it)', async () => {
      const repo = makeRepo();
      repo.write('models/a.bin', 'a');
      repo.write('top.bin', 't');
      repo.add('.');

      const { files } = await collect(join(repo.root, 'models'));
      expect(files.map((f) => [f.path, f.displayPath])).to.deep.equal([
        ['models/a.bin', 'a.bin'],
        ['top.bin', join(repo.root, 'top.bin')],
      ]);
      const only = await collect(join(repo.root, 'models'), ['a.bin']);
      expect(only.files.map((f) => f.path)).to.deep.equal(['models/a.bin']);
    });

    it('skips a submodule entry', async () => {
      const repo = makeRepo();
      repo.write('a.bin', 'a');
      repo.add('a.bin');
      repo.commit();
      const commit = repo.git(['rev-parse', 'HEAD']).toString('utf8').trim();
      repo.git(['update-index', '--add', '--cacheinfo', `160000,${commit},vendor/sub`]);
      repo.write('b.bin', 'b');
      repo.add('b.bin');

      expect(repo.git(['ls-files', '--stage', 'vendor/sub']).toString('utf8')).to.match(/^160000 /);
      const { files, problems } = await collect(repo.root);
      expect(files.map((f) => f.path)).to.deep.equal(['b.bin']);
      expect(problems).to.deep.equal([]);
    });

    it('skips a staged link inside the work tree and reports one that leads out of it', async () => {
      const repo = makeRepo();
      repo.write('weights/real.bin', 'real');
      symlinkSync('real.bin', join(repo.root, 'weights', 'inside.bin'));
      symlinkSync('../../../etc/hosts', join(repo.root, 'weights', 'escape.bin'));
      symlinkSync('/etc/hosts', join(repo.root, 'absolute.bin'));
      repo.add('.');

      const { files, problems } = await collect(repo.root);
      expect(files.map((f) => f.path)).to.deep.equal(['weights/real.bin']);
      expect(problems.map((p) => [p.displayPath, p.code, p.linkTarget])).to.deep.equal([
        ['absolute.bin', 'source/symlink-escape', '/etc/hosts'],
        ['weights/escape.bin', 'source/symlink-escape', '../../../etc/hosts'],
      ]);
      expect(problems[1].message).to.equal('the staged symbolic link leads out of the repository to ../../../etc/hosts: a checkout makes it point there');
    });

    it('reports an unresolved merge conflict instead of passing over it', async () => {
      const repo = makeRepo();
      repo.write('model.pkl', CLEAN_PICKLE);
      repo.add('model.pkl');
      repo.commit('base');
      repo.git(['checkout', '-q', '-b', 'other']);
      repo.write('model.pkl', GETCWD_PICKLE);
      repo.git(['commit', '-q', '-am', 'other']);
      repo.git(['checkout', '-q', 'main']);
      repo.write('model.pkl', Buffer.from([0x80, 0x02, 0x5d, 0x2e]));
      repo.git(['commit', '-q', '-am', 'main']);
      expect(() => repo.git(['merge', '-q', 'other'])).to.throw();

      const { files, problems } = await collect(repo.root);
      expect(files).to.deep.equal([]);
      expect(problems).to.deep.equal([
        {
          displayPath: 'model.pkl',
          code: 'source/staged-unreadable',
          message: 'the index holds an unresolved merge conflict here, so nothing staged could be checked; resolve it and `git add` the file',
        },
      ]);
    });

    it('returns nothing when nothing is staged', async () => {
      const repo = makeRepo();
      repo.write('a.bin', 'a');
      const c = await collect(repo.root);
      expect(c.files).to.deep.equal([]);
      expect(c.problems).to.deep.equal([]);
    });
  });

  describe('content', () => {
    it('streams a blob of a few MB into a private read-only copy equal to git cat-file output', async () => {
      const repo = makeRepo();
      const bytes = randomBytes(5 * 1024 * 1024 + 17);
      repo.write('big/weights.bin', bytes);
      repo.add('big/weights.bin');
      repo.write('big/weights.bin', 'changed after staging');

      const { files } = await collect(repo.root);
      const copy = readFileSync(files[0].absPath);
      const fromGit = repo.git(['cat-file', 'blob', repo.indexBlob('big/weights.bin')]);
      expect(copy.length).to.equal(bytes.length);
      expect(copy.equals(fromGit)).to.equal(true);
      expect(files[0].size).to.equal(bytes.length);
      expect(files[0].sha256).to.equal(sha256(bytes));
      expect(statSync(files[0].absPath).mode & 0o777).to.equal(0o400);
      expect(statSync(dirname(dirname(files[0].absPath))).mode & 0o777).to.equal(0o700);
      expect(files[0].absPath.startsWith(join(repo.root, '.git'))).to.equal(false);
    });

    it('gives several blobs in order from one git process, small and empty ones included', async () => {
      const repo = makeRepo();
      const contents = new Map<string, Buffer>([
        ['a/empty.bin', Buffer.alloc(0)],
        ['a/one.bin', Buffer.from('1')],
        ['b/newline.txt', Buffer.from('\n')],
        ['b/pointer-sized.bin', randomBytes(1023)],
        ['c/exactly-1024.bin', randomBytes(1024)],
        ['c/large.bin', randomBytes(300_000)],
      ]);
      for (const [p, b] of contents) repo.write(p, b);
      repo.add('.');

      const { files } = await collect(repo.root);
      expect(files.map((f) => f.path)).to.deep.equal([...contents.keys()]);
      for (const f of files) expect(readFileSync(f.absPath).equals(contents.get(f.path)!), f.path).to.equal(true);
    });
  });

  describe('Git LFS', () => {
    function placeObject(repo: TestRepo, bytes: Buffer, objectsDir = join(repo.root, '.git', 'lfs', 'objects')): { oid: string; path: string } {
      const oid = sha256(bytes);
      const path = join(objectsDir, oid.slice(0, 2), oid.slice(2, 4), oid);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      return { oid, path };
    }

    it('analyses the object a staged pointer names, in place, without git-lfs', async () => {
      const repo = makeRepo();
      const { oid, path } = placeObject(repo, GETCWD_PICKLE);
      repo.write('.gitattributes', '*.pkl filter=lfs diff=lfs merge=lfs -text\n');
      repo.write('model.pkl', lfsPointer(oid, GETCWD_PICKLE.length));
      repo.add('.gitattributes', 'model.pkl');

      const { files, problems } = await collect(repo.root);
      expect(problems).to.deep.equal([]);
      const lfs = files.find((f) => f.path === 'model.pkl')!;
      expect(lfs).to.deep.equal({
        path: 'model.pkl',
        displayPath: 'model.pkl',
        absPath: path,
        size: GETCWD_PICKLE.length,
        sha256: oid,
        blobId: repo.indexBlob('model.pkl'),
        lfs: { oid, size: GETCWD_PICKLE.length, present: true },
      });
      expect(await pickleImports(lfs.absPath, lfs.displayPath)).to.deep.equal(['os.getcwd']);
    });

    it('honours lfs.storage (relative to the git folder)', async () => {
      const repo = makeRepo();
      repo.git(['config', 'lfs.storage', '../lfs-store']);
      const { oid, path } = placeObject(repo, CLEAN_PICKLE, join(repo.root, 'lfs-store', 'objects'));
      repo.write('model.pkl', lfsPointer(oid, CLEAN_PICKLE.length));
      repo.add('model.pkl');

      const { files, problems } = await collect(repo.root);
      expect(problems).to.deep.equal([]);
      expect(files[0].absPath).to.equal(path);
    });

    it('reports a pointer whose object is not there, with what to do', async () => {
      const repo = makeRepo();
      const oid = sha256('not here');
      repo.write('ckpt/model.safetensors', lfsPointer(oid, 123456));
      repo.add('ckpt/model.safetensors');

      const { files, problems } = await collect(repo.root);
      expect(files).to.deep.equal([]);
      expect(problems).to.deep.equal([
        {
          displayPath: 'ckpt/model.safetensors',
          code: 'source/lfs-object-missing',
          message: `the staged Git LFS pointer names object ${oid} (123456 bytes), which is not in .git/lfs/objects: the checkpoint itself was not checked; run \`git lfs fetch\` or scan the file`,
        },
      ]);
    });

    it('reports an object of another size than the pointer says as missing', async () => {
      const repo = makeRepo();
      const { oid } = placeObject(repo, CLEAN_PICKLE);
      repo.write('model.pkl', lfsPointer(oid, CLEAN_PICKLE.length + 1));
      repo.add('model.pkl');

      const { files, problems } = await collect(repo.root);
      expect(files).to.deep.equal([]);
      expect(problems.map((p) => p.code)).to.deep.equal(['source/lfs-object-missing']);
      expect(problems[0].message).to.contain(`(the file there has ${CLEAN_PICKLE.length} bytes)`);
    });

    it('treats malformed pointer-like text as an ordinary file', async () => {
      const repo = makeRepo();
      const { oid } = placeObject(repo, GETCWD_PICKLE);
      const texts = {
        'short-oid.pkl': lfsPointer(oid.slice(1), GETCWD_PICKLE.length),
        'upper-hex.pkl': lfsPointer(oid.toUpperCase(), GETCWD_PICKLE.length),
        'out-of-order.pkl': `version https://git-lfs.github.com/spec/v1\nsize ${GETCWD_PICKLE.length}\noid sha256:${oid}\n`,
        'extra-line.pkl': `${lfsPointer(oid, GETCWD_PICKLE.length)}note hello\n`,
        'other-version.pkl': lfsPointer(oid, GETCWD_PICKLE.length).replace('spec/v1', 'spec/v2'),
      };
      for (const [p, t] of Object.entries(texts)) repo.write(p, t);
      repo.add('.');

      const { files, problems } = await collect(repo.root);
      expect(problems).to.deep.equal([]);
      expect(files.map((f) => f.path).sort()).to.deep.equal(Object.keys(texts).sort());
      for (const f of files) {
        expect(f.lfs, f.path).to.equal(undefined);
        expect(readFileSync(f.absPath, 'utf8'), f.path).to.equal(texts[f.path as keyof typeof texts]);
      }
    });

    it('reports a pointer with extensions (checkout would rewrite the object) instead of analysing the object', async () => {
      const repo = makeRepo();
      const { oid } = placeObject(repo, CLEAN_PICKLE);
      repo.write('model.pkl', `version https://git-lfs.github.com/spec/v1\next-0-foo sha256:${sha256('pre')}\noid sha256:${oid}\nsize ${CLEAN_PICKLE.length}\n`);
      repo.add('model.pkl');

      const { files, problems } = await collect(repo.root);
      expect(files).to.deep.equal([]);
      expect(problems.map((p) => [p.code, p.message])).to.deep.equal([
        ['source/staged-unreadable', `the staged Git LFS pointer uses extensions (foo) that rewrite object ${oid} on checkout, so what would be checked out was not checked`],
      ]);
    });
  });

  describe('errors, cleanup and leaving the repository alone', () => {
    it('outside a git work tree: a one-line UsageError', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'modelvet-nogit-'));
      try {
        const err = await collectStagedTargets(folder, []).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(UsageError);
        expect((err as Error).message).to.match(/^--staged needs a git repository \(git rev-parse failed: fatal: not a git repository.*\)$/);
        expect((err as Error).message).to.not.contain('\n');
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('without git on the PATH: the same UsageError', async () => {
      const repo = makeRepo();
      const before = process.env.PATH;
      process.env.PATH = mkdtempSync(join(tmpdir(), 'modelvet-nopath-'));
      try {
        const err = await collectStagedTargets(repo.root, []).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(UsageError);
        expect((err as Error).message).to.match(/^--staged needs a git repository \(git rev-parse failed: git could not be started: .*ENOENT/);
      } finally {
        rmSync(process.env.PATH!, { recursive: true, force: true });
        process.env.PATH = before;
      }
    });

    it('a path outside the repository: a UsageError naming it', async () => {
      const repo = makeRepo();
      const err = await collectStagedTargets(repo.root, ['/etc/hosts']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(UsageError);
      expect((err as Error).message).to.contain('/etc/hosts').and.to.contain('outside repository');
    });

    it('cleanup removes every temporary copy (and only those), and can be called twice', async () => {
      const repo = makeRepo();
      const lfsBytes = Buffer.from('lfs object');
      const oid = sha256(lfsBytes);
      const objectPath = join(repo.root, '.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);
      mkdirSync(dirname(objectPath), { recursive: true });
      writeFileSync(objectPath, lfsBytes);
      repo.write('lfs.bin', lfsPointer(oid, lfsBytes.length));
      repo.write('a.bin', 'a');
      repo.write('b/c.bin', randomBytes(100_000));
      repo.add('.');
      const already = new Set(tempCopies());

      const c = await collectStagedTargets(repo.root, []);
      const copies = c.files.filter((f) => !f.lfs).map((f) => f.absPath);
      expect(copies).to.have.length(2);
      const folder = dirname(dirname(copies[0]));
      expect(tempCopies().filter((n) => !already.has(n))).to.deep.equal([folder.slice(tmpdir().length + 1)]);
      await c.cleanup();
      await c.cleanup();
      expect(existsSync(folder)).to.equal(false);
      expect(tempCopies().filter((n) => !already.has(n))).to.deep.equal([]);
      expect(readFileSync(objectPath).equals(lfsBytes)).to.equal(true);
    });

    it('changes nothing in the repository: status, index bytes and the .git listing are the same after', async () => {
      const repo = makeRepo();
      repo.write('committed.bin', 'c');
      repo.add('committed.bin');
      repo.commit();
      repo.write('model.pkl', GETCWD_PICKLE);
      repo.write('weights.bin', randomBytes(2 * 1024 * 1024));
      repo.write('ckpt.bin', lfsPointer(sha256('missing'), 10));
      repo.add('.');
      repo.write('model.pkl', CLEAN_PICKLE);
      repo.write('untracked.txt', 'u');
      // A committed file touched after a pause has stale stat data in the index: a git command that
      // refreshes the index (plain `git status` does) would rewrite it, and the hash would change.
      execFileSync('sleep', ['1.1']);
      execFileSync('touch', [join(repo.root, 'committed.bin')]);
      const before = repo.snapshot();

      const c = await collect(repo.root);
      expect(c.files).to.have.length(2);
      expect(c.problems).to.have.length(1);
      await c.cleanup();
      expect(repo.snapshot()).to.deep.equal(before);
    });
  });
});
