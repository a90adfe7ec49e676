/**
 * `npm run bench`: measures the built CLI on inputs generated outside the repository (deleted
 * afterwards) and writes BENCHMARKS.md: one summary table, then the details of each part.
 *
 *   - start-up: `modelvet --version` and `modelvet scan` of an empty folder (bench/startup.ts);
 *   - many small files: files/s and MB/s on a 5 000-file corpus, `--jobs 1` and the default (bench/corpus.ts);
 *   - multi-GB checkpoints: scan time and peak RSS (below); goal (issues 2 and 3): scan time
 *     independent of tensor data that need not be read, peak RSS under 150 MB;
 *   - hashing: throughput as a ratio to `sha256sum` in the same run (bench/hash.ts); goal (issue 4) ≥ 0.9;
 *   - `check`: bytes fetched for a repo with ≥ 1 GiB checkpoints (bench/check.ts); goal (issue 5) < 1 MB, same verdict as a local scan.
 *
 * About 5 minutes on 2 cores. `--only=startup,corpus,checkpoints,hashing,check` runs a subset
 * and prints it without touching BENCHMARKS.md.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJoblibArray, writeNpz, writeSafetensors } from './format-writers.js';
import { checkBench, checkMarkdown, type CheckBench } from './check.js';
import { corpusBench, corpusMarkdown, type CorpusBench } from './corpus.js';
import { hashBench, hashMarkdown, type HashBench } from './hash.js';
import { machine, REPO, timeCli } from './measure.js';
import { startupBench, type StartupBench } from './startup.js';
import { writeBigBytesPickle, writeTorchLegacy, writeTorchZip } from './torch-writer.js';

const MB = 1024 * 1024;

interface Row {
  name: string;
  size: number;
  wall: number;
  rssMb: number;
  verdict: string;
}

function measure(file: string): { wall: number; rssMb: number; verdict: string } {
  const r = timeCli(['scan', file, '--format', 'json', '--fail-on', 'none']);
  if (r.status !== 0) throw new Error(`scan failed (${r.status}): ${r.stderr}`);
  const s = (JSON.parse(r.stdout) as { summary: Record<string, number> }).summary;
  return { wall: r.wall, rssMb: r.rssMb, verdict: `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low` };
}

async function checkpointBench(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-bench-'));
  const rows: Row[] = [];
  try {
    const cases: Array<[string, string, () => Promise<void>]> = [
      ['PyTorch zip, 16 MB of tensors', 'small.pt', () => writeTorchZip(join(dir, 'small.pt'), 16, 1 * MB)],
      ['PyTorch zip, 1 GiB of tensors', 'large.pt', () => writeTorchZip(join(dir, 'large.pt'), 16, 64 * MB)],
      ['PyTorch legacy, 100 MiB of tensors', 'legacy.pt', () => writeTorchLegacy(join(dir, 'legacy.pt'), 4, 25 * MB)],
      ['raw pickle, one 100 MiB BINBYTES8', 'bytes.pkl', () => writeBigBytesPickle(join(dir, 'bytes.pkl'), 100 * MB)],
      ['safetensors, 16 MiB (4 tensors)', 'small.safetensors', () => writeSafetensors(join(dir, 'small.safetensors'), 4, MB)],
      ['safetensors, 2.5 GiB (10 tensors)', 'large.safetensors', () => writeSafetensors(join(dir, 'large.safetensors'), 10, 64 * MB)],
      ['.npz (np.savez), 16 MiB array', 'small.npz', () => writeNpz(join(dir, 'small.npz'), 4 * MB)],
      ['.npz (np.savez), 1 GiB array', 'large.npz', () => writeNpz(join(dir, 'large.npz'), 256 * MB)],
      ['joblib, 16 MiB array', 'small.joblib', () => writeJoblibArray(join(dir, 'small.joblib'), 4 * MB)],
      ['joblib, 1 GiB array', 'large.joblib', () => writeJoblibArray(join(dir, 'large.joblib'), 256 * MB)],
    ];
    for (const [name, file, build] of cases) {
      process.stderr.write(`building ${name}…\n`);
      await build();
      const path = join(dir, file);
      measure(path); // warm the page cache and the module cache alike for every row
      rows.push({ name, size: statSync(path).size, ...measure(path) });
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function checkpointMarkdown(rows: Row[]): string {
  return [
    '## Multi-GB checkpoints',
    '',
    'Each row is `modelvet scan FILE --format json` under `/usr/bin/time -v`, after one warm-up run. Goals: scan time independent of tensor data that need not be read (issues 2 and 3), peak RSS under 150 MB.',
    '',
    '| artifact | size | wall time | peak RSS | findings |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${(r.size / MB).toFixed(0)} MiB | ${r.wall.toFixed(2)} s | ${r.rssMb.toFixed(0)} MB | ${r.verdict} |`),
    '',
  ].join('\n');
}

interface Results {
  startup?: StartupBench;
  corpus?: CorpusBench;
  checkpoints?: Row[];
  hashing?: HashBench;
  check?: CheckBench;
}

/** The one table: each part's headline number against its goal. */
function summaryMarkdown(r: Results): string {
  const rows: string[] = [];
  const s = r.startup;
  if (s) {
    rows.push(`| start-up: \`modelvet --version\` (median of ${s.runs}) | ${s.version.toFixed(2)} s | |`);
    rows.push(`| start-up: \`modelvet scan\` of an empty folder (median of ${s.runs}) | ${s.emptyScan.toFixed(2)} s | |`);
  }
  const c = r.corpus;
  if (c) {
    for (const row of c.rows) {
      rows.push(`| ${c.files} small files (${(c.bytes / 1e6).toFixed(1)} MB), ${row.label} | ${row.filesPerSecond.toFixed(0)} files/s, ${row.mbPerSecond.toFixed(2)} MB/s, peak RSS ${row.rssMb.toFixed(0)} MB | |`);
    }
    if (!c.hasJobs) rows.push('| small files, `--jobs 1` and default | **pending**: no `--jobs` in this build | |');
  }
  const k = r.checkpoints;
  if (k && k.length > 0) {
    const slowest = k.reduce((a, b) => (b.wall > a.wall ? b : a));
    const hungriest = k.reduce((a, b) => (b.rssMb > a.rssMb ? b : a));
    const largest = k.reduce((a, b) => (b.size > a.size ? b : a));
    rows.push(`| multi-GB checkpoints (${k.length} files up to ${(largest.size / 1024 / MB).toFixed(1)} GiB): slowest scan | ${slowest.wall.toFixed(2)} s (${slowest.name}) | independent of tensor bytes |`);
    rows.push(`| multi-GB checkpoints: highest peak RSS | ${hungriest.rssMb.toFixed(0)} MB (${hungriest.name}) | < 150 MB: ${hungriest.rssMb < 150 ? 'met' : '**not met**'} |`);
  }
  const h = r.hashing;
  if (h) {
    rows.push(`| hashing one ${(h.single.modelvet.bytes / 1024 ** 3).toFixed(1)} GiB file: modelvet / sha256sum throughput | **${h.single.ratio.toFixed(2)}** (${(h.single.modelvet.bytes / 1e6 / h.single.modelvet.wall).toFixed(0)} vs ${(h.single.sha256sum.bytes / 1e6 / h.single.sha256sum.wall).toFixed(0)} MB/s) | ≥ 0.9: ${h.single.ratio >= 0.9 ? 'met' : '**not met**'} |`);
    rows.push(`| hashing four 512 MiB files (${h.parallel.threads} threads): modelvet / sha256sum | **${h.parallel.ratio.toFixed(2)}** | ≥ 0.9: ${h.parallel.ratio >= 0.9 ? 'met' : '**not met**'} |`);
  }
  const ch = r.check;
  if (ch) {
    const total = ch.files.reduce((n, f) => n + f.size, 0);
    rows.push(`| \`check\` of a ${(total / 1024 ** 3).toFixed(2)} GiB repo: bytes fetched | ${(ch.totalBytes / 1024).toFixed(1)} KiB in ${ch.requests} requests, verdict ${ch.sameAsScan ? 'same as' : '**differs from**'} a local scan | < 1 MiB: ${ch.totalBytes < MB ? 'met' : '**not met**'} |`);
  }
  return ['| measure | result | goal |', '|---|---|---|', ...rows].join('\n');
}

const PARTS = ['startup', 'corpus', 'checkpoints', 'hashing', 'check'] as const;
type Part = (typeof PARTS)[number];

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const onlyArg = process.argv.find((a) => a.startsWith('--only='));
  const only = onlyArg ? (onlyArg.slice('--only='.length).split(',') as Part[]) : [...PARTS];
  const unknown = only.filter((p) => !PARTS.includes(p));
  if (unknown.length) throw new Error(`unknown part(s) ${unknown.join(', ')}: choose from ${PARTS.join(', ')}`);
  const started = Date.now();
  const host = machine();
  const results: Results = {};
  if (only.includes('startup')) {
    process.stderr.write('start-up…\n');
    results.startup = startupBench();
  }
  if (only.includes('corpus')) results.corpus = corpusBench();
  if (only.includes('checkpoints')) results.checkpoints = await checkpointBench();
  if (only.includes('hashing')) results.hashing = await hashBench();
  if (only.includes('check')) results.check = await checkBench();
  const minutes = (Date.now() - started) / 60_000;

  const summary = summaryMarkdown(results);
  const details = [
    results.corpus ? corpusMarkdown(results.corpus) : '',
    results.checkpoints ? checkpointMarkdown(results.checkpoints) : '',
    results.hashing ? hashMarkdown(results.hashing) : '',
    results.check ? checkMarkdown(results.check) : '',
  ].filter((t) => t !== '');
  const doc = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${host}) in ${minutes.toFixed(1)} minutes, with the built CLI (\`node bin/run.js\`). Inputs are generated in the system's temporary folder and deleted afterwards. Timings on a shared machine vary between runs (the load average at the start is given with the machine).`,
    '',
    summary,
    '',
    ...details,
  ].join('\n');
  if (onlyArg === undefined) writeFileSync(join(REPO, 'BENCHMARKS.md'), doc);
  process.stdout.write(`${doc}\n`);
}

await main();
