import { expect } from 'chai';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepare } from '../../src/engine/scan.js';
import { lock } from '../../src/integrity/lock.js';
import type { Lockfile } from '../../src/integrity/types.js';
import { verify } from '../../src/integrity/verify.js';
import type { Finding, Report } from '../../src/types.js';
import { UsageError } from '../../src/util/errors.js';
import { COMMIT, makeCacheRepo, sha256, tempProject } from './helpers.js';

const SIGNING = fileURLToPath(new URL('../fixtures/projects/integrity-signing/', import.meta.url));

const show = (r: Report): string => r.findings.map((f) => `[${f.severity}] ${f.ruleId} ${f.path}: ${f.message}`).join('\n');
const only = (r: Report, ruleId: string): Finding[] => r.findings.filter((f) => f.ruleId === ruleId);

function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(file, bytes);
}

describe('integrity: verify()', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempProject();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('against the lockfile', () => {
    it('a freshly locked folder verifies clean, every locked file hashed', async () => {
      await lock({ cwd: dir, targets: ['model'] });
      const report = await verify({ cwd: dir });
      expect(report.findings, show(report)).to.deep.equal([]);
      expect(report.artifacts.map((a) => a.path)).to.deep.equal(['model/config.json', 'model/model.safetensors', 'model/pytorch_model.bin']);
      expect(report.artifacts.every((a) => /^[0-9a-f]{64}$/.test(a.sha256 ?? ''))).to.equal(true);
    });

    it('one flipped byte is a critical checksum-mismatch naming the file, the record, expected and actual digest', async () => {
      await lock({ cwd: dir, targets: ['model'] });
      const file = join(dir, 'model', 'model.safetensors');
      const expected = sha256(readFileSync(file));
      flipByte(file, 100);
      const actual = sha256(readFileSync(file));
      const report = await verify({ cwd: dir });
      const found = only(report, 'integrity/checksum-mismatch');
      expect(found, show(report)).to.have.length(1);
      expect(found[0]!.severity).to.equal('critical');
      expect(found[0]!.path).to.equal('model/model.safetensors');
      expect(found[0]!.message).to.include(expected).and.to.include(actual).and.to.include('modelvet.lock.json');
      expect(found[0]!.evidence).to.include({ record: 'lockfile', expected, actual });
      expect(report.summary.critical).to.equal(1);
    });

    it('a size that differs is a mismatch even when the lockfile digest was copied over', async () => {
      await lock({ cwd: dir, targets: ['model'] });
      const lockfile = JSON.parse(readFileSync(join(dir, 'modelvet.lock.json'), 'utf8')) as Lockfile;
      lockfile.models[0]!.files[0]!.size += 1;
      writeFileSync(join(dir, 'modelvet.lock.json'), JSON.stringify(lockfile));
      const found = only(await verify({ cwd: dir }), 'integrity/checksum-mismatch');
      expect(found).to.have.length(1);
      expect(found[0]!.message).to.match(/\(47 bytes, not 48\)/);
    });

    it('stale both ways: a locked file gone and a new file in the locked folder are medium lock-stale findings', async () => {
      await lock({ cwd: dir, targets: ['model'] });
      unlinkSync(join(dir, 'model', 'config.json'));
      writeFileSync(join(dir, 'model', 'extra.pkl'), 'x');
      const report = await verify({ cwd: dir });
      const stale = only(report, 'integrity/lock-stale');
      expect(stale.map((f) => [f.path, f.severity, f.evidence?.code])).to.deep.equal([
        ['model/config.json', 'medium', 'integrity/locked-file-missing'],
        ['model/extra.pkl', 'medium', 'integrity/file-not-locked'],
      ]);
      expect(stale[0]!.message).to.match(/locks this file, but it is missing/);
      expect(stale[1]!.message).to.match(/locks this folder but not this file/);
    });

    it('PATH limits the check to what lies under it', async () => {
      await lock({ cwd: dir, targets: ['model', 'bom-model'] });
      flipByte(join(dir, 'bom-model', 'weights.bin'), 10);
      expect(only(await verify({ cwd: dir, path: 'model' }), 'integrity/checksum-mismatch')).to.have.length(0);
      expect(only(await verify({ cwd: dir, path: 'bom-model' }), 'integrity/checksum-mismatch')).to.have.length(1);
      expect(only(await verify({ cwd: dir, path: 'bom-model/model.safetensors' }), 'integrity/checksum-mismatch')).to.have.length(0);
    });

    it('the config applies: a rule override changes the severity', async () => {
      await lock({ cwd: dir, targets: ['model'] });
      writeFileSync(join(dir, 'model', 'extra.txt'), 'x');
      const prepared = await prepare({ cwd: dir, ruleOverrides: { 'integrity/lock-stale': 'high' } });
      const report = await verify({ cwd: dir, prepared });
      expect(only(report, 'integrity/lock-stale').map((f) => f.severity)).to.deep.equal(['high']);
    });

    it('a link planted in a locked folder is reported, never followed', async () => {
      await lock({ cwd: dir, targets: ['model'] });
      const lockfile = JSON.parse(readFileSync(join(dir, 'modelvet.lock.json'), 'utf8')) as Lockfile;
      lockfile.models[0]!.files.push({ path: 'secret', size: 1, sha256: 'e'.repeat(64), from: 'local' });
      writeFileSync(join(dir, 'modelvet.lock.json'), JSON.stringify(lockfile));
      symlinkSync('/etc/hostname', join(dir, 'model', 'secret'));
      const report = await verify({ cwd: dir });
      expect(report.findings.map((f) => [f.ruleId, f.severity, f.path])).to.deep.equal([['integrity/unverifiable', 'high', 'model/secret']]);
      expect(report.findings[0]!.message).to.match(/a link that leads outside its model folder/);
      expect(report.artifacts.map((a) => a.path)).not.to.include('model/secret');
    });

    it('a lockfile entry outside the lockfile\'s folder and the working directory is refused (high), not read', async () => {
      const lockfile: Lockfile = { lockfileVersion: 1, models: [{ source: { type: 'local', path: '../../../../etc' }, files: [{ path: 'hostname', size: 1, sha256: 'e'.repeat(64), from: 'local' }] }] };
      writeFileSync(join(dir, 'modelvet.lock.json'), JSON.stringify(lockfile));
      const report = await verify({ cwd: dir });
      expect(report.findings.map((f) => [f.ruleId, f.severity, f.path])).to.deep.equal([['integrity/lock-malformed', 'high', 'modelvet.lock.json']]);
      expect(report.artifacts).to.deep.equal([]);
    });

    it('a broken lockfile is a one-line usage error', async () => {
      writeFileSync(join(dir, 'modelvet.lock.json'), readFileSync(join(dir, 'lockfiles', 'not-json.json')));
      let error: unknown;
      await verify({ cwd: dir }).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(UsageError);
      expect((error as Error).message).to.match(/^modelvet\.lock\.json is not a valid lockfile: /);
    });

    it('nothing to verify is a usage error, not an empty pass', async () => {
      let error: unknown;
      await verify({ cwd: dir, path: 'model' }).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(UsageError);
      expect((error as Error).message).to.match(/^nothing to verify in model: no modelvet\.lock\.json/);
    });
  });

  describe('Hugging Face cache', () => {
    const weights = (): Buffer => readFileSync(join(dir, 'model', 'model.safetensors'));
    const config = (): Buffer => readFileSync(join(dir, 'model', 'config.json'));
    const cacheOf = () =>
      makeCacheRepo(join(dir, 'hub'), 'org/tiny', COMMIT, [
        { path: 'model.safetensors', content: weights(), lfs: true },
        { path: 'config.json', content: config(), lfs: false },
        { path: 'sub/extra.json', content: Buffer.from('{"a":1}'), lfs: false },
      ]);

    it('a cache as huggingface_hub leaves it verifies clean: LFS blobs by SHA-256, small ones by git blob id', async () => {
      cacheOf();
      const report = await verify({ cwd: dir, hfCache: 'hub' });
      expect(report.findings, show(report)).to.deep.equal([]);
      expect(report.artifacts).to.have.length(3);
    });

    it('is found without --hf-cache when PATH is inside a cache (a snapshot folder)', async () => {
      const { snapshot } = cacheOf();
      const report = await verify({ cwd: dir, path: snapshot });
      expect(report.artifacts).to.have.length(3);
      expect(report.findings).to.deep.equal([]);
    });

    it('a corrupted LFS blob (named by SHA-256) is critical', async () => {
      const { blobOf } = cacheOf();
      flipByte(blobOf['model.safetensors']!, 50);
      const found = only(await verify({ cwd: dir, hfCache: 'hub' }), 'integrity/checksum-mismatch');
      expect(found).to.have.length(1);
      expect(found[0]!.severity).to.equal('critical');
      expect(found[0]!.path).to.equal(`hub/models--org--tiny/blobs/${sha256(weights())}`);
      expect(found[0]!.evidence).to.include({ record: 'hf-cache' });
    });

    it('a corrupted small blob (named by its git blob id) is critical', async () => {
      const { blobOf } = cacheOf();
      writeFileSync(blobOf['config.json']!, '{"model_type":"evil"}');
      const found = only(await verify({ cwd: dir, hfCache: 'hub' }), 'integrity/checksum-mismatch');
      expect(found).to.have.length(1);
      expect(found[0]!.message).to.match(/git blob id/);
      expect(found[0]!.evidence).to.include({ algorithm: 'git-sha1' });
    });

    it('a dangling snapshot link, a link out of the blobs, and bad refs make the cache inconsistent (high)', async () => {
      const { repoDir, snapshot, blobOf } = cacheOf();
      unlinkSync(blobOf['sub/extra.json']!);
      symlinkSync(join(dir, 'model', 'pytorch_model.bin'), join(snapshot, 'pytorch_model.bin'));
      writeFileSync(join(repoDir, 'refs', 'v1'), 'not a commit');
      writeFileSync(join(repoDir, 'refs', 'v2'), 'e'.repeat(40));
      const report = await verify({ cwd: dir, hfCache: 'hub' });
      const found = only(report, 'integrity/cache-inconsistent');
      expect(found.map((f) => [f.severity, f.evidence?.code, f.path])).to.deep.equal([
        ['high', 'integrity/cache-bad-ref', 'hub/models--org--tiny/refs/v1'],
        ['high', 'integrity/cache-bad-ref', 'hub/models--org--tiny/refs/v2'],
        ['high', 'integrity/cache-link-outside', `hub/models--org--tiny/snapshots/${COMMIT}/pytorch_model.bin`],
        ['high', 'integrity/cache-dangling-link', `hub/models--org--tiny/snapshots/${COMMIT}/sub/extra.json`],
      ]);
    });

    it('an .incomplete blob is an info finding, not a failure', async () => {
      const { repoDir } = cacheOf();
      writeFileSync(join(repoDir, 'blobs', `${'a'.repeat(64)}.incomplete`), 'partial');
      const report = await verify({ cwd: dir, hfCache: 'hub' });
      expect(report.findings.map((f) => [f.ruleId, f.severity])).to.deep.equal([['integrity/cache-incomplete', 'info']]);
    });

    it('a locked Hub model is checked in the cache snapshot of its commit, or reported as not verified', async () => {
      const { snapshot } = cacheOf();
      const lockfile: Lockfile = {
        lockfileVersion: 1,
        models: [
          {
            source: { type: 'hf', repo: 'org/tiny', repoType: 'model', revision: 'main', commit: COMMIT },
            files: [
              { path: 'model.safetensors', size: weights().length, sha256: sha256(Buffer.from('what the Hub served')), from: 'hub-lfs' },
              { path: 'config.json', size: config().length, sha256: sha256(config()), from: 'hub-download' },
              { path: 'tokenizer.json', size: 5, sha256: 'c'.repeat(64), from: 'hub-download' },
            ],
          },
          { source: { type: 'hf', repo: 'org/absent', repoType: 'model', revision: 'main', commit: 'd'.repeat(40) }, files: [] },
        ],
      };
      writeFileSync(join(dir, 'modelvet.lock.json'), JSON.stringify(lockfile));
      const report = await verify({ cwd: dir, hfCacheDir: join(dir, 'hub') });
      const mismatch = only(report, 'integrity/checksum-mismatch');
      expect(mismatch.map((f) => f.path)).to.deep.equal([`hub/models--org--tiny/snapshots/${COMMIT}/model.safetensors`]);
      const notVerified = only(report, 'integrity/not-verified');
      expect(notVerified.map((f) => [f.path, f.severity])).to.deep.equal([
        [`hf:org/absent@${'d'.repeat(40)}`, 'info'],
        [`hf:org/tiny@${COMMIT}`, 'info'],
      ]);
      expect(notVerified[1]!.message).to.match(/1 of the 3 files/);
      // sub/extra.json is in the snapshot of the locked commit but not in the lock.
      expect(only(report, 'integrity/lock-stale').map((f) => f.path)).to.deep.equal([`${snapshot.slice(dir.length + 1)}/sub/extra.json`]);
    });
  });

  describe('signing manifests (model.sig)', () => {
    beforeEach(() => {
      cpSync(SIGNING, join(dir, 'signing'), { recursive: true });
    });
    const key = (): string => join(dir, 'signing', 'keys', 'test-signing-key.pub.pem');

    it('a signed folder verifies clean with the right key', async () => {
      const report = await verify({ cwd: dir, path: 'signing/model', publicKey: key() });
      expect(report.findings, show(report)).to.deep.equal([]);
      expect(report.artifacts.map((a) => a.path)).to.deep.equal(['signing/model/config.json', 'signing/model/model.safetensors']);
    });

    it('a file that does not hash to its signed digest is critical, naming the signature', async () => {
      const report = await verify({ cwd: dir, path: 'signing/tampered', publicKey: key() });
      const found = only(report, 'integrity/checksum-mismatch');
      expect(found.map((f) => f.path)).to.deep.equal(['signing/tampered/model.safetensors']);
      expect(found[0]!.message).to.include('signing/tampered/model.sig');
      expect(found[0]!.evidence).to.include({ record: 'signing-manifest' });
    });

    it('a file the manifest does not cover, and a signed file that is gone, are medium unsigned-file findings', async () => {
      writeFileSync(join(dir, 'signing', 'model', 'extra.pkl'), 'x');
      mkdirSync(join(dir, 'signing', 'model', '.git'));
      writeFileSync(join(dir, 'signing', 'model', '.git', 'HEAD'), 'ref: x');
      unlinkSync(join(dir, 'signing', 'model', 'config.json'));
      const report = await verify({ cwd: dir, path: 'signing/model', publicKey: key() });
      expect(only(report, 'integrity/unsigned-file').map((f) => [f.path, f.severity, f.evidence?.code])).to.deep.equal([
        ['signing/model/config.json', 'medium', 'integrity/signed-file-missing'],
        ['signing/model/extra.pkl', 'medium', 'integrity/file-not-signed'],
      ]);
    });

    it('the signature status comes from the signing rules: invalid with the wrong key, unverified without one', async () => {
      const wrong = await verify({ cwd: dir, path: 'signing/wrong-key', publicKey: key() });
      expect(only(wrong, 'integrity/signature-invalid').map((f) => f.severity)).to.deep.equal(['critical']);
      const unverified = await verify({ cwd: dir, path: 'signing/model' });
      expect(only(unverified, 'integrity/signature-unverified').map((f) => f.severity)).to.deep.equal(['info']);
      expect(only(unverified, 'integrity/checksum-mismatch')).to.deep.equal([]);
    });

    it('sharded signatures: every signed byte range is re-hashed', async () => {
      const clean = await verify({ cwd: dir, path: 'signing/shards', publicKey: key() });
      expect(clean.findings.filter((f) => f.severity !== 'info'), show(clean)).to.deep.equal([]);
      flipByte(join(dir, 'signing', 'shards', 'model.safetensors'), 5);
      const found = only(await verify({ cwd: dir, path: 'signing/shards', publicKey: key() }), 'integrity/checksum-mismatch');
      expect(found).to.have.length(1);
      expect(found[0]!.message).to.match(/byte ranges signed by signing\/shards\/model\.sig do not match/);
    });

    it('--signature names the manifest, and a key file that cannot be used is a usage error', async () => {
      const report = await verify({ cwd: dir, signature: 'signing/model/model.sig', publicKey: key() });
      expect(report.artifacts).to.have.length(2);
      let error: unknown;
      await verify({ cwd: dir, path: 'signing/model', publicKey: join(dir, 'model', 'config.json') }).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(UsageError);
    });
  });
});
