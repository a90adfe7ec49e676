import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectTargets } from '../../src/sources/local.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'modelvet-walk-'));
  mkdirSync(join(root, 'model', 'sub'), { recursive: true });
  mkdirSync(join(root, 'model', '.git'));
  mkdirSync(join(root, 'model', 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(root, 'model', 'a.bin'), 'a');
  writeFileSync(join(root, 'model', 'sub', 'b.bin'), 'b');
  writeFileSync(join(root, 'model', '.git', 'HEAD'), 'ref');
  writeFileSync(join(root, 'model', 'node_modules', 'x', 'c.bin'), 'c');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  return root;
}

describe('local source walker', () => {
  it('walks folders recursively, sorted, skipping .git and node_modules', async () => {
    const root = tree();
    const targets = await collectTargets(['model'], { cwd: root, ignore: [], ignoreBase: root });
    expect(targets.map((t) => t.displayPath)).to.deep.equal(['model/a.bin', 'model/sub/b.bin']);
  });

  it('reports a link out of the given folder instead of following it', async () => {
    const root = tree();
    symlinkSync(join(root, 'secret.txt'), join(root, 'model', 'config.json'));
    const targets = await collectTargets(['model'], { cwd: root, ignore: [], ignoreBase: root });
    const escape = targets.find((t) => t.kind === 'symlink-escape');
    expect(escape).to.deep.include({ kind: 'symlink-escape', displayPath: 'model/config.json' });
    expect(targets.some((t) => t.kind === 'file' && t.absPath.endsWith('secret.txt'))).to.equal(false);
  });

  it('follows links that stay inside the folder, and survives link loops', async () => {
    const root = tree();
    symlinkSync(join(root, 'model', 'a.bin'), join(root, 'model', 'alias.bin'));
    symlinkSync(join(root, 'model'), join(root, 'model', 'sub', 'loop'));
    const targets = await collectTargets(['model'], { cwd: root, ignore: [], ignoreBase: root });
    expect(targets.filter((t) => t.kind === 'file').map((t) => t.displayPath)).to.deep.equal(['model/a.bin', 'model/alias.bin', 'model/sub/b.bin']);
  });

  it('follows Hugging Face cache snapshot → blob links, and only those', async () => {
    const root = mkdtempSync(join(tmpdir(), 'modelvet-hf-'));
    const repo = join(root, 'hub', 'models--acme--tiny');
    const snap = join(repo, 'snapshots', '0123456789abcdef0123456789abcdef01234567');
    mkdirSync(join(repo, 'blobs'), { recursive: true });
    mkdirSync(snap, { recursive: true });
    writeFileSync(join(repo, 'blobs', 'aaaa'), 'weights');
    writeFileSync(join(root, 'elsewhere'), 'x');
    symlinkSync('../../blobs/aaaa', join(snap, 'model.bin'));
    symlinkSync(join(root, 'elsewhere'), join(snap, 'evil.bin'));
    const targets = await collectTargets([snap], { cwd: root, ignore: [], ignoreBase: root });
    expect(targets.find((t) => t.displayPath.endsWith('model.bin'))?.kind).to.equal('file');
    expect(targets.find((t) => t.displayPath.endsWith('evil.bin'))?.kind).to.equal('symlink-escape');
  });

  it('reports broken links and never opens a named pipe', async () => {
    const root = tree();
    symlinkSync(join(root, 'model', 'gone.bin'), join(root, 'model', 'dangling.bin'));
    execFileSync('mkfifo', [join(root, 'model', 'pipe.bin')]);
    const targets = await collectTargets(['model'], { cwd: root, ignore: [], ignoreBase: root });
    expect(targets.find((t) => t.displayPath === 'model/dangling.bin')?.kind).to.equal('broken-symlink');
    expect(targets.find((t) => t.displayPath === 'model/pipe.bin')).to.deep.include({ kind: 'special-file', fileType: 'named pipe' });
  });

  it('applies ignore globs relative to the config folder', async () => {
    const root = tree();
    const targets = await collectTargets(['model'], { cwd: root, ignore: ['model/sub'], ignoreBase: root });
    expect(targets.map((t) => t.displayPath)).to.deep.equal(['model/a.bin']);
  });

  it('rejects a path that does not exist', async () => {
    const root = tree();
    let err: Error | undefined;
    try {
      await collectTargets(['nope'], { cwd: root, ignore: [], ignoreBase: root });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.equal('no such file or folder: nope');
  });
});
