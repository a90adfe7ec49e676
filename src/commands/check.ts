import { Args, Command, Flags } from '@oclif/core';
import { check } from '../check/check.js';
import { CHECK_DEFAULTS } from '../check/options.js';
import { parseRuleFlags } from '../config/load.js';
import { prepare } from '../engine/scan.js';
import { emitReport } from './emit-report.js';
import { reportFlags } from './shared-flags.js';

const MiB = 1024 * 1024;

export default class Check extends Command {
  static override summary = 'Judge a Hugging Face repo before downloading it: what loading would run, how its files are pinned and hashed, who published it.';
  static override description =
    'Resolves each revision to its 40-hex commit and reads every file at that commit by HTTP range requests, never whole weight files: safetensors and GGUF headers, the central directory and pickle members of PyTorch zip checkpoints, raw and legacy pickles up to --max-fetch-mb, small files whole. The same parsers and rules as `scan` judge the files; repo-level rules judge pickle weights, custom code, the licence, access and the Hub\'s own scan (info only). Output formats and exit codes are those of scan; --format json lists the bytes fetched per file.';
  static override examples = [
    '<%= config.bin %> check hf:org/name@main',
    '<%= config.bin %> check org/name https://huggingface.co/org/other/tree/v1.0',
    '<%= config.bin %> check hf:org/name --format sarif --output check.sarif',
  ];
  static override strict = false;
  static override args = { refs: Args.string({ description: 'Hub repos: hf:org/name[@rev], org/name[@rev], or Hub URLs' }) };
  static override flags = {
    ...reportFlags,
    endpoint: Flags.string({ description: 'Hugging Face Hub endpoint (default: HF_ENDPOINT or https://huggingface.co)' }),
    token: Flags.string({ description: 'Hugging Face token for gated or private repos (default: HF_TOKEN; never printed)' }),
    'max-fetch-mb': Flags.integer({ description: `most MiB fetched per file; a file needing more is reported "not fully analysed" (default ${CHECK_DEFAULTS.maxFetchBytes / MiB})`, min: 1 }),
    'max-files': Flags.integer({ description: `most files read per repo (default ${CHECK_DEFAULTS.maxFiles})`, min: 1 }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Check);
    const cwd = process.cwd();
    const prepared = await prepare({ cwd, configFile: flags.config, ruleOverrides: parseRuleFlags(flags.rule ?? []) });
    const progress = process.stderr.isTTY && !flags.quiet && flags.output === undefined ? process.stderr : undefined;
    const report = await check({
      cwd,
      prepared,
      refs: argv as string[],
      ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
      ...(flags.token !== undefined ? { token: flags.token } : {}),
      ...(flags['max-fetch-mb'] !== undefined ? { maxFetchBytes: flags['max-fetch-mb'] * MiB } : {}),
      ...(flags['max-files'] !== undefined ? { maxFiles: flags['max-files'] } : {}),
      ...(progress ? { onProgress: (done: number, total: number, path: string) => progress.write(`\r\x1b[Kchecking ${done}/${total} ${path.slice(-60)}`) } : {}),
    });
    if (progress) progress.write('\r\x1b[K');
    emitReport(report, flags, prepared, cwd);
  }
}
