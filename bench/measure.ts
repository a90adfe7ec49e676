/**
 * Running the built CLI under `/usr/bin/time -v` (wall time and peak RSS of the whole process,
 * worker threads included), and the machine a benchmark ran on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(REPO, 'bin', 'run.js');

export interface Timed {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Seconds, as /usr/bin/time reports them (centiseconds). */
  wall: number;
  rssMb: number;
}

/** `/usr/bin/time -v node bin/run.js ...args`. */
export function timeCli(args: string[], options: { cwd?: string } = {}): Timed {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1' } });
  const wallText = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!wallText || !rss) throw new Error(`cannot read /usr/bin/time output (is /usr/bin/time installed?):\n${r.stderr}`);
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    wall: Number(wallText[1] ?? 0) * 3600 + Number(wallText[2]) * 60 + Number(wallText[3]),
    rssMb: Number(rss[1]) / 1024,
  };
}

/** Wall time of `node bin/run.js ...args` measured here with a monotonic clock (milliseconds resolution matters for start-up). */
export function wallOf(args: string[], options: { cwd?: string } = {}): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1' } });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`modelvet ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return seconds;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** `2 × AMD EPYC 7B13, 24 GiB RAM, Node v20.20.2, load average 1.2 at start`. */
export function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'cpu';
  const load = existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ')[0] : undefined;
  return `${availableParallelism()} × ${model}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Node ${process.version}${load !== undefined ? `, load average ${load} at start` : ''}`;
}
