/**
 * `npm run bench`: builds large checkpoints outside the repository and measures `modelvet scan`
 * on them with /usr/bin/time -v (wall time, peak RSS), then modelvet's hashing against sha256sum
 * (bench/hash.ts). Writes BENCHMARKS.md and prints the tables.
 * Goals (issues 2 and 3): scan time independent of tensor data that need not be read; peak RSS under 150 MB.
 * Goal (issue 4): hashing at ≥ 0.9 of sha256sum's throughput, memory flat.
 * Goal (issue 5): `check` of a repo with ≥1 GiB checkpoints fetches under 1 MB, with the local scan's verdict (bench/check.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJoblibArray, writeNpz, writeSafetensors } from './format-writers.js';
import { checkBench, checkMarkdown } from './check.js';
import { hashBench, hashMarkdown } from './hash.js';
import { writeBigBytesPickle, writeTorchLegacy, writeTorchZip } from './torch-writer.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const MB = 1024 * 1024;

interface Row {
  name: string;
  size: number;
  wall: number;
  rssMb: number;
  verdict: string;
}

function measure(file: string): { wall: number; rssMb: number; verdict: string } {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, join(repo, 'bin', 'run.js'), 'scan', file, '--format', 'json', '--fail-on', 'none'], {
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  if (r.status !== 0) throw new Error(`scan failed (${r.status}): ${r.stderr}`);
  const wallText = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!wallText || !rss) throw new Error(`cannot read /usr/bin/time output:\n${r.stderr}`);
  const wall = Number(wallText[1] ?? 0) * 3600 + Number(wallText[2]) * 60 + Number(wallText[3]);
  const report = JSON.parse(r.stdout) as { summary: Record<string, number> };
  const s = report.summary;
  const verdict = `${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low`;
  return { wall, rssMb: Number(rss[1]) / 1024, verdict };
}

async function main(): Promise<void> {
  if (!existsSync(join(repo, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
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
      const m = measure(path);
      rows.push({ name, size: statSync(path).size, ...m });
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = [
    '| artifact | size | wall time | peak RSS | findings |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${(r.size / MB).toFixed(0)} MiB | ${r.wall.toFixed(2)} s | ${r.rssMb.toFixed(0)} MB | ${r.verdict} |`),
  ].join('\n');
  const hashing = hashMarkdown(await hashBench());
  const checking = checkMarkdown(await checkBench());
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}`;
  const doc = `# Benchmarks\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}).\nEach row is \`modelvet scan FILE --format json\` under \`/usr/bin/time -v\`, after one warm-up run; the files are generated outside the repository and deleted afterwards.\n\nGoals: scan time independent of tensor data that need not be read (issues 2 and 3), peak RSS under 150 MB.\n\n${table}\n\n${hashing}\n${checking}`;
  writeFileSync(join(repo, 'BENCHMARKS.md'), doc);
  process.stdout.write(`${table}\n\n${hashing}\n${checking}`);
}

await main();
