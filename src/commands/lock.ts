import { Args, Command, Flags } from '@oclif/core';
import { lock } from '../integrity/lock.js';
import { displayPath } from '../integrity/paths.js';
import { terminalSafe } from '../report/text.js';

export default class Lock extends Command {
  static override summary = 'Pin models to their files’ sizes and SHA-256s in modelvet.lock.json.';
  static override description =
    'Each argument is a local folder or file (every file in a folder is hashed; .git and node_modules are skipped, links out of the folder are not followed), a Hugging Face cache snapshot folder (locked as its repo at that commit, offline), or a Hub repo (hf:org/name@rev, org/name@rev, a Hub URL) resolved to its commit, with SHA-256s from the Hub\'s LFS metadata and small files downloaded and hashed. Entries replace those of the same source; the others are kept. With no argument every entry of the lockfile is refreshed. The file is written deterministically (sorted, no timestamp).';
  static override examples = ['<%= config.bin %> lock models/', '<%= config.bin %> lock hf:org/name@main', '<%= config.bin %> lock', '<%= config.bin %> lock model.safetensors --lockfile deploy/modelvet.lock.json'];
  static override strict = false;
  static override args = { targets: Args.string({ description: 'folders, files, or Hub repos to lock (default: refresh the lockfile)' }) };
  static override flags = {
    lockfile: Flags.string({ description: 'lockfile to write (default: ./modelvet.lock.json)' }),
    endpoint: Flags.string({ description: 'Hugging Face Hub endpoint (default: HF_ENDPOINT or https://huggingface.co)' }),
    token: Flags.string({ description: 'Hugging Face token for gated or private repos (default: HF_TOKEN; never printed)' }),
    'allow-download': Flags.boolean({ description: 'download and hash Hub files the Hub gives no SHA-256 for (non-LFS files over --max-download-mb, Xet-only files)', default: false }),
    'max-download-mb': Flags.integer({ description: 'largest non-LFS Hub file downloaded to hash it, in MiB (default 10)', min: 0 }),
    progress: Flags.boolean({ description: 'show a progress bar on a terminal for long hashing', default: true, allowNo: true }),
    quiet: Flags.boolean({ char: 'q', description: 'print nothing on success', default: false }),
    debug: Flags.boolean({ description: 'print stack traces of internal errors', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Lock);
    const cwd = process.cwd();
    const result = await lock({
      cwd,
      targets: argv as string[],
      lockfile: flags.lockfile,
      endpoint: flags.endpoint,
      token: flags.token,
      allowDownload: flags['allow-download'],
      ...(flags['max-download-mb'] !== undefined ? { maxDownloadBytes: flags['max-download-mb'] * 1024 * 1024 } : {}),
      progress: flags.progress && !flags.quiet,
    });
    for (const s of result.skipped) process.stderr.write(`modelvet: not locked: ${terminalSafe(s.path)}: ${terminalSafe(s.reason)}\n`);
    if (flags.quiet) return;
    const files = result.locked.reduce((n, m) => n + m.files.length, 0);
    const models = result.locked.length;
    const state = result.changed ? 'wrote' : 'unchanged:';
    process.stdout.write(`${state} ${terminalSafe(displayPath(result.file, cwd))} (${models} model${models === 1 ? '' : 's'}, ${files} file${files === 1 ? '' : 's'} locked now; ${result.lockfile.models.length} in all)\n`);
  }
}
