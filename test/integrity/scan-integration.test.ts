import { expect } from 'chai';
import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../../src/engine/scan.js';
import { lock } from '../../src/integrity/lock.js';
import { ScanIntegrity } from '../../src/integrity/scan-pass.js';
import { collectTargets } from '../../src/sources/local.js';
import type { Artifact, Finding, Report } from '../../src/types.js';
import { COMMIT, makeCacheRepo, sha256, tempProject } from './helpers.js';

const SIGNING = fileURLToPath(new URL('../fixtures/projects/integrity-signing/', import.meta.url));
const show = (r: Report): string => r.findings.map((f) => `[${f.severity}] ${f.ruleId} ${f.path}: ${f.message}`).join('\n');
const integrity = (r: Report): Finding[] => r.findings.filter((f) => f.ruleId.startsWith('integrity/'));
const ids = (r: Report): Array<[string, string]> => integrity(r).map((f) => [f.ruleId, f.path]);

describe('integrity: the scan pass', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = tempProject();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('model files no record covers get a medium missing-checksum; configs do not', async () => {
    const report = await scan({ cwd: dir, paths: ['model'] });
    expect(ids(report)).to.deep.equal([
      ['integrity/missing-checksum', 'model/model.safetensors'],
      ['integrity/missing-checksum', 'model/pytorch_model.bin'],
    ]);
    const f = integrity(report)[0]!;
    expect(f.severity).to.equal('medium');
    expect(f.message).to.equal('no lockfile, BOM, signing manifest or cache name records the SHA-256 of this model file, so a swapped copy would load unnoticed');
    expect(f.fix).to.include('modelvet lock model');
  });

  it('a locked folder scans without missing-checksum; a tampered locked file is critical checksum-mismatch', async () => {
    await lock({ cwd: dir, targets: ['model'] });
    const clean = await scan({ cwd: dir, paths: ['model'] });
    expect(integrity(clean), show(clean)).to.deep.equal([]);
    const file = join(dir, 'model', 'model.safetensors');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1; // a tensor byte: the file still parses, only the digest tells
    writeFileSync(file, bytes);
    const report = await scan({ cwd: dir, paths: ['model'] });
    expect(ids(report)).to.deep.equal([['integrity/checksum-mismatch', 'model/model.safetensors']]);
    expect(integrity(report)[0]!.severity).to.equal('critical');
    expect(integrity(report)[0]!.message).to.include(sha256(bytes));
  });

  it('stale locks in a scan: a locked file that is gone (by the path it should have) and an unlocked new file', async () => {
    await lock({ cwd: dir, targets: ['model'] });
    unlinkSync(join(dir, 'model', 'pytorch_model.bin'));
    writeFileSync(join(dir, 'model', 'notes.txt'), 'x');
    const report = await scan({ cwd: dir, paths: ['model'] });
    expect(ids(report)).to.deep.equal([
      ['integrity/lock-stale', 'model/notes.txt'],
      ['integrity/lock-stale', 'model/pytorch_model.bin'],
    ]);
    // Scanning one file of the folder does not call the others missing.
    expect(ids(await scan({ cwd: dir, paths: ['model/model.safetensors'] }))).to.deep.equal([]);
  });

  it('--lockfile points at a lockfile elsewhere; --hash reuses the digest the pass measured', async () => {
    await lock({ cwd: dir, targets: ['model'], lockfile: 'locks/modelvet.lock.json' });
    const sub = join(dir, 'model');
    const report = await scan({ cwd: sub, paths: ['.'], lockfile: '../locks/modelvet.lock.json', hash: true });
    expect(integrity(report), show(report)).to.deep.equal([]);
    const art = report.artifacts.find((a) => a.path === 'model.safetensors')!;
    expect(art.sha256).to.equal(sha256(readFileSync(join(sub, 'model.safetensors'))));
  });

  it('a CycloneDX BOM beside the files records digests by name or modelvet:path; a file it does not name is still missing one', async () => {
    const clean = await scan({ cwd: dir, paths: ['bom-model'] });
    expect(ids(clean)).to.deep.equal([['integrity/missing-checksum', 'bom-model/unrecorded.safetensors']]);
    const weights = join(dir, 'bom-model', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 30] ^= 1;
    writeFileSync(weights, bytes);
    const tampered = await scan({ cwd: dir, paths: ['bom-model'] });
    const mismatch = integrity(tampered).filter((f) => f.ruleId === 'integrity/checksum-mismatch');
    expect(mismatch.map((f) => f.path)).to.deep.equal(['bom-model/weights.bin']);
    expect(mismatch[0]!.message).to.include('the BOM bom-model/bom.cdx.json');
  });

  it('files in a Hugging Face cache snapshot are checked against their blob names', async () => {
    const weights = readFileSync(join(dir, 'model', 'model.safetensors'));
    const { snapshot, blobOf } = makeCacheRepo(join(dir, 'hub'), 'org/tiny', COMMIT, [
      { path: 'model.safetensors', content: weights, lfs: true },
      { path: 'pytorch_model.bin', content: readFileSync(join(dir, 'model', 'pytorch_model.bin')), lfs: false },
    ]);
    const clean = await scan({ cwd: dir, paths: [snapshot] });
    expect(integrity(clean), show(clean)).to.deep.equal([]);
    const corrupt = Buffer.from(weights);
    corrupt[corrupt.length - 1] ^= 1;
    writeFileSync(blobOf['model.safetensors']!, corrupt);
    const report = await scan({ cwd: dir, paths: [snapshot] });
    expect(integrity(report).map((f) => [f.ruleId, f.severity])).to.deep.equal([['integrity/checksum-mismatch', 'critical']]);
    expect(integrity(report)[0]!.message).to.match(/Hugging Face cache blob name/);
  });

  it('a locked Hub commit applies to the files of its cache snapshot', async () => {
    const weights = readFileSync(join(dir, 'model', 'model.safetensors'));
    const { snapshot } = makeCacheRepo(join(dir, 'hub'), 'org/tiny', COMMIT, [
      { path: 'model.safetensors', content: weights, lfs: true },
      { path: 'extra.safetensors', content: weights, lfs: true },
    ]);
    const lockfile = {
      lockfileVersion: 1,
      models: [{ source: { type: 'hf', repo: 'org/tiny', repoType: 'model', revision: 'main', commit: COMMIT }, files: [{ path: 'model.safetensors', size: weights.length, sha256: 'f'.repeat(64), from: 'hub-lfs' }] }],
    };
    writeFileSync(join(dir, 'modelvet.lock.json'), JSON.stringify(lockfile));
    const report = await scan({ cwd: dir, paths: [snapshot] });
    const rel = snapshot.slice(dir.length + 1);
    expect(ids(report)).to.deep.equal([
      ['integrity/lock-stale', `${rel}/extra.safetensors`],
      ['integrity/checksum-mismatch', `${rel}/model.safetensors`],
    ]);
    expect(integrity(report)[1]!.message).to.include('the lockfile modelvet.lock.json');
  });

  it('a model.sig covering the folder records digests; an unsigned file is reported', async () => {
    cpSync(join(SIGNING, 'model'), join(dir, 'signed'), { recursive: true });
    const clean = await scan({ cwd: dir, paths: ['signed'] });
    expect(integrity(clean).filter((f) => f.severity !== 'info'), show(clean)).to.deep.equal([]);
    writeFileSync(join(dir, 'signed', 'extra.pkl'), Buffer.from([0x80, 0x04, 0x4e, 0x2e]));
    const report = await scan({ cwd: dir, paths: ['signed'] });
    expect(integrity(report).filter((f) => f.ruleId === 'integrity/unsigned-file').map((f) => f.path)).to.deep.equal(['signed/extra.pkl']);
  });

  it('a broken lockfile found upward is a high lock-malformed finding, and the scan goes on', async () => {
    writeFileSync(join(dir, 'modelvet.lock.json'), readFileSync(join(dir, 'lockfiles', 'broken-schema.json')));
    const report = await scan({ cwd: dir, paths: ['model'] });
    const found = integrity(report).filter((f) => f.ruleId === 'integrity/lock-malformed');
    expect(found.map((f) => [f.path, f.severity])).to.deep.equal([['modelvet.lock.json', 'high']]);
    expect(report.summary.files).to.equal(3);
  });

  it('with nothing to compare nothing is hashed', async () => {
    const targets = await collectTargets(['model'], { cwd: dir, ignore: [], ignoreBase: dir });
    const pass = await ScanIntegrity.prepare(targets, { cwd: dir, paths: ['model'], maxJsonBytes: 1 << 20 });
    for (const t of targets) {
      if (t.kind !== 'file') continue;
      const root: Artifact = { path: t.displayPath, format: 'safetensors', size: 0, anomalies: [], children: [] } as unknown as Artifact;
      await pass.apply(root, t.absPath);
      expect(root.integrity).to.deep.equal({ expected: [] });
      expect(await pass.sha256Of(t.absPath)).to.equal(undefined);
    }
    // No thread pool was started.
    expect((pass as unknown as { pool?: unknown }).pool).to.equal(undefined);
    await pass.close();
  });
});
