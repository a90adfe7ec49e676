/**
 * Output files are never written through symlinks or outside the requested path.
 *
 * For every command that writes a file (`scan`/`verify --output`, `bom --output`, `lock
 * --lockfile`), through the CLI:
 *   - the output path is a link to a file outside the folder: the link is replaced by the output
 *     (written beside it and renamed over it), the file it pointed at is untouched;
 *   - the output path is a dangling link to a path outside the folder: nothing is created there;
 *   - the output's folder does not exist: one-line error, exit 2, nothing created (`lock` may
 *     instead create the folder it was asked to write into, and only that file in it);
 * and no temporary file is left beside the output.
 */
import { pool } from '../../src/util/pool.js';
import { expect } from 'chai';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lock } from '../../src/integrity/lock.js';
import { runCliAsync, type CliResult } from '../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

interface Writer {
  name: string;
  /** Arguments that write to `target`. */
  args: (target: string, base: string) => string[];
  /** What a correct output looks like. */
  valid: (text: string) => boolean;
  /** What the file a link points at holds (lock reads an existing lockfile to merge into it, so it gets one). */
  victim?: string;
}

const isReport = (text: string): boolean => {
  const doc = JSON.parse(text) as { tool?: { name?: string }; findings?: unknown[] };
  return doc.tool?.name === 'modelvet' && Array.isArray(doc.findings);
};

const WRITERS: Writer[] = [
  { name: 'scan --output', args: (t, b) => ['scan', join(b, 'model'), '--format', 'json', '--fail-on', 'none', '--output', t], valid: isReport },
  { name: 'verify --output', args: (t, b) => ['verify', '--lockfile', join(b, 'modelvet.lock.json'), '--format', 'json', '--fail-on', 'none', '--output', t], valid: isReport },
  { name: 'bom --output', args: (t, b) => ['bom', join(b, 'model'), '--output', t], valid: (text) => (JSON.parse(text) as { bomFormat?: string }).bomFormat === 'CycloneDX' },
  {
    name: 'lock --lockfile',
    args: (t, b) => ['lock', join(b, 'model'), '--lockfile', t, '--no-progress'],
    valid: (text) => (JSON.parse(text) as { lockfileVersion?: number }).lockfileVersion === 1,
    victim: '{ "lockfileVersion": 1, "models": [] }\n',
  },
];

/** Runs at most `n` at once (the machine is shared). */
const limited = <T>(n: number, jobs: Array<() => Promise<T>>): Promise<T[]> => pool(jobs, n, (job) => job());

const leftovers = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('output safety: never written through a link or outside the requested path', function () {
  this.timeout(300_000);
  let base: string;
  const VICTIM_TEXT = 'outside the output folder: must stay as it is\n';

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'modelvet-output-'));
    mkdirSync(join(base, 'model'));
    copyFileSync(join(FIXTURES, 'benign/safetensors/torch-state-dict.safetensors'), join(base, 'model', 'model.safetensors'));
    copyFileSync(join(FIXTURES, 'bom/tiny-gpt2/config.json'), join(base, 'model', 'config.json'));
    await lock({ cwd: base, targets: [join(base, 'model')], lockfile: join(base, 'modelvet.lock.json'), progress: false });
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('a link at the output path is replaced; the file it points at is untouched', async () => {
    const results = await limited(
      2,
      WRITERS.map((w, i) => async (): Promise<[Writer, CliResult, string, string]> => {
        const dir = join(base, `link-${i}`);
        const outside = join(base, `outside-${i}`);
        mkdirSync(dir);
        mkdirSync(outside);
        writeFileSync(join(outside, 'victim.json'), w.victim ?? VICTIM_TEXT);
        symlinkSync(join(outside, 'victim.json'), join(dir, 'out.json'));
        return [w, await runCliAsync(w.args(join(dir, 'out.json'), base), { cwd: dir }), dir, outside];
      }),
    );
    for (const [w, r, dir, outside] of results) {
      expect(r.status, `${w.name}: ${r.stderr}`).to.equal(0);
      expect(readFileSync(join(outside, 'victim.json'), 'utf8'), `${w.name}: the link's target`).to.equal(w.victim ?? VICTIM_TEXT);
      expect(readdirSync(outside), w.name).to.deep.equal(['victim.json']);
      expect(lstatSync(join(dir, 'out.json')).isSymbolicLink(), `${w.name}: the link was replaced`).to.equal(false);
      expect(w.valid(readFileSync(join(dir, 'out.json'), 'utf8')), `${w.name}: the output is at the requested path`).to.equal(true);
      expect(leftovers(dir), w.name).to.deep.equal([]);
    }
  });

  it('a dangling link at the output path creates nothing where it points', async () => {
    const results = await limited(
      2,
      WRITERS.map((w, i) => async (): Promise<[Writer, CliResult, string, string]> => {
        const dir = join(base, `dangling-${i}`);
        const outside = join(base, `nowhere-${i}`);
        mkdirSync(dir);
        mkdirSync(outside);
        symlinkSync(join(outside, 'planted.json'), join(dir, 'out.json'));
        return [w, await runCliAsync(w.args(join(dir, 'out.json'), base), { cwd: dir }), dir, outside];
      }),
    );
    for (const [w, r, dir, outside] of results) {
      expect(r.status, `${w.name}: ${r.stderr}`).to.equal(0);
      expect(existsSync(join(outside, 'planted.json')), `${w.name}: created through the link`).to.equal(false);
      expect(lstatSync(join(dir, 'out.json')).isSymbolicLink(), w.name).to.equal(false);
      expect(w.valid(readFileSync(join(dir, 'out.json'), 'utf8')), w.name).to.equal(true);
      expect(leftovers(dir), w.name).to.deep.equal([]);
    }
  });

  it('an output folder that does not exist: one line on stderr, exit 2, nothing created', async () => {
    const results = await limited(
      2,
      WRITERS.map((w, i) => async (): Promise<[Writer, CliResult, string]> => {
        const dir = join(base, `missing-${i}`);
        mkdirSync(dir);
        return [w, await runCliAsync(w.args(join(dir, 'no', 'such', 'folder', 'out.json'), base), { cwd: dir }), dir];
      }),
    );
    for (const [w, r, dir] of results) {
      if (w.name === 'lock --lockfile' && r.status === 0) {
        // lock creates the folder of the lockfile it is asked to write (`--lockfile deploy/modelvet.lock.json`): only that file.
        expect(readdirSync(join(dir, 'no', 'such', 'folder')), w.name).to.deep.equal(['out.json']);
        expect(w.valid(readFileSync(join(dir, 'no', 'such', 'folder', 'out.json'), 'utf8'))).to.equal(true);
        continue;
      }
      expect(r.status, `${w.name}: ${r.stderr}`).to.equal(2);
      expect(r.stdout, w.name).to.equal('');
      expect(r.stderr.trim().split('\n'), `${w.name}: ${r.stderr}`).to.have.length(1);
      expect(r.stderr, w.name).to.match(/^modelvet: /).and.contain('out.json');
      expect(r.stderr, w.name).not.to.match(/\bat .*\.ts:\d+/); // no stack trace without --debug
      expect(readdirSync(dir), `${w.name}: nothing created`).to.deep.equal([]);
    }
  });
});
