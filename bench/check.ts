/**
 * `modelvet check` against a fake Hub (a real HTTP server on 127.0.0.1, test/helpers/fake-hub.ts)
 * serving a repo with a ≥1 GiB PyTorch zip checkpoint and a ≥1 GiB safetensors file: bytes fetched,
 * requests, wall time and peak RSS (under /usr/bin/time -v), and whether the verdict equals a local
 * `modelvet scan` of the same files. Goal (issue 5): under 1 MB fetched in total, same verdict.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeRepoFromFolder, startFakeHub } from '../test/helpers/fake-hub.js';
import { writeSafetensors } from './format-writers.js';
import { writeTorchZip } from './torch-writer.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const MB = 1024 * 1024;
const COMMIT = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';

export interface CheckBench {
  files: Array<{ path: string; size: number; bytes: number; requests: number }>;
  totalBytes: number;
  requests: number;
  wall: number;
  rssMb: number;
  verdict: string;
  sameAsScan: boolean;
  scanVerdict: string;
}

interface Finding { ruleId: string; severity: string; path: string }
interface JsonReport { findings: Finding[]; summary: Record<string, number>; fetch?: { totalBytes: number; requests: number; repos: Array<{ files: Array<{ path: string; size: number; bytes: number; requests: number }> }> } }

/** Runs the CLI asynchronously: the fake Hub answering it lives in this process. */
function run(args: string[], cwd: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, join(repo, 'bin', 'run.js'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

function timing(stderr: string): { wall: number; rssMb: number } {
  const wallText = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (!wallText || !rss) throw new Error(`cannot read /usr/bin/time output:\n${stderr}`);
  return { wall: Number(wallText[1] ?? 0) * 3600 + Number(wallText[2]) * 60 + Number(wallText[3]), rssMb: Number(rss[1]) / 1024 };
}

/** The verdict that must agree: file-level findings by rule, severity and file (repo-level and integrity rules aside). */
function verdictRows(report: JsonReport, prefix: string): string[] {
  return report.findings
    .filter((f) => !f.ruleId.startsWith('hub/') && !f.ruleId.startsWith('integrity/') && !f.ruleId.startsWith('provenance/'))
    .map((f) => `${f.ruleId} ${f.severity} ${f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path}`)
    .sort();
}

const summaryText = (report: JsonReport): string => ['critical', 'high', 'medium', 'low'].map((k) => `${report.summary[k] ?? 0} ${k}`).join(', ');

export async function checkBench(): Promise<CheckBench> {
  const dir = mkdtempSync(join(tmpdir(), 'modelvet-check-bench-'));
  try {
    process.stderr.write('building a 1 GiB PyTorch checkpoint and a 1.25 GiB safetensors file…\n');
    await writeTorchZip(join(dir, 'pytorch_model.bin'), 16, 64 * MB);
    await writeSafetensors(join(dir, 'model.safetensors'), 10, 32 * MB);
    writeFileSync(join(dir, 'config.json'), `${JSON.stringify({ architectures: ['BenchModel'], model_type: 'bench' }, null, 2)}\n`);
    const hub = await startFakeHub([fakeRepoFromFolder('bench/large', dir, { sha: COMMIT })]);
    try {
      process.stderr.write('checking through the fake Hub…\n');
      // One warm-up run: the fake Hub hashes the files for its listing once, and the module cache warms.
      await run(['check', 'hf:bench/large', '--endpoint', hub.url, '--format', 'json', '--fail-on', 'none'], dir);
      const checked = await run(['check', 'hf:bench/large', '--endpoint', hub.url, '--format', 'json', '--fail-on', 'none'], dir);
      if (checked.code !== 0) throw new Error(`check failed (${checked.code}): ${checked.stderr}`);
      const report = JSON.parse(checked.stdout) as JsonReport;
      const scanned = await run(['scan', '.', '--format', 'json', '--fail-on', 'none'], dir);
      if (scanned.code !== 0) throw new Error(`scan failed (${scanned.code}): ${scanned.stderr}`);
      const local = JSON.parse(scanned.stdout) as JsonReport;
      const fetch = report.fetch!;
      return {
        files: fetch.repos[0]!.files,
        totalBytes: fetch.totalBytes,
        requests: fetch.requests,
        ...timing(checked.stderr),
        verdict: summaryText(report),
        scanVerdict: summaryText(local),
        sameAsScan: JSON.stringify(verdictRows(report, `hf:bench/large@${COMMIT}/`)) === JSON.stringify(verdictRows(local, '')),
      };
    } finally {
      await hub.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function checkMarkdown(b: CheckBench): string {
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
  const rows = b.files.map((f) => `| ${f.path} | ${(f.size / MB).toFixed(0)} MiB | ${kb(f.bytes)} | ${f.requests} |`);
  return [
    '## `modelvet check` before download (fake Hub on 127.0.0.1)',
    '',
    'A repo with a 1 GiB PyTorch zip checkpoint (16 tensors), a 1.25 GiB safetensors file and a config.json, served by the test suite\'s fake Hub; `modelvet check hf:bench/large --format json` under `/usr/bin/time -v`. Goal: under 1 MB fetched in total, with the verdict of a local `modelvet scan` of the same files.',
    '',
    '| file | size | fetched | requests |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    `Total: **${kb(b.totalBytes)} fetched** in ${b.requests} requests (goal < 1024 KiB: ${b.totalBytes < MB ? 'met' : 'NOT met'}); wall time ${b.wall.toFixed(2)} s; peak RSS ${b.rssMb.toFixed(0)} MB.`,
    `Verdict: check ${b.verdict}; local scan ${b.scanVerdict}; file findings ${b.sameAsScan ? 'identical' : 'DIFFERENT'}.`,
    '',
  ].join('\n');
}

// `tsx bench/check.ts` runs this part alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const b = await checkBench();
  process.stdout.write(checkMarkdown(b));
}
