/**
 * Scanned files are opened read-only and never modified.
 *
 * 1. In this thread, `scan`, `lock`, `verify` and the BOM writer run over a tree of real fixtures
 *    while every `node:fs` open and mutating call is recorded (test/safety/fs-audit.ts): nothing
 *    under the tree is opened for writing, renamed, chmod-ed, touched or created.
 * 2. The CLI runs `scan`, `scan --hash`, `lock`, `verify` and `bom` on the same tree made
 *    read-only (files 0444, folders 0555). Permissions do not bind root, so when the tests run as
 *    root the tree is given to `nobody` (uid 65534) and the CLI runs as `nobody`, for whom they do.
 *    (`check` reads no local files: not applicable.)
 * After each command, every entry's type, mode, size, mtime and content SHA-256 are as before, and
 * the writable folder holds only what the command was asked to write.
 */
import { runCliAsync, type CliResult } from '../helpers/cli.js';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepare, scan, type ScanOptions } from '../../src/engine/scan.js';
import { lock } from '../../src/integrity/lock.js';
import { verify } from '../../src/integrity/verify.js';
import { localFactSource } from '../../src/bom/sources/local.js';
import { extractFacts } from '../../src/bom/facts/index.js';
import { writeBom } from '../../src/bom/write.js';
import { FsAudit } from './fs-audit.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const NOBODY = 65534;

/** Real artifacts of most families, placed as a model folder would hold them. */
const TREE: Record<string, string> = {
  'model/pytorch_model.bin': 'benign/torch-state-dict.pt',
  'model/legacy.pt': 'benign/torch-legacy.pt',
  'model/model.safetensors': 'benign/safetensors/torch-state-dict.safetensors',
  'model/config.json': 'bom/tiny-gpt2/config.json',
  'model/tokenizer_config.json': 'bom/tiny-gpt2/tokenizer_config.json',
  'model/README.md': 'bom/tiny-gpt2/README.md',
  'model/malicious.pkl': 'malicious/a06-broken-after-reduce.pkl',
  'model/sequential.keras': 'benign/keras/sequential.keras',
  'model/functional.h5': 'benign/keras/functional.h5',
  'model/tiny-mlp.onnx': 'benign/onnx/tiny-mlp.onnx',
  'model/tiny-llama.gguf': 'benign/gguf/tiny-llama.gguf',
  'model/arrays.npz': 'benign/archive/arrays.npz',
  'model/archive/model.tar.gz': 'benign/archive/model.tar.gz',
  'model/archive/state.pkl.gz': 'benign/archive/state.pkl.gz',
  'model/notebooks/explore.ipynb': 'projects/code/notebook/explore.ipynb',
  'model/requirements.txt': 'projects/deps/py-requirements-clean/requirements.txt',
  'model/numpy-object.npy': 'benign/numpy-object.npy',
};

interface EntryState {
  type: string;
  mode: number;
  size: number;
  mtimeMs: number;
  sha256?: string;
}

/** Every entry under `root` (links not followed) with what a write would change. */
function snapshot(root: string): Record<string, EntryState> {
  const out: Record<string, EntryState> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const st = lstatSync(abs);
      const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
      out[relative(root, abs)] = { type, mode: st.mode, size: st.size, mtimeMs: st.mtimeMs, ...(type === 'file' ? { sha256: createHash('sha256').update(readFileSync(abs)).digest('hex') } : {}) };
      if (type === 'dir') walk(abs);
    }
  };
  const st = lstatSync(root);
  out['.'] = { type: 'dir', mode: st.mode, size: st.size, mtimeMs: st.mtimeMs };
  walk(root);
  return out;
}

function buildTree(base: string): string {
  const root = join(base, 'tree');
  for (const [to, from] of Object.entries(TREE)) {
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(join(FIXTURES, from), join(root, to));
  }
  // A link inside the tree (followed) and one out of it (reported, not followed).
  symlinkSync('pytorch_model.bin', join(root, 'model', 'alias.bin'));
  symlinkSync('/etc/hostname', join(root, 'model', 'outside'));
  return root;
}

/** Files 0444, folders 0555, owned by `uid` when given. */
function makeReadOnly(root: string, uid?: number): void {
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) walk(abs);
      if (uid !== undefined) chownSync(abs, uid, uid);
      chmodSync(abs, st.isDirectory() ? 0o555 : 0o444);
    }
  };
  walk(root);
  if (uid !== undefined) chownSync(root, uid, uid);
  chmodSync(root, 0o555);
}

/** Undoes makeReadOnly so the tree can be deleted. */
function makeWritable(root: string): void {
  chmodSync(root, 0o755);
  for (const name of readdirSync(root)) {
    const abs = join(root, name);
    if (lstatSync(abs).isDirectory()) makeWritable(abs);
  }
}

type Run = CliResult;

const runAs = (args: string[], options: { cwd: string; uid?: number; env?: NodeJS.ProcessEnv }): Promise<Run> => runCliAsync(args, { ...options, timeoutMs: 90_000 });

const inProcess = (options: ScanOptions): ScanOptions => ({ ...options, jobs: 1, fileTimeBudgetMs: 0 }) as ScanOptions;

describe('read-only: scanned files are opened read-only and never modified', function () {
  this.timeout(300_000);
  let base: string;
  let root: string;
  let out: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'modelvet-readonly-'));
    chmodSync(base, 0o755);
    root = buildTree(base);
    out = join(base, 'out');
    mkdirSync(out);
  });
  afterEach(() => {
    makeWritable(root);
    rmSync(base, { recursive: true, force: true });
  });

  it('scan, lock, verify and bom open nothing under the tree for writing and change nothing (audited in this thread)', async () => {
    const before = snapshot(root);
    const audit = new FsAudit(root).start();
    try {
      const prepared = await prepare({ cwd: out });
      const report = await scan(inProcess({ cwd: out, paths: [root], prepared, hash: true }));
      expect(report.summary.files).to.be.greaterThan(15);
      expect(report.findings.some((f) => f.severity === 'critical' && f.path.endsWith('malicious.pkl'))).to.equal(true);
      const lockfile = join(out, 'modelvet.lock.json');
      // From the folder above both, so the lockfile's `../tree` entry is inside the working directory.
      await lock({ cwd: base, targets: [root], lockfile, progress: false });
      const verified = await verify({ cwd: base, lockfile, prepared });
      expect(verified.findings.filter((f) => f.ruleId.startsWith('integrity/') && f.severity === 'high')).to.deep.equal([]);
      const facts = await extractFacts(await localFactSource(join(root, 'model'), { cwd: out, prepared, threads: 1 }));
      expect(writeBom(facts, 'cyclonedx-1.6').ok).to.equal(true);
    } finally {
      audit.stop();
    }
    expect(audit.violations(), 'calls that could change the tree').to.deep.equal([]);
    // The audit saw the analysis: files under the tree were opened, read-only.
    expect(audit.reads().length).to.be.greaterThan(Object.keys(TREE).length);
    expect(snapshot(root)).to.deep.equal(before);
    expect(readdirSync(out)).to.deep.equal(['modelvet.lock.json']);
  });

  it('the CLI on a read-only tree (0444 files, 0555 folders) changes nothing in it', async function () {
    const root0 = process.getuid?.() === 0;
    // As root, run as nobody: permissions bind nobody, not root.
    const uid = root0 ? NOBODY : undefined;
    if (root0) chownSync(out, NOBODY, NOBODY);
    makeReadOnly(root, uid);
    const before = snapshot(root);
    const env = { HOME: out, XDG_CACHE_HOME: join(out, 'cache') };
    const lockfile = join(out, 'modelvet.lock.json');
    const bomFile = join(out, 'model.cdx.json');

    const probe = await runAs(['--version'], { cwd: out, uid, env });
    if (probe.status !== 0) {
      // nobody cannot read the sources (a private checkout): the permission half cannot run here.
      this.skip();
    }
    type Step = [name: string, args: string[], ok: (r: Run) => void];
    const scans: Step[] = [
      ['scan', ['scan', root, '--format', 'json', '--fail-on', 'none'], (r) => expect(JSON.parse(r.stdout).summary.files).to.be.greaterThan(15)],
      ['scan --hash', ['scan', root, '--hash', '--format', 'json', '--fail-on', 'none'], (r) => expect(JSON.parse(r.stdout).artifacts.filter((a: { sha256?: string }) => a.sha256 !== undefined).length).to.be.greaterThan(15)],
      ['bom', ['bom', join(root, 'model'), '--output', bomFile], (r) => expect(r.stderr).to.equal('')],
    ];
    // The lockfile's `../tree` entry must lie inside the working directory for verify: run from the folder above both.
    const integrity: Step[] = [
      ['lock', ['lock', root, '--lockfile', lockfile, '--no-progress'], (r) => expect(r.stdout).to.match(/^wrote /)],
      ['verify', ['verify', '--lockfile', lockfile, '--format', 'json', '--fail-on', 'high'], (r) => expect(JSON.parse(r.stdout).summary.files).to.be.greaterThan(15)],
    ];
    const check = (name: string, r: Run, ok: (r: Run) => void): void => {
      expect(r.status, `${name}: ${r.stderr}`).to.equal(0);
      ok(r);
    };
    // The three independent commands at once (the machine is shared); the tree is compared after them and after each integrity command.
    const results = await Promise.all(scans.map(([, args]) => runAs(args, { cwd: out, uid, env })));
    scans.forEach(([name, , ok], i) => check(name, results[i]!, ok));
    expect(snapshot(root), 'the tree after scan, scan --hash and bom').to.deep.equal(before);
    for (const [name, args, ok] of integrity) {
      check(name, await runAs(args, { cwd: base, uid, env }), ok);
      expect(snapshot(root), `the tree after ${name}`).to.deep.equal(before);
    }
    expect(readdirSync(out).sort()).to.deep.equal(['model.cdx.json', 'modelvet.lock.json']);

    // `lock` with no --lockfile writes modelvet.lock.json into the working folder, here the
    // read-only tree: refused with one line, and nothing else is written instead.
    {
      const refused = await runAs(['lock', '.'], { cwd: root, uid, env });
      expect(refused.status, refused.stderr).to.equal(2);
      expect(refused.stderr.trim().split('\n'), refused.stderr).to.have.length(1);
      expect(refused.stderr).to.contain('modelvet.lock.json').and.contain('EACCES');
      expect(snapshot(root), 'the tree after a refused lock').to.deep.equal(before);
    }
  });
});
