import { expect } from 'chai';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from '../../src/integrity/lock.js';
import type { Lockfile } from '../../src/integrity/types.js';
import { UsageError } from '../../src/util/errors.js';
import { COMMIT, makeCacheRepo, sha256, tempProject } from './helpers.js';

describe('integrity: lock()', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempProject();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (): Lockfile => JSON.parse(readFileSync(join(dir, 'modelvet.lock.json'), 'utf8')) as Lockfile;

  it('locks a folder: every file with its size and SHA-256, paths relative to the folder', async () => {
    const result = await lock({ cwd: dir, targets: ['model'] });
    expect(result.changed).to.equal(true);
    const lockfile = read();
    expect(lockfile.models).to.have.length(1);
    const [m] = lockfile.models;
    expect(m!.source).to.deep.equal({ type: 'local', path: 'model' });
    expect(m!.files.map((f) => f.path)).to.deep.equal(['config.json', 'model.safetensors', 'pytorch_model.bin']);
    for (const f of m!.files) {
      const bytes = readFileSync(join(dir, 'model', f.path));
      expect(f.sha256).to.equal(sha256(bytes));
      expect(f.size).to.equal(bytes.length);
      expect(f.from).to.equal('local');
    }
  });

  it('is idempotent: a second lock writes byte-identical content and reports no change', async () => {
    await lock({ cwd: dir, targets: ['model', 'bom-model'] });
    const first = readFileSync(join(dir, 'modelvet.lock.json'));
    const again = await lock({ cwd: dir, targets: ['bom-model', 'model'] });
    expect(again.changed).to.equal(false);
    expect(readFileSync(join(dir, 'modelvet.lock.json')).equals(first)).to.equal(true);
  });

  it('merges: locking one model keeps the other entries; re-locking replaces its own', async () => {
    await lock({ cwd: dir, targets: ['model'] });
    await lock({ cwd: dir, targets: ['bom-model'] });
    expect(read().models.map((m) => m.source.type === 'local' && m.source.path)).to.deep.equal(['bom-model', 'model']);
    writeFileSync(join(dir, 'model', 'config.json'), '{"changed":true}\n');
    await lock({ cwd: dir, targets: ['model'] });
    const model = read().models.find((m) => m.source.type === 'local' && m.source.path === 'model')!;
    expect(model.files.find((f) => f.path === 'config.json')!.sha256).to.equal(sha256('{"changed":true}\n'));
    expect(read().models).to.have.length(2);
  });

  it('with no target refreshes every entry of the lockfile', async () => {
    await lock({ cwd: dir, targets: ['model', 'bom-model/model.safetensors'] });
    writeFileSync(join(dir, 'model', 'new.json'), '{}');
    const result = await lock({ cwd: dir });
    expect(result.locked).to.have.length(2);
    const lockfile = read();
    expect(lockfile.models.find((m) => m.source.type === 'local' && m.source.path === 'model')!.files.map((f) => f.path)).to.include('new.json');
    expect(lockfile.models.find((m) => m.source.type === 'local' && m.source.path === 'bom-model/model.safetensors')!.files.map((f) => f.path)).to.deep.equal(['model.safetensors']);
  });

  it('with no target and no lockfile is a usage error', async () => {
    let error: unknown;
    await lock({ cwd: dir }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.match(/nothing to refresh: modelvet\.lock\.json does not exist/);
  });

  it('a single file is a model of that one file', async () => {
    await lock({ cwd: dir, targets: ['model/model.safetensors'] });
    const [m] = read().models;
    expect(m!.source).to.deep.equal({ type: 'local', path: 'model/model.safetensors' });
    expect(m!.files.map((f) => f.path)).to.deep.equal(['model.safetensors']);
  });

  it('never locks the lockfile itself, and never follows a link out of the folder', async () => {
    symlinkSync('/etc/hostname', join(dir, 'model', 'escape'));
    const result = await lock({ cwd: dir, targets: ['.'] });
    const files = read().models[0]!.files.map((f) => f.path);
    expect(files).not.to.include('modelvet.lock.json');
    expect(files).not.to.include('model/escape');
    expect(result.skipped.map((s) => s.path)).to.deep.equal(['model/escape']);
    expect(result.skipped[0]!.reason).to.match(/outside the folder/);
  });

  it('--lockfile writes elsewhere, with source paths relative to that lockfile', async () => {
    await lock({ cwd: dir, targets: ['model'], lockfile: 'deploy/../bom-model/x.lock.json' });
    const lockfile = JSON.parse(readFileSync(join(dir, 'bom-model', 'x.lock.json'), 'utf8')) as Lockfile;
    expect(lockfile.models[0]!.source).to.deep.equal({ type: 'local', path: '../model' });
  });

  it('a target that is neither a path nor a Hub repo is a usage error', async () => {
    let error: unknown;
    await lock({ cwd: dir, targets: ['not/a/path/at/all'] }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.match(/not a local file or folder, nor a Hugging Face repo/);
  });

  it('a Hugging Face cache snapshot folder is locked offline as its Hub repo at that commit', async () => {
    const weights = readFileSync(join(dir, 'model', 'model.safetensors'));
    const config = readFileSync(join(dir, 'model', 'config.json'));
    const { snapshot } = makeCacheRepo(join(dir, 'hub'), 'org/tiny', COMMIT, [
      { path: 'model.safetensors', content: weights, lfs: true },
      { path: 'config.json', content: config, lfs: false },
    ], { main: COMMIT, 'pr/1': 'f'.repeat(40) });
    await lock({ cwd: dir, targets: [snapshot] });
    const [m] = read().models;
    expect(m!.source).to.deep.equal({ type: 'hf', repo: 'org/tiny', repoType: 'model', revision: 'main', commit: COMMIT });
    expect(m!.files).to.deep.equal([
      { path: 'config.json', size: config.length, sha256: sha256(config), from: 'local' },
      { path: 'model.safetensors', size: weights.length, sha256: sha256(weights), from: 'local' },
    ]);
    // Refreshing an entry recovered from the cache reads the cache again, offline.
    const refreshed = await lock({ cwd: dir, hfCacheDir: join(dir, 'hub') });
    expect(refreshed.changed).to.equal(false);
  });

  it('an existing lockfile that is not valid stops the lock with a one-line error', async () => {
    writeFileSync(join(dir, 'modelvet.lock.json'), readFileSync(join(dir, 'lockfiles', 'broken-schema.json')));
    let error: unknown;
    await lock({ cwd: dir, targets: ['model'] }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.match(/^modelvet\.lock\.json is not a valid lockfile: \/models\/0\/files\/0\/sha256/);
  });
});
