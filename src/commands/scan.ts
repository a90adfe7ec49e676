import { Args, Command, Flags } from '@oclif/core';
import { parseRuleFlags } from '../config/load.js';
import { UsageError } from '../util/errors.js';
import { prepare, scan } from '../engine/scan.js';
import { emitReport } from './emit-report.js';
import { reportFlags } from './shared-flags.js';
import { sharedScanPool } from '../engine/worker-pool.js';

export default class Scan extends Command {
  static override summary = 'Scan model files and folders for what loading them would execute.';
  static override description =
    'Opens each file the way its loader would (PyTorch zip and legacy checkpoints, TorchScript, raw pickles), never runs it, and reports findings. Folders are walked recursively; .git and node_modules are skipped; links out of a folder are reported, not followed.';
  static override examples = ['<%= config.bin %> scan examples/', '<%= config.bin %> scan model.pt --format sarif --output modelvet.sarif', '<%= config.bin %> scan . --fail-on critical --rule pickle/prefer-safetensors=off'];
  static override strict = false;
  static override args = { paths: Args.string({ description: 'files or folders to scan (default: .)' }) };
  static override flags = {
    ...reportFlags,
    hash: Flags.boolean({ description: "record each file's SHA-256 in the report (reads every byte)", default: false }),
    lockfile: Flags.string({ description: 'check scanned files against this lockfile (default: nearest modelvet.lock.json from the working directory up)' }),
    staged: Flags.boolean({ description: 'scan what the git index holds (the next commit), not the work tree; Git LFS objects from .git/lfs/objects', default: false }),
    cache: Flags.boolean({ description: 'reuse findings of files analysed before with the same content, name and rules (default: on with --staged)', allowNo: true }),
    'cache-dir': Flags.string({ description: 'result cache folder (default: MODELVET_CACHE_DIR, XDG_CACHE_HOME/modelvet, ~/.cache/modelvet)' }),
    jobs: Flags.string({ char: 'j', description: 'files analysed at once, each in its own worker thread (default: the number of cores)', helpValue: 'N' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Scan);
    // The analysis runs in worker threads: start one while the config loads and the folders are walked.
    sharedScanPool().prewarm();
    const jobs = flags.jobs === undefined ? undefined : parseJobs(flags.jobs);
    const cwd = process.cwd();
    const loadOptions = { cwd, configFile: flags.config, ruleOverrides: parseRuleFlags(flags.rule ?? []) };
    const prepared = await prepare(loadOptions);
    const progress = process.stderr.isTTY && !flags.quiet && flags.output === undefined ? process.stderr : undefined;
    const report = await scan({
      cwd,
      prepared,
      paths: argv as string[],
      hash: flags.hash,
      lockfile: flags.lockfile,
      staged: flags.staged,
      ...(flags.cache !== undefined ? { cache: flags.cache } : {}),
      ...(flags['cache-dir'] !== undefined ? { cacheDir: flags['cache-dir'] } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      onProgress: progress ? (done, total, path) => progress.write(`\r\x1b[Kscanning ${done}/${total} ${path.slice(-60)}`) : undefined,
    });
    if (progress) progress.write('\r\x1b[K');

    emitReport(report, flags, prepared, cwd);
  }
}

/** A whole number of 1 or more, written plainly (no `1e2`, `0x4`, `2.0`). */
function parseJobs(value: string): number {
  const jobs = /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(jobs >= 1)) throw new UsageError(`--jobs must be a whole number of 1 or more, got '${value}'`);
  return jobs;
}
