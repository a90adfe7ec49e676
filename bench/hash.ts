/**
 * Hashing benchmark (issue 4): modelvet's SHA-256 of a ≥ 2 GiB file against `sha256sum` on the same
 * file in the same run, after warming the page cache, so both read from memory and the ratio
 * measures hashing, not the disk. Goal: ≥ 0.9 of sha256sum's throughput, memory flat.
 *
 *   tsx bench/hash.ts          (standalone; prints the tables)
 *   npm run bench              (bench/run.ts calls hashBench() and adds the tables to BENCHMARKS.md)
 *
 * Three measurements:
 *   1. `sha256sum FILE` and `modelvet lock FILE --lockfile <tmp> --no-progress` (the built CLI,
 *      bin/run.js, or bin/dev.js when dist/ is missing), each under /usr/bin/time -v: wall time,
 *      MB/s, peak RSS; the ratio is sha256sum's wall time over modelvet's (> 1: modelvet is faster).
 *   2. The library's hash pool alone on the same file at read sizes of 1–8 MiB (the chunk tuning).
 *   3. Four 512 MiB files: `sha256sum` of all four (one process, one core) against `modelvet lock`
 *      of their folder (one worker thread per core).
 * The files are written to os.tmpdir() and deleted afterwards.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashFiles } from '../src/integrity/hash-pool.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const MB = 1e6;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface HashRow {
  name: string;
  bytes: number;
  wall: number;
  rssMb?: number;
}

export interface HashBench {
  single: { sha256sum: HashRow; modelvet: HashRow; ratio: number };
  chunks: Array<{ chunkMiB: number; mbps: number }>;
  parallel: { sha256sum: HashRow; modelvet: HashRow; ratio: number; threads: number };
  shaNi: boolean;
  cli: string;
  /** `sha256sum (GNU coreutils) 9.1`: whether it uses the CPU's SHA extensions decides much of the ratio. */
  sha256sumVersion: string;
}

/** Pseudo-random bytes (xorshift), written in 8 MiB blocks: no compressible pattern, no huge buffer. */
function writeFile(path: string, size: number, seed: number): void {
  const fd = openSync(path, 'w');
  const block = Buffer.allocUnsafe(8 * MiB);
  let x = (seed * 2654435761) >>> 0 || 1;
  try {
    for (let written = 0; written < size; ) {
      for (let i = 0; i < block.length; i += 4) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        block.writeUInt32LE(x >>> 0, i);
      }
      const n = Math.min(block.length, size - written);
      writeSync(fd, block, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

function warm(paths: string[]): void {
  for (const p of paths) spawnSync('cat', [p], { stdio: ['ignore', 'ignore', 'ignore'] });
}

const hasTime = existsSync('/usr/bin/time');

/** Runs a command under /usr/bin/time -v when there is one: wall time and peak RSS. */
function timed(name: string, bytes: number, cmd: string, args: string[]): HashRow {
  const started = process.hrtime.bigint();
  const r = hasTime ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 16 * MiB }) : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 * MiB });
  const measured = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  if (!hasTime) return { name, bytes, wall: measured };
  const wallText = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = wallText ? Number(wallText[1] ?? 0) * 3600 + Number(wallText[2]) * 60 + Number(wallText[3]) : measured;
  return { name, bytes, wall, ...(rss ? { rssMb: Number(rss[1]) / 1024 } : {}) };
}

/** Best of `runs`: the machine is shared, and the minimum is the least disturbed measurement. */
function best(runs: number, f: () => HashRow): HashRow {
  let out: HashRow | undefined;
  for (let i = 0; i < runs; i++) {
    const r = f();
    if (!out || r.wall < out.wall) out = r;
  }
  return out!;
}

function cliCommand(): { cmd: string; args: string[]; label: string } {
  // MODELVET_BENCH_BIN measures another build's bin/run.js (a build made outside the tree).
  const other = process.env.MODELVET_BENCH_BIN;
  if (other) return { cmd: process.execPath, args: [other], label: `node ${other}` };
  const built = existsSync(join(repo, 'dist', 'cli.js'));
  const bin = join(repo, 'bin', built ? 'run.js' : 'dev.js');
  return { cmd: process.execPath, args: [bin], label: built ? 'node bin/run.js (dist)' : 'node bin/dev.js (sources via tsx: start-up is slower)' };
}

export async function hashBench(options: { sizeBytes?: number; runs?: number } = {}): Promise<HashBench> {
  const size = options.sizeBytes ?? 2 * GiB;
  const runs = options.runs ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-hash-bench-'));
  const cli = cliCommand();
  const shaNi = /\bsha_ni\b/.test(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '');
  try {
    const big = join(dir, 'big.bin');
    process.stderr.write(`writing ${(size / GiB).toFixed(1)} GiB to ${big}…\n`);
    writeFile(big, size, 1);
    warm([big]);

    const lockfile = join(dir, 'x.lock.json');
    const sum = best(runs, () => timed('sha256sum', size, 'sha256sum', [big]));
    const mv = best(runs, () => timed('modelvet lock', size, cli.cmd, [...cli.args, 'lock', big, '--lockfile', lockfile, '--no-progress', '--quiet']));
    const locked = JSON.parse(readFileSync(lockfile, 'utf8')) as { models: Array<{ files: Array<{ sha256: string }> }> };
    const expected = spawnSync('sha256sum', [big], { encoding: 'utf8' }).stdout.split(' ')[0];
    if (locked.models[0]!.files[0]!.sha256 !== expected) throw new Error('modelvet and sha256sum disagree on the digest');

    const chunks: HashBench['chunks'] = [];
    for (const chunkMiB of [1, 2, 4, 8]) {
      let bestS = Infinity;
      for (let i = 0; i < runs; i++) {
        const t = process.hrtime.bigint();
        await hashFiles([{ path: big, size }], { chunkBytes: chunkMiB * MiB });
        bestS = Math.min(bestS, Number(process.hrtime.bigint() - t) / 1e9);
      }
      chunks.push({ chunkMiB, mbps: size / MB / bestS });
    }
    rmSync(big);

    const folder = join(dir, 'shards');
    mkdirSync(folder);
    const parts = [0, 1, 2, 3].map((i) => join(folder, `part-${i}.bin`));
    parts.forEach((p, i) => writeFile(p, 512 * MiB, i + 2));
    warm(parts);
    const total = parts.reduce((n, p) => n + statSync(p).size, 0);
    const psum = best(runs, () => timed('sha256sum (4 files)', total, 'sha256sum', parts));
    const pmv = best(runs, () => timed('modelvet lock (4 files)', total, cli.cmd, [...cli.args, 'lock', folder, '--lockfile', lockfile, '--no-progress', '--quiet']));

    return {
      single: { sha256sum: sum, modelvet: mv, ratio: sum.wall / mv.wall },
      chunks,
      parallel: { sha256sum: psum, modelvet: pmv, ratio: psum.wall / pmv.wall, threads: availableParallelism() },
      shaNi,
      cli: cli.label,
      sha256sumVersion: spawnSync('sha256sum', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'unknown',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mbps = (r: HashRow): string => `${(r.bytes / MB / r.wall).toFixed(0)} MB/s`;
const rss = (r: HashRow): string => (r.rssMb === undefined ? 'n/a' : `${r.rssMb.toFixed(0)} MB`);

/** The Markdown section bench/run.ts puts into BENCHMARKS.md. */
export function hashMarkdown(b: HashBench): string {
  const row = (r: HashRow): string => `| ${r.name} | ${(r.bytes / GiB).toFixed(1)} GiB | ${r.wall.toFixed(2)} s | ${mbps(r)} | ${rss(r)} |`;
  return [
    '## Hashing (`modelvet lock` / `verify`)',
    '',
    `One ${(b.single.modelvet.bytes / GiB).toFixed(1)} GiB file, page cache warm, best of 3, each command under \`/usr/bin/time -v\` (modelvet as ${b.cli}, so its wall time includes Node's start-up). CPU SHA extensions (sha_ni): ${b.shaNi ? 'yes' : 'no'}; sha256sum is \`${b.sha256sumVersion}\`. Node hashes with OpenSSL, which uses the SHA extensions where the CPU has them; a sha256sum built without OpenSSL does not, which is most of a ratio far above 1. Goal: modelvet at ≥ 0.9 of sha256sum's throughput, memory flat.`,
    '',
    '| command | data | wall time | throughput | peak RSS |',
    '|---|---:|---:|---:|---:|',
    row(b.single.sha256sum),
    row(b.single.modelvet),
    '',
    `Ratio (modelvet throughput / sha256sum throughput): **${b.single.ratio.toFixed(2)}**.`,
    '',
    `Four 512 MiB files (${b.parallel.threads} worker threads, one file each at a time; sha256sum reads them one after another):`,
    '',
    '| command | data | wall time | throughput | peak RSS |',
    '|---|---:|---:|---:|---:|',
    row(b.parallel.sha256sum),
    row(b.parallel.modelvet),
    '',
    `Ratio: **${b.parallel.ratio.toFixed(2)}**.`,
    '',
    'Read size per chunk (library hash pool alone, same file):',
    '',
    '| chunk | throughput |',
    '|---:|---:|',
    ...b.chunks.map((c) => `| ${c.chunkMiB} MiB | ${c.mbps.toFixed(0)} MB/s |`),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizeArg = process.argv.find((a) => a.startsWith('--size-gib='));
  const b = await hashBench(sizeArg ? { sizeBytes: Number(sizeArg.split('=')[1]) * GiB } : {});
  process.stdout.write(`${hashMarkdown(b)}\n`);
}
